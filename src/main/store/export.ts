// Export a workspace, or some of its sessions, to the portable directory format of export-format.ts. Rows are
// streamed from one read snapshot straight to the files (a million-step workspace never sits in memory), and
// manifest.json is written last, so an interrupted export has no manifest and is refused on import.
import { createHash, type Hash } from 'node:crypto'
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, writeFileSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import { StoreError, toStoreError } from './errors'
import {
  EXPORT_FILES,
  EXPORT_FORMAT,
  EXPORT_VERSION,
  TASK_FILE_CHUNK,
  type ExportFile,
  type Manifest,
} from './export-format'
import { labelExportRow, type LabelRow } from './label-columns'
import { sessionExportRow, type SessionRow } from './session-rows'
import { EPISODE, EVALUATION, POLICY, QUERY, STEP, TASK } from './table-columns'
import type { Workspace } from './workspace'

export interface ExportOptions {
  /** export only these sessions (with the episodes they own or label from); omit for the whole workspace */
  sessionIds?: number[]
}

export interface ExportResult {
  dir: string
  manifest: Manifest
}

/** Buffered JSON-lines writer that hashes and counts what it writes. */
class LineWriter {
  private readonly fd: number
  private readonly hash: Hash = createHash('sha256')
  private chunks: string[] = []
  private pending = 0
  rows = 0
  bytes = 0

  constructor(path: string) {
    this.fd = openSync(path, 'wx')
  }

  write(row: unknown): void {
    const line = JSON.stringify(row) + '\n'
    this.chunks.push(line)
    this.pending += line.length
    this.rows++
    if (this.pending > 1 << 20) this.drain()
  }

  close(): { rows: number; bytes: number; sha256: string } {
    this.drain()
    closeSync(this.fd)
    return {
      rows: this.rows,
      bytes: this.bytes,
      sha256: this.hash.digest('hex'),
    }
  }

  private drain(): void {
    if (this.chunks.length === 0) return
    const buf = Buffer.from(this.chunks.join(''), 'utf8')
    this.hash.update(buf)
    let off = 0
    while (off < buf.length) off += writeSync(this.fd, buf, off)
    this.bytes += buf.length
    this.chunks = []
    this.pending = 0
  }
}

type Row = Record<string, unknown>

