// Import an export directory (export-format.ts) into a workspace. Everything is validated before anything is
// written: the manifest, each file's sha256 and row count, every row against its schema, every reference
// between rows. Then all rows go in under one transaction with fresh ids, so a bad export changes nothing.
import { offlineKey, type OfflineSource } from '../../shared/session-config'
import { TASK_FILE_LIMITS } from '../../shared/task-limits'
import { createHash } from 'node:crypto'
import { closeSync, readSync } from 'node:fs'
import { join } from 'node:path'
import { StringDecoder } from 'node:string_decoder'
import { StoreError, toStoreError } from './errors'
import { openRegular } from './plain-file'
import {
  EXPORT_FILES,
  EXPORT_FORMAT,
  EXPORT_VERSION,
  Manifest,
  TASK_FILES_SINCE,
  rowSchemas,
  type ExportFile,
  type ExportRow,
} from './export-format'
import { LABEL } from './label-columns'
import { EPISODE, EVALUATION, POLICY, QUERY, STEP, TASK } from './table-columns'
import { SCHEMA_VERSION } from './migrations'
import { insertSession } from './session-rows'
import type { TaskShape, TaskShapes } from './types'
import type { Workspace } from './workspace'

export interface ImportOptions {
  /**
   * The vector sizes of every task this workbench runs (src/main/sim's registry supplies them). A row for a task
   * not listed, or a vector of another length, is refused: the running code could not use it.
   */
  tasks: TaskShapes
  /**
   * Land a one-session export in this existing, unfinished session of the workspace (the study queue's results):
   * its labels, queries, policies, evaluations, checkpoint and own episodes are replaced by the export's, its status
   * and note taken from it, in the same transaction. The caller checks that both have the same configuration.
   */
  into?: number
}

export interface ImportResult {
  /** old id (in the export) -> new id (in the workspace) */
  sessions: Map<number, number>
  episodes: Map<number, number>
  labels: Map<number, number>
  rows: Partial<Record<ExportFile, number>>
}

const MAX_REPORTED = 20
/** An export carries at most this many bytes of task files (each task within TASK_FILE_LIMITS). */
const MAX_EXPORT_TASK_BYTES = 4 * TASK_FILE_LIMITS.totalBytes
/** The longest line (a policy's weights are the largest rows: about 100 KB for a 64-unit MLP). */
const MAX_LINE_CHARS = 16 * 2 ** 20
const MAX_MANIFEST_BYTES = 2 ** 20

/** Lines of a file, read synchronously in 1 MiB chunks, with the running sha256 of its bytes. */
function* readLines(fd: number, hash: ReturnType<typeof createHash>): Generator<string> {
  const chunk = Buffer.alloc(1 << 20)
  const decoder = new StringDecoder('utf8')
  let rest = ''
  try {
    for (;;) {
      const n = readSync(fd, chunk, 0, chunk.length, null)
      if (n === 0) break
      hash.update(chunk.subarray(0, n))
      const text = rest + decoder.write(chunk.subarray(0, n))
      const parts = text.split('\n')
      rest = parts.pop()!
      if (rest.length > MAX_LINE_CHARS)
        throw new StoreError('invalid-export', `a line is longer than ${MAX_LINE_CHARS} characters`)
      yield* parts
    }
    rest += decoder.end()
    if (rest.length > 0) yield rest // a last line without its newline: counted, and rejected by the row count
  } finally {
    closeSync(fd)
  }
}

type Rows = { [F in ExportFile]: (row: ExportRow<F>, where: string) => void }

/**
 * Stream every row of every listed file through `visit`, checking schema, row count and hash against the
 * manifest. Problems are collected (`problems`) rather than thrown, except that visit may throw.
 */
function eachRow(
  dir: string,
  manifest: Manifest,
  visit: Partial<Rows>,
  problems: string[],
  only: readonly ExportFile[] = EXPORT_FILES,
): void {
  for (const name of only) {
    const entry = manifest.files[name]
    if (!entry) continue
    const path = join(dir, name)
    let fd: number
    try {
      fd = openRegular(path, name)
    } catch (err) {
      problems.push(
        err instanceof StoreError && /is missing$/.test(err.message)
          ? `${name}: listed in the manifest but missing`
          : (err as Error).message,
      )
      continue
    }
    const hash = createHash('sha256')
    const schema = rowSchemas[name]
    const fn = visit[name] as ((row: unknown, where: string) => void) | undefined
    let line = 0
    for (const text of readLines(fd, hash)) {
      line++
      const where = `${name}:${line}`
      if (problems.length >= MAX_REPORTED) continue // keep hashing/counting, stop parsing
      let value: unknown
      try {
        value = JSON.parse(text)
      } catch {
        problems.push(`${where}: not valid JSON`)
        continue
      }
      const parsed = schema.safeParse(value)
      if (!parsed.success) {
        const issue = parsed.error.issues[0]
        problems.push(`${where}: ${issue.path.join('.') || '(row)'}: ${issue.message}`)
        continue
      }
      fn?.(parsed.data, where)
    }
    if (line !== entry.rows) problems.push(`${name}: ${line} rows, the manifest says ${entry.rows}`)
    const digest = hash.digest('hex')
    if (digest !== entry.sha256) problems.push(`${name}: sha256 ${digest} differs from the manifest's ${entry.sha256}`)
  }
}

function readManifest(dir: string): Manifest {
  const path = join(dir, 'manifest.json')
  let fd: number
  try {
    fd = openRegular(path, path)
  } catch (err) {
    if (err instanceof StoreError && /is missing$/.test(err.message))
      throw new StoreError('invalid-export', `${dir} has no manifest.json: not an export, or an unfinished one`)
    throw err
  }
  let raw: unknown
  try {
    const buffer = Buffer.alloc(MAX_MANIFEST_BYTES + 1)
    const n = readSync(fd, buffer, 0, buffer.length, 0)
    if (n > MAX_MANIFEST_BYTES)
      throw new StoreError('invalid-export', `${path} is larger than ${MAX_MANIFEST_BYTES} bytes`)
    raw = JSON.parse(buffer.subarray(0, n).toString('utf8'))
  } catch (err) {
    if (err instanceof StoreError) throw err
    throw new StoreError('invalid-export', `${path} is not valid JSON`)
  } finally {
    closeSync(fd)
  }
  const format = (raw as { format?: unknown } | null)?.format
  if (format !== EXPORT_FORMAT)
    throw new StoreError('invalid-export', `${path}: format is ${JSON.stringify(format)}, expected "${EXPORT_FORMAT}"`)
  const version = (raw as { version?: unknown }).version
  if (typeof version === 'number' && version > EXPORT_VERSION) {
    throw new StoreError(
      'invalid-export',
      `${path}: export format version ${version} is newer than this workbench reads (${EXPORT_VERSION})`,
    )
  }
  const parsed = Manifest.safeParse(raw)
  if (!parsed.success) {
    const i = parsed.error.issues[0]
    throw new StoreError('invalid-export', `${path}: ${i.path.join('.') || '(manifest)'}: ${i.message}`)
  }
  const unknown = Object.keys(parsed.data.files).filter((f) => !(EXPORT_FILES as readonly string[]).includes(f))
  if (unknown.length) throw new StoreError('invalid-export', `${path}: unknown files ${unknown.join(', ')}`)
  if (parsed.data.schemaVersion > SCHEMA_VERSION)
    throw new StoreError(
      'invalid-export',
      `${path}: exported from workspace schema version ${parsed.data.schemaVersion}, newer than this workbench's ${SCHEMA_VERSION}`,
    )
  // The exporter lists every table it writes (settings only for a whole workspace, task files since version 2):
  // fewer is not an export.
  const expected = EXPORT_FILES.filter(
    (f) =>
      (parsed.data.scope === 'workspace' || f !== 'settings.jsonl') &&
      (parsed.data.version >= TASK_FILES_SINCE || f !== 'task_files.jsonl'),
  )
  const absent = expected.filter((f) => !Object.hasOwn(parsed.data.files, f))
  if (absent.length) throw new StoreError('invalid-export', `${path}: files lists no ${absent.join(', ')}`)
  return parsed.data
}