export function exportWorkspace(ws: Workspace, outDir: string, options: ExportOptions = {}): ExportResult {
  if (existsSync(outDir) && readdirSync(outDir).length > 0) {
    throw new StoreError('io', `export directory ${outDir} is not empty; choose a new one`)
  }
  mkdirSync(outDir, { recursive: true })
  const scoped = options.sessionIds !== undefined
  const ids = JSON.stringify(options.sessionIds ?? [])
  if (scoped) {
    for (const id of options.sessionIds!) ws.sessionInfo(id) // throws not-found
  }
  const db = ws.db
  // Which sessions and episodes go out; the rest of the queries filter through these.
  const sessionFilter = scoped ? 'WHERE id IN (SELECT value FROM json_each(@ids))' : ''
  const episodeFilter = scoped
    ? `WHERE session_id IN (SELECT value FROM json_each(@ids))
         OR id IN (SELECT episode_id FROM labels WHERE session_id IN (SELECT value FROM json_each(@ids)))
         OR id IN (SELECT d.value FROM sessions s, json_each(s.offline, '$.episodes') d
                   WHERE s.id IN (SELECT value FROM json_each(@ids)))`
    : ''
  const childFilter = scoped ? 'WHERE session_id IN (SELECT value FROM json_each(@ids))' : ''

  // `pieces` gives several lines for one row (a task file split into TASK_FILE_CHUNK pieces).
  const sources: Record<
    ExportFile,
    { sql: string; map: (r: Row) => unknown } | { sql: string; pieces: (r: Row) => unknown[] } | null
  > = {
    'settings.jsonl': scoped
      ? null
      : {
          sql: 'SELECT key, value FROM settings ORDER BY key',
          map: (r) => ({ key: r.key, value: JSON.parse(r.value as string) }),
        },
    'tasks.jsonl': {
      sql: `SELECT * FROM tasks ${
        scoped
          ? `WHERE task_id IN (SELECT task_id FROM sessions ${sessionFilter} UNION SELECT task_id FROM episodes ${episodeFilter})`
          : ''
      } ORDER BY id`,
      map: (r) => TASK.toJson(TASK.fromRow(r)),
    },
    'task_files.jsonl': {
      // The workspace's own tasks (whole export), or those the exported sessions and episodes use.
      sql: `SELECT task_id, path, content FROM task_files ${
        scoped
          ? `WHERE task_id IN (SELECT task_id FROM sessions ${sessionFilter} UNION SELECT task_id FROM episodes ${episodeFilter})`
          : ''
      } ORDER BY task_id, path`,
      pieces: (r) => {
        const content = r.content as Buffer
        const out: unknown[] = []
        // An empty file is one piece with no bytes, so it still travels.
        for (let offset = 0; offset < content.length || offset === 0; offset += TASK_FILE_CHUNK) {
          const base64 = content.subarray(offset, offset + TASK_FILE_CHUNK).toString('base64')
          out.push({ taskId: r.task_id, path: r.path, offset, base64 })
          if (content.length === 0) break
        }
        return out
      },
    },
    'sessions.jsonl': {
      sql: `SELECT * FROM sessions ${sessionFilter} ORDER BY id`,
      map: (r) => sessionExportRow(r as SessionRow),
    },
    'episodes.jsonl': {
      // An episode owned by a session that is not exported travels without its owner.
      sql: `SELECT *, CASE WHEN session_id IS NULL OR ${
        scoped ? 'session_id NOT IN (SELECT value FROM json_each(@ids))' : '0'
      } THEN NULL ELSE session_id END AS owner,
        -- a version's link to the episode it was edited from goes out when that episode does
        CASE WHEN version_of IN (SELECT id FROM episodes ${episodeFilter}) THEN version_of ELSE NULL END AS version_link
        FROM episodes ${episodeFilter} ORDER BY id`,
      map: (r) => ({
        id: r.id,
        sessionId: r.owner,
        versionOf: r.version_link,
        // A recording still in progress elsewhere goes out as what it is in this snapshot: partial.
        ...EPISODE.toJson(
          EPISODE.fromRow({
            ...r,
            interrupted: r.interrupted === 1 || (r.complete === 0 && r.writer_pid !== null) ? 1 : 0,
          }),
        ),
      }),
    },
    'steps.jsonl': {
      sql: `SELECT episode_id, ${STEP.list} FROM steps ${
        scoped ? `WHERE episode_id IN (SELECT id FROM episodes ${episodeFilter})` : ''
      } ORDER BY episode_id, idx`,
      map: (r) => ({ episodeId: r.episode_id, ...STEP.toJson(STEP.fromRow(r)) }),
    },
    'labels.jsonl': {
      sql: `SELECT * FROM labels ${childFilter} ORDER BY id`,
      map: (r) => labelExportRow(r as LabelRow),
    },
    'queries.jsonl': {
      sql: `SELECT * FROM queries ${childFilter} ORDER BY id`,
      map: (r) => ({ id: r.id, sessionId: r.session_id, labelId: r.label_id, ...QUERY.fromRow(r) }),
    },
    'policies.jsonl': {
      sql: `SELECT * FROM policies ${childFilter} ORDER BY id`,
      map: (r) => ({ id: r.id, sessionId: r.session_id, ...POLICY.fromRow(r) }),
    },
    'evaluations.jsonl': {
      sql: `SELECT * FROM evaluations ${childFilter} ORDER BY id`,
      map: (r) => ({ id: r.id, sessionId: r.session_id, ...EVALUATION.fromRow(r) }),
    },
  }

  const files: Manifest['files'] = {}
  try {
    // One read transaction: every file sees the same snapshot, so references between them hold.
    db.transaction(() => {
      for (const name of EXPORT_FILES) {
        const source = sources[name]
        if (!source) continue
        const out = new LineWriter(join(outDir, name))
        try {
          const stmt = db.prepare(source.sql)
          const params = source.sql.includes('@ids') ? [{ ids }] : []
          for (const row of stmt.iterate(...params)) {
            if ('pieces' in source) for (const piece of source.pieces(row as Row)) out.write(piece)
            else out.write(source.map(row as Row))
          }
        } finally {
          files[name] = out.close()
        }
      }
    }).deferred()
  } catch (err) {
    throw toStoreError(err, ws.file)
  }

  const manifest: Manifest = {
    format: EXPORT_FORMAT,
    version: EXPORT_VERSION,
    schemaVersion: ws.schemaVersion,
    createdAt: new Date().toISOString(),
    scope: scoped ? 'sessions' : 'workspace',
    sessionIds: scoped ? [...options.sessionIds!] : [],
    files,
  }
  writeFileSync(join(outDir, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n')
  return { dir: outDir, manifest }
}