/** A task folder's files by relative path. */
export type ExportTaskFiles = Map<string, Record<string, Uint8Array>>

/** Put task_files.jsonl's pieces back together, checking order, paths and the task-folder bounds. */
class TaskFileAssembler {
  private readonly parts = new Map<string, Map<string, Buffer[]>>()
  private readonly sizes = new Map<string, number>() // task\0path -> bytes so far
  private total = 0

  add(r: ExportRow<'task_files.jsonl'>, where: string, problems: string[]): void {
    const path = r.path
    const parts = path.split('/')
    if (path.startsWith('/') || parts.some((p) => p === '' || p === '.' || p === '..' || p.includes('\\'))) {
      problems.push(`${where}: '${path}' is not a plain relative path inside a task folder`)
      return
    }
    const key = `${r.taskId}\0${path}`
    const size = this.sizes.get(key) ?? 0
    if (r.offset !== size) {
      problems.push(`${where}: piece of ${r.taskId}/${path} at offset ${r.offset}, expected ${size}`)
      return
    }
    const bytes = Buffer.from(r.base64, 'base64')
    let files = this.parts.get(r.taskId)
    if (!files) this.parts.set(r.taskId, (files = new Map()))
    if (!files.has(path) && files.size >= TASK_FILE_LIMITS.files) {
      problems.push(`${where}: task ${r.taskId} has more than ${TASK_FILE_LIMITS.files} files`)
      return
    }
    this.total += bytes.length
    if (size + bytes.length > TASK_FILE_LIMITS.fileBytes || this.total > MAX_EXPORT_TASK_BYTES) {
      problems.push(`${where}: ${r.taskId}/${path} or the export's task files exceed their size bounds`)
      return
    }
    this.sizes.set(key, size + bytes.length)
    const pieces = files.get(path) ?? []
    pieces.push(bytes)
    files.set(path, pieces)
  }

  get tasks(): ExportTaskFiles {
    const out: ExportTaskFiles = new Map()
    for (const [task, files] of this.parts) {
      const folder: Record<string, Uint8Array> = {}
      for (const [path, pieces] of files) folder[path] = new Uint8Array(Buffer.concat(pieces))
      out.set(task, folder)
    }
    return out
  }
}

/**
 * The task folders an export carries (task_files.jsonl), checked against the manifest, before anything is
 * imported: the caller checks each with MuJoCo and lets its shapes into ImportOptions.tasks.
 */
export function readExportTaskFiles(dir: string): ExportTaskFiles {
  const manifest = readManifest(dir)
  const problems: string[] = []
  const assembler = new TaskFileAssembler()
  eachRow(dir, manifest, { 'task_files.jsonl': (r, where) => assembler.add(r, where, problems) }, problems, [
    'task_files.jsonl',
  ])
  if (problems.length) {
    throw new StoreError(
      'invalid-export',
      `export ${dir} was rejected, nothing was imported:\n  ${problems.join('\n  ')}`,
    )
  }
  return assembler.tasks
}

/** Pass 1: every check, no writes. Throws StoreError('invalid-export') listing the problems. */
export function validateExport(dir: string, options: ImportOptions): Manifest {
  const manifest = readManifest(dir)
  const problems: string[] = []
  const sessions = new Map<number, string>() // id -> task
  const episodes = new Map<number, { steps: number; task: string }>() // id -> declared steps, task
  const stepCounts = new Map<number, number>()
  const labels = new Set<number>()
  const sessionCost = new Map<number, number>()
  const unique = (set: Set<number> | Map<number, unknown>, idValue: number, where: string) => {
    if (set.has(idValue)) problems.push(`${where}: duplicate id ${idValue}`)
  }
  const refers = (ok: boolean, where: string, what: string) => {
    if (!ok) problems.push(`${where}: refers to ${what}, which is not in the export`)
  }
  /** The task's vector sizes, or null (and a problem) for a task this workbench does not run. */
  const shapeOf = (task: string | undefined, where: string): TaskShape | null => {
    if (task === undefined) return null // a dangling reference, reported on its own
    const shape = options.tasks.get(task)
    if (!shape) problems.push(`${where}: task '${task}' is not one this workbench runs`)
    return shape ?? null
  }
  /** A state, observation or action: the task's length, finite values (the code can neither restore NaN nor learn from it). */
  const vector = (v: readonly (number | string)[] | null, length: number, where: string, what: string) => {
    if (v === null) return
    if (v.length !== length) problems.push(`${where}: ${what} has ${v.length} values, the task's has ${length}`)
    else if (!v.every((x) => typeof x === 'number' && Number.isFinite(x)))
      problems.push(`${where}: ${what} holds a value that is not a finite number`)
  }
  let lastStep = { episode: -1, index: -1 }
  const assembler = new TaskFileAssembler()
  eachRow(
    dir,
    manifest,
    {
      'tasks.jsonl': (r, where) => void shapeOf(r.taskId, where),
      'task_files.jsonl': (r, where) => {
        assembler.add(r, where, problems)
        if (r.offset === 0 && r.path === 'task.json') shapeOf(r.taskId, where)
      },
      'sessions.jsonl': (r, where) => {
        unique(sessions, r.id, where)
        sessions.set(r.id, r.taskId)
        shapeOf(r.taskId, where)
      },
      'episodes.jsonl': (r, where) => {
        unique(episodes, r.id, where)
        episodes.set(r.id, { steps: r.steps, task: r.taskId })
        shapeOf(r.taskId, where)
        // a version follows the episode it was edited from
        if (r.versionOf !== null)
          refers(episodes.has(r.versionOf) && r.versionOf !== r.id, where, `episode ${r.versionOf}`)
        if (r.sessionId !== null) {
          refers(sessions.has(r.sessionId), where, `session ${r.sessionId}`)
          const task = sessions.get(r.sessionId)
          if (task !== undefined && task !== r.taskId)
            problems.push(`${where}: episode of task '${r.taskId}' in session ${r.sessionId} of task '${task}'`)
        }
      },
      'steps.jsonl': (r, where) => {
        const episode = episodes.get(r.episodeId)
        refers(episode !== undefined, where, `episode ${r.episodeId}`)
        // Steps come grouped by episode, indices 0, 1, 2, ... without gaps.
        if (
          r.episodeId === lastStep.episode
            ? r.index !== lastStep.index + 1
            : stepCounts.has(r.episodeId) || r.index !== 0
        ) {
          problems.push(
            `${where}: step ${r.index} of episode ${r.episodeId} is out of order (steps go grouped by episode from index 0)`,
          )
        }
        lastStep = { episode: r.episodeId, index: r.index }
        stepCounts.set(r.episodeId, (stepCounts.get(r.episodeId) ?? 0) + 1)
        const shape = episode && options.tasks.get(episode.task)
        if (shape) {
          vector(r.state, shape.stateSize, where, 'state')
          vector(r.observation, shape.obsDim, where, 'observation')
          vector(r.action, shape.actDim, where, 'action')
        }
      },
      'labels.jsonl': (r, where) => {
        unique(labels, r.id, where)
        labels.add(r.id)
        refers(sessions.has(r.sessionId), where, `session ${r.sessionId}`)
        if (r.episodeId !== null) {
          const episode = episodes.get(r.episodeId)
          refers(episode !== undefined, where, `episode ${r.episodeId}`)
          if (episode && (r.stepIndex === null || r.stepIndex >= episode.steps))
            problems.push(
              `${where}: stepIndex ${r.stepIndex} is not a step of episode ${r.episodeId} (${episode.steps} steps)`,
            )
        }
        const shape = sessions.has(r.sessionId) ? options.tasks.get(sessions.get(r.sessionId)!) : undefined
        if (shape) {
          vector(r.state, shape.stateSize, where, 'state')
          vector(r.observation, shape.obsDim, where, 'observation')
          vector(r.action, shape.actDim, where, 'action')
        }
        sessionCost.set(r.sessionId, (sessionCost.get(r.sessionId) ?? 0) + r.cost)
      },
      'queries.jsonl': (r, where) => {
        refers(sessions.has(r.sessionId), where, `session ${r.sessionId}`)
        if (r.labelId !== null) refers(labels.has(r.labelId), where, `label ${r.labelId}`)
        const shape = sessions.has(r.sessionId) ? options.tasks.get(sessions.get(r.sessionId)!) : undefined
        if (shape) {
          vector(r.proposedAction, shape.actDim, where, 'proposedAction')
          vector(r.answer, shape.actDim, where, 'answer')
        }
      },
      'policies.jsonl': (r, where) => refers(sessions.has(r.sessionId), where, `session ${r.sessionId}`),
      'evaluations.jsonl': (r, where) => refers(sessions.has(r.sessionId), where, `session ${r.sessionId}`),
    },
    problems,
  )
  for (const [episode, { steps: declared }] of episodes) {
    const found = stepCounts.get(episode) ?? 0
    if (found !== declared && problems.length < MAX_REPORTED) {
      problems.push(`episodes.jsonl: episode ${episode} declares ${declared} steps, steps.jsonl has ${found}`)
    }
  }
  // Each label is bounded, so only an absurd number of them could overflow a session's total; say so if it does.
  for (const [session, cost] of sessionCost)
    if (!Number.isFinite(cost)) problems.push(`labels.jsonl: session ${session}'s labels cost more than a number holds`)
  for (const s of manifest.sessionIds) refers(sessions.has(s), 'manifest.json', `session ${s}`)
  if (problems.length) {
    throw new StoreError(
      'invalid-export',
      `export ${dir} was rejected, nothing was imported:\n  ${problems.join('\n  ')}`,
    )
  }
  return manifest
}

/** Validate, then write everything in one transaction with new ids. */
export function importExport(ws: Workspace, dir: string, options: ImportOptions): ImportResult {
  const manifest = validateExport(dir, options)
  const result: ImportResult = {
    sessions: new Map(),
    episodes: new Map(),
    labels: new Map(),
    rows: {},
  }
  const p = ws.prepare
  const mapped = (m: Map<number, number>, old: number | null): number | null => (old === null ? null : m.get(old)!)
  const demoSessions: { id: number; offline: Extract<OfflineSource, { kind: 'demos' }> }[] = []
  const count = (name: ExportFile) => (result.rows[name] = (result.rows[name] ?? 0) + 1)
  const into = options.into
  const assembler = new TaskFileAssembler()
  if (into !== undefined && manifest.sessionIds.length !== 1)
    throw new StoreError('invalid-export', `export ${dir} is not an export of one session`)
  try {
    ws.db
      .transaction(() => {
        const problems: string[] = []
        if (into !== undefined) {
          if (ws.sessionInfo(into).status === 'finished')
            throw new StoreError('invalid-export', `session ${into} is finished already; nothing was imported`)
          for (const table of [
            'labels',
            'queries',
            'policies',
            'evaluations',
            'session_checkpoints',
            'session_fork_checkpoints',
            'episodes',
          ])
            p(`DELETE FROM ${table} WHERE session_id = ?`).run(into)
        }
        eachRow(
          dir,
          manifest,
          {
            'settings.jsonl': (r) => {
              // The target keeps its own settings; only missing ones are taken from the export.
              p('INSERT OR IGNORE INTO settings (key, value) VALUES (?, ?)').run(r.key, JSON.stringify(r.value))
              count('settings.jsonl')
            },
            'tasks.jsonl': (r) => {
              p(
                `INSERT INTO tasks (${TASK.list}) VALUES (?, ?, ?, ?, ?)
                 ON CONFLICT(task_id, mjcf_hash, mujoco_version) DO UPDATE SET
                   first_used_at = min(first_used_at, excluded.first_used_at), last_used_at = max(last_used_at, excluded.last_used_at)`,
              ).run(...TASK.values(TASK.fromJson(r)))
              count('tasks.jsonl')
            },
            'task_files.jsonl': (r, where) => {
              assembler.add(r, where, problems)
              count('task_files.jsonl')
            },
            'sessions.jsonl': (r) => {
              if (into !== undefined) {
                p('UPDATE sessions SET status = ?, finished_at = ?, note = ? WHERE id = ?').run(
                  r.status,
                  r.finishedAt,
                  r.note,
                  into,
                )
                result.sessions.set(r.id, into)
                count('sessions.jsonl')
                return
              }
              const id = insertSession(p, r, {
                note: r.note,
                status: r.status,
                created_at: r.createdAt,
                finished_at: r.finishedAt,
              })
              result.sessions.set(r.id, id)
              if (r.offline.kind === 'demos' && r.offline.episodes) demoSessions.push({ id, offline: r.offline })
              count('sessions.jsonl')
            },
            'episodes.jsonl': (r) => {
              const episode = EPISODE.insert(p, 'episodes', EPISODE.fromJson(r), {
                session_id: mapped(result.sessions, r.sessionId),
                version_of: mapped(result.episodes, r.versionOf),
              })
              result.episodes.set(r.id, episode)
              count('episodes.jsonl')
            },
            'steps.jsonl': (r) => {
              STEP.insert(p, 'steps', STEP.fromJson(r), { episode_id: result.episodes.get(r.episodeId)! })
              count('steps.jsonl')
            },
            'labels.jsonl': (r) => {
              const label = { ...LABEL.fromJson(r), episodeId: mapped(result.episodes, r.episodeId) }
              const id = LABEL.insert(p, 'labels', label, {
                session_id: result.sessions.get(r.sessionId)!,
                created_at: r.createdAt,
              })
              result.labels.set(r.id, id)
              count('labels.jsonl')
            },
            'queries.jsonl': (r) => {
              QUERY.insert(p, 'queries', QUERY.fromJson(r), {
                session_id: result.sessions.get(r.sessionId)!,
                label_id: mapped(result.labels, r.labelId),
              })
              count('queries.jsonl')
            },
            'policies.jsonl': (r) => {
              POLICY.insert(p, 'policies', POLICY.fromJson(r), { session_id: result.sessions.get(r.sessionId)! })
              count('policies.jsonl')
            },
            'evaluations.jsonl': (r) => {
              EVALUATION.insert(p, 'evaluations', EVALUATION.fromJson({ successRate: null, coverage: null, ...r }), {
                session_id: result.sessions.get(r.sessionId)!,
              })
              count('evaluations.jsonl')
            },
          },
          problems,
        )
        // A session's named demonstrations get their new ids (they travel with it: export.ts).
        for (const d of demoSessions) {
          const episodes = d.offline.episodes!.map((e) => result.episodes.get(e))
          if (episodes.some((e) => e === undefined)) {
            problems.push(
              `sessions.jsonl: a session names demonstrations ${d.offline.episodes!.join(', ')} that the export does not hold`,
            )
            continue
          }
          p('UPDATE sessions SET offline = ? WHERE id = ?').run(
            offlineKey({ ...d.offline, episodes: (episodes as number[]).sort((a, b) => a - b) }),
            d.id,
          )
        }
        // The export's own tasks join the workspace; a task of the same id must be the same files.
        const now = new Date().toISOString()
        for (const [task, files] of assembler.tasks) {
          const held = p('SELECT path, content FROM task_files WHERE task_id = ?').all(task) as {
            path: string
            content: Buffer
          }[]
          if (held.length === 0) {
            const insert = p('INSERT INTO task_files (task_id, path, content, added_at) VALUES (?, ?, ?, ?)')
            for (const [path, bytes] of Object.entries(files)) insert.run(task, path, Buffer.from(bytes), now)
          } else if (
            held.length !== Object.keys(files).length ||
            held.some((h) => !files[h.path] || !Buffer.from(files[h.path]).equals(h.content))
          ) {
            throw new StoreError(
              'invalid-export',
              `export ${dir} carries a task '${task}' that differs from the workspace's task of that id; nothing was imported`,
            )
          }
        }
        // The files were checked a moment ago; if they changed since, roll everything back.
        if (problems.length)
          throw new StoreError(
            'invalid-export',
            `export ${dir} changed during import, nothing was imported:\n  ${problems.join('\n  ')}`,
          )
      })
      .immediate()
  } catch (err) {
    throw toStoreError(err, ws.file)
  }
  return result
}
