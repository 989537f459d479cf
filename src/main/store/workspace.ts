// The workspace: one SQLite file holding everything the workbench records. openWorkspace() checks the file
// (header, quick_check, application id, schema version) before anything is written, refuses what it does not
// understand, then migrates, recovers recordings left by a crash, and hands out SessionLogs and recorders.
import Database from 'better-sqlite3'
import { accessSync, closeSync, constants, existsSync, openSync, readSync, rmSync, statSync, unlinkSync } from 'node:fs'
import { dirname } from 'node:path'
import type { EvaluationPoint, SessionInfo } from '../../shared/contract'
import type { QueryRecord, SessionCheckpoint, SessionConfig, SessionLog, SessionStatus } from '../learn/session-log'
import { OfflineSource, offlineKey } from '../../shared/session-config'
import { parsePolicy, policyKey } from '../../shared/policy-config'
import { isTwin } from '../../shared/warm-fork'
import { decodeState, fromBlob } from './codec'
import { StoreError, toStoreError } from './errors'
import { APPLICATION_ID, SCHEMA_VERSION, migrate } from './migrations'
import { EpisodeRecorder, type RecorderOptions } from './recorder'
import { SqliteSessionLog } from './sqlite-session-log'
import {
  DEFAULT_SETTINGS,
  EPISODE_KINDS,
  SETTING_SCHEMAS,
  type EpisodeInfo,
  type EpisodeKind,
  type StepSource,
  type StoredEpisode,
  type TaskUse,
  type WorkspaceSettings,
} from './types'

export interface OpenOptions {
  /** open without writing: no migration, no crash recovery; writes fail with code 'read-only' */
  readonly?: boolean
  /** how long to wait for another connection's write lock before failing with code 'locked' (default 5000) */
  busyTimeoutMs?: number
  /**
   * 'quick': PRAGMA quick_check at open (O(file size): about 0.2 s per 50 MB here). 'header': header, page
   * size, file length, application id and schema version only. 'auto' (default): quick_check when the file is
   * at most AUTO_QUICK_CHECK_BYTES or a -wal file was left beside it (a crash, or another open connection);
   * otherwise 'header'. `iwb db check` always runs the full integrity_check.
   */
  verify?: 'quick' | 'header' | 'auto'
}

export interface IntegrityReport {
  ok: boolean
  /** integrity_check's messages, or why the file could not be checked */
  problems: string[]
  schemaVersion: number | null
}

/** SQLite's default automatic checkpoint threshold (pages of WAL), restored after recording. */
const WAL_AUTOCHECKPOINT_PAGES = 1000

/** Up to this size, 'auto' verification runs quick_check on every open. */
export const AUTO_QUICK_CHECK_BYTES = 128 * 2 ** 20

function chooseVerify(file: string, verify: 'quick' | 'header' | 'auto'): 'quick' | 'header' {
  if (verify !== 'auto') return verify
  const wal = `${file}-wal`
  const leftover = existsSync(wal) && statSync(wal).size > 0
  return leftover || statSync(file).size <= AUTO_QUICK_CHECK_BYTES ? 'quick' : 'header'
}

const SQLITE_MAGIC = Buffer.from('SQLite format 3\0', 'latin1')

/** Cheap structural check of the 100-byte database header; throws StoreError('corrupt'). */
function checkHeader(file: string): void {
  const size = statSync(file).size
  if (size < 100)
    throw new StoreError('corrupt', `${file} is ${size} bytes, too short to be an SQLite database; refused`)
  const header = Buffer.alloc(100)
  const fd = openSync(file, 'r')
  try {
    readSync(fd, header, 0, 100, 0)
  } finally {
    closeSync(fd)
  }
  if (!header.subarray(0, 16).equals(SQLITE_MAGIC)) {
    throw new StoreError(
      'corrupt',
      `${file} does not start with the SQLite header: not a workspace, or damaged; refused`,
    )
  }
  const raw = header.readUInt16BE(16)
  const pageSize = raw === 1 ? 65536 : raw
  if (pageSize < 512 || pageSize > 65536 || (pageSize & (pageSize - 1)) !== 0) {
    throw new StoreError('corrupt', `${file} has an invalid page size in its header (${raw}); refused`)
  }
  if (size % pageSize !== 0) {
    throw new StoreError(
      'corrupt',
      `${file} is ${size} bytes, not a whole number of ${pageSize}-byte pages (truncated?); refused`,
    )
  }
}

/** Write bits for someone (root passes access(2) regardless; the store honours the bits anyway). */
function hasWriteBits(path: string): boolean {
  try {
    accessSync(path, constants.W_OK)
    return (statSync(path).mode & 0o222) !== 0
  } catch {
    return false
  }
}

/** The file or its folder (WAL needs the -wal and -shm files beside it) say no writing. */
function checkWritable(file: string): void {
  if (!hasWriteBits(file) || !hasWriteBits(dirname(file))) {
    throw new StoreError(
      'read-only',
      `workspace ${file} is read-only (the file or its folder); open it with { readonly: true } or make it writable`,
    )
  }
}

/**
 * A read-only connection to a WAL file creates -wal and -shm beside it (even when nothing writes). Beside a
 * read-only file (or in a read-only folder) those are litter the user did not ask for: remove the ones this
 * connection made, once it is closed, when the -wal holds nothing.
 */
function readonlyCompanions(file: string): () => void {
  const readonlyFile = !hasWriteBits(file) || !hasWriteBits(dirname(file))
  const made = [`${file}-wal`, `${file}-shm`].filter((f) => !existsSync(f))
  return () => {
    if (!readonlyFile || made.length === 0) return
    try {
      if (made.includes(`${file}-wal`) && existsSync(`${file}-wal`) && statSync(`${file}-wal`).size > 0) return
      for (const f of made) if (existsSync(f)) unlinkSync(f)
    } catch {
      // Leaving them is harmless; SQLite reuses them.
    }
  }
}

/**
 * The path names something that is not a regular file (a folder, a FIFO, a device): refuse in one line rather
 * than let SQLite or fs report EISDIR or hang on a pipe.
 */
function checkRegularFile(file: string): void {
  let stats
  try {
    stats = statSync(file)
  } catch {
    return // missing: the callers decide
  }
  if (stats.isDirectory()) throw new StoreError('io', `${file} is a folder, not a workspace file`)
  if (!stats.isFile()) throw new StoreError('io', `${file} is not a regular file, not a workspace file`)
}

/**
 * A 0-byte file is not a workspace: a truncated one, or something else. Every open refuses it (as db check
 * does), unless its -wal holds the content (a new workspace that crashed before its first checkpoint).
 */
function checkNotEmpty(file: string): void {
  if (statSync(file).size > 0) return
  const wal = `${file}-wal`
  if (existsSync(wal) && statSync(wal).size > 0) return
  throw new StoreError(
    'corrupt',
    `${file} is an empty (0-byte) file, not a workspace (truncated?); refused. Delete it to start a new workspace there`,
  )
}

/** A new workspace needs an existing, writable folder (for the file and its -wal/-shm companions). */
function checkCreatable(file: string): void {
  const dir = dirname(file)
  if (!existsSync(dir))
    throw new StoreError('not-found', `cannot create workspace ${file}: folder ${dir} does not exist`)
  if (!hasWriteBits(dir))
    throw new StoreError('read-only', `cannot create workspace ${file}: folder ${dir} is not writable`)
}

/** Before any write: is this a workbench file this code understands and is it intact? */
function inspect(db: Database.Database, file: string, readonly: boolean, verify: 'quick' | 'header'): void {
  if (verify === 'quick') {
    const rows = db.pragma('quick_check(20)') as { quick_check: string }[]
    const problems = rows.map((r) => r.quick_check).filter((m) => m !== 'ok')
    if (problems.length) {
      throw new StoreError('corrupt', `workspace ${file} is damaged and was left as it is: ${problems.join('; ')}`)
    }
  }
  const appId = db.pragma('application_id', { simple: true }) as number
  const version = db.pragma('user_version', { simple: true }) as number
  if (appId !== APPLICATION_ID) {
    const tables = (
      db.prepare('SELECT count(*) AS n FROM sqlite_master').get() as {
        n: number
      }
    ).n
    // A fresh, empty SQLite file may become a workspace; anything else belongs to someone else.
    if (appId !== 0 || version !== 0 || tables !== 0) {
      throw new StoreError(
        'not-workbench',
        `${file} is an SQLite database but not an Imitation Workbench workspace; refused`,
      )
    }
  }
  if (version > SCHEMA_VERSION) {
    throw new StoreError(
      'too-new',
      `workspace ${file} has schema version ${version}, but this workbench understands up to ${SCHEMA_VERSION}; ` +
        'open it with a newer workbench (the file was not changed)',
    )
  }
  if (readonly && version < SCHEMA_VERSION) {
    throw new StoreError(
      'needs-migration',
      `workspace ${file} has schema version ${version} (< ${SCHEMA_VERSION}); open it once read-write to upgrade it`,
    )
  }
}

function pidAlive(pid: number): boolean {
  if (pid === process.pid) return true
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/**
 * Open (or create) a workspace file. Throws StoreError with code 'corrupt', 'not-workbench', 'too-new',
 * 'read-only', 'locked', 'needs-migration' or 'not-found' (read-only open of a missing file).
 */
export function openWorkspace(file: string, options: OpenOptions = {}): Workspace {
  const readonly = options.readonly ?? false
  checkRegularFile(file)
  const present = existsSync(file)
  if (present) checkNotEmpty(file)
  const exists = present && statSync(file).size > 0
  if (!present && readonly) throw new StoreError('not-found', `workspace ${file} does not exist`)
  if (exists) checkHeader(file)
  const verify = exists ? chooseVerify(file, options.verify ?? 'auto') : 'quick'
  if (present && !readonly) checkWritable(file)
  if (!present && !readonly) checkCreatable(file)
  const tidy = readonly ? readonlyCompanions(file) : () => {}
  let db: Database.Database
  try {
    db = new Database(file, {
      readonly,
      fileMustExist: readonly,
      timeout: options.busyTimeoutMs ?? 5000,
    })
  } catch (err) {
    if (!present) removeCreated(file)
    throw toStoreError(err, file)
  }
  try {
    // Also for an empty main file: a new workspace that crashed before its first checkpoint lives in its -wal.
    inspect(db, file, readonly, verify)
    if (!readonly) {
      db.pragma('journal_mode = WAL')
      // In WAL, NORMAL loses nothing on a process crash (only on power loss) and keeps commits cheap.
      db.pragma('synchronous = NORMAL')
    }
    db.pragma('foreign_keys = ON')
    if (!readonly) {
      migrate(db)
      recoverInterrupted(db)
    }
  } catch (err) {
    db.close()
    tidy()
    if (!present) removeCreated(file)
    throw toStoreError(err, file)
  }
  return new Workspace(db, file, readonly, tidy)
}

/** A new workspace that could not be set up (disk full): leave no empty or half-made file behind. */
function removeCreated(file: string): void {
  for (const f of [file, `${file}-wal`, `${file}-shm`, `${file}-journal`]) rmSync(f, { force: true })
}

/**
 * Mark episodes whose recording process is gone as interrupted; they keep their flushed steps. Runs in a write
 * transaction even when there is nothing to do, so a workspace locked by another writer fails here, clearly.
 */
function recoverInterrupted(db: Database.Database): number {
  return db
    .transaction(() => {
      const open = db.prepare('SELECT id, writer_pid FROM episodes WHERE complete = 0 AND interrupted = 0').all() as {
        id: number
        writer_pid: number | null
      }[]
      const mark = db.prepare('UPDATE episodes SET interrupted = 1, writer_pid = NULL WHERE id = ?')
      let n = 0
      for (const e of open) {
        if (e.writer_pid !== null && pidAlive(e.writer_pid)) continue
        mark.run(e.id)
        n++
      }
      return n
    })
    .immediate()
}

/** PRAGMA integrity_check on a file, opened read-only (for `iwb db check`). Never modifies the file. */
export function checkIntegrity(file: string): IntegrityReport {
  if (!existsSync(file))
    return {
      ok: false,
      problems: [`${file} does not exist`],
      schemaVersion: null,
    }
  try {
    checkRegularFile(file)
    checkHeader(file)
  } catch (err) {
    return {
      ok: false,
      problems: [(err as Error).message],
      schemaVersion: null,
    }
  }
  let db: Database.Database | null = null
  const tidy = readonlyCompanions(file)
  try {
    db = new Database(file, { readonly: true, fileMustExist: true })
    const rows = db.pragma('integrity_check') as { integrity_check: string }[]
    const problems = rows.map((r) => r.integrity_check).filter((m) => m !== 'ok')
    const fk = db.pragma('foreign_key_check') as {
      table: string
      rowid: number
      parent: string
    }[]
    for (const v of fk.slice(0, 20))
      problems.push(`foreign key: ${v.table} row ${v.rowid} refers to a missing ${v.parent}`)
    const schemaVersion = db.pragma('user_version', { simple: true }) as number
    const appId = db.pragma('application_id', { simple: true }) as number
    if (appId !== APPLICATION_ID) problems.push('not an Imitation Workbench workspace (application_id differs)')
    return { ok: problems.length === 0, problems, schemaVersion }
  } catch (err) {
    return {
      ok: false,
      problems: [toStoreError(err, file).message],
      schemaVersion: null,
    }
  } finally {
    db?.close()
    tidy()
  }
}

interface SessionRow {
  id: number
  task_id: string
  algo: string
  warm_fraction: number | null
  oracle: string
  budget: number
  seed: number
  cost_ratio: number
  schedule: string
  loss: string
  eval_every: number
  eval_episodes: number
  epochs: number | null
  offline: string
  dagger_states: number | null
  fall_angle: number | null
  algo_version: number
  standardise: string
  policy: string
  note: string | null
  status: string
  created_at: string
  finished_at: string | null
}

interface EpisodeRow {
  id: number
  task_id: string
  session_id: number | null
  kind: string
  steps: number
  ret: number
  complete: number
  interrupted: number
  operator: string | null
  created_at: string
  finished_at: string | null
}

const SESSION_SUMMARY = `
  SELECT s.*, coalesce(l.n, 0) AS n_labels, coalesce(l.cost, 0) AS total_cost, coalesce(l.secs, 0) AS total_secs,
    (SELECT e.mean FROM evaluations e WHERE e.session_id = s.id ORDER BY e.id DESC LIMIT 1) AS last_return
  FROM sessions s
  LEFT JOIN (SELECT session_id, count(*) AS n, sum(cost) AS cost, sum(coalesce(human_seconds, 0)) AS secs
             FROM labels GROUP BY session_id) l ON l.session_id = s.id`

/** One session's summary: correlated sums over its range of the covering index, not a scan of every label. */
const ONE_SESSION_SUMMARY = `
  SELECT s.*,
    (SELECT count(*) FROM labels l WHERE l.session_id = s.id) AS n_labels,
    (SELECT coalesce(sum(l.cost), 0) FROM labels l WHERE l.session_id = s.id) AS total_cost,
    (SELECT coalesce(sum(l.human_seconds), 0) FROM labels l WHERE l.session_id = s.id) AS total_secs,
    (SELECT e.mean FROM evaluations e WHERE e.session_id = s.id ORDER BY e.id DESC LIMIT 1) AS last_return
  FROM sessions s WHERE s.id = ?`

/** A config in column order (task_id .. algo_version): createSession and the lookups bind the same list. */
function configValues(c: SessionConfig): (string | number | null)[] {
  return [
    c.taskId,
    c.algo,
    c.warmFraction,
    c.oracle,
    c.budget,
    c.seed,
    c.costRatio,
    c.schedule,
    c.loss,
    c.evalEvery,
    c.evalEpisodes,
    c.epochs,
    offlineKey(c.offline),
    c.daggerStates,
    c.fallAngle,
    c.algoVersion,
    c.standardise,
    policyKey(c.policy),
  ]
}

const SAME_CONFIG = `task_id = ? AND algo = ? AND warm_fraction IS ? AND oracle = ? AND budget = ? AND seed = ?
  AND cost_ratio = ? AND schedule = ? AND loss = ? AND eval_every = ? AND eval_episodes = ? AND epochs IS ?
  AND offline = ? AND dagger_states IS ? AND fall_angle IS ? AND algo_version = ?
  AND standardise = ? AND policy = ?`

function configOf(r: SessionRow): SessionConfig {
  return {
    taskId: r.task_id,
    algo: r.algo as SessionConfig['algo'],
    warmFraction: r.warm_fraction,
    oracle: r.oracle as SessionConfig['oracle'],
    budget: r.budget,
    seed: r.seed,
    costRatio: r.cost_ratio,
    schedule: r.schedule as SessionConfig['schedule'],
    loss: r.loss as SessionConfig['loss'],
    evalEvery: r.eval_every,
    evalEpisodes: r.eval_episodes,
    epochs: r.epochs,
    offline: OfflineSource.parse(JSON.parse(r.offline)),
    daggerStates: r.dagger_states,
    fallAngle: r.fall_angle,
    algoVersion: r.algo_version,
    standardise: r.standardise as SessionConfig['standardise'],
    policy: parsePolicy(JSON.parse(r.policy)),
  }
}

function episodeInfo(r: EpisodeRow): EpisodeInfo {
  return {
    episodeId: r.id,
    taskId: r.task_id,
    sessionId: r.session_id,
    kind: r.kind as EpisodeKind,
    steps: r.steps,
    ret: r.ret,
    complete: r.complete === 1,
    interrupted: r.interrupted === 1,
    operator: r.operator,
    createdAt: r.created_at,
    finishedAt: r.finished_at,
  }
}

export class Workspace {
  private readonly statements = new Map<string, Database.Statement>()
  private readonly recorders = new Set<EpisodeRecorder>()
  private closed = false

  constructor(
    /** the connection; only the store's own modules (export, import, bench) use it directly */
    readonly db: Database.Database,
    readonly file: string,
    readonly readonly: boolean,
    /** after close: remove what a read-only connection left beside a read-only file */
    private readonly afterClose: () => void = () => {},
  ) {}

  /** A cached prepared statement. */
  prepare = (sql: string): Database.Statement => {
    if (this.closed) throw new StoreError('closed', `workspace ${this.file} is closed`)
    let s = this.statements.get(sql)
    if (!s) {
      s = this.db.prepare(sql)
      this.statements.set(sql, s)
    }
    return s
  }

  /** Run fn in one write transaction, with driver errors mapped to StoreError. */
  write<T>(fn: () => T): T {
    try {
      return this.db.transaction(fn).immediate()
    } catch (err) {
      throw toStoreError(err, this.file)
    }
  }

  get schemaVersion(): number {
    return this.db.pragma('user_version', { simple: true }) as number
  }

  sqliteVersion(): string {
    return (this.prepare('SELECT sqlite_version() AS v').get() as { v: string }).v
  }

  // ---- settings ----------------------------------------------------------------------------------------

  getSetting<T = unknown>(key: string): T | undefined {
    const row = this.prepare('SELECT value FROM settings WHERE key = ?').get(key) as { value: string } | undefined
    return row ? (JSON.parse(row.value) as T) : undefined
  }

  setSetting(key: string, value: unknown): void {
    const json = JSON.stringify(value)
    if (json === undefined) throw new StoreError('io', `setting ${key} must be JSON-serialisable`)
    this.write(() =>
      this.prepare(
        'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
      ).run(key, json),
    )
  }

  settings(): WorkspaceSettings {
    return {
      costRatio: this.getSetting<number>('costRatio') ?? DEFAULT_SETTINGS.costRatio,
      operators: this.getSetting<string[]>('operators') ?? [...DEFAULT_SETTINGS.operators],
    }
  }

  updateSettings(patch: Partial<WorkspaceSettings>): WorkspaceSettings {
    if (patch.costRatio !== undefined) {
      const r = SETTING_SCHEMAS.costRatio.safeParse(patch.costRatio)
      if (!r.success) throw new StoreError('io', `costRatio: ${r.error.issues[0].message}`)
      this.setSetting('costRatio', r.data)
    }
    if (patch.operators !== undefined) {
      const r = SETTING_SCHEMAS.operators.safeParse(patch.operators.map(String))
      if (!r.success) throw new StoreError('io', `operators: ${r.error.issues[0].message}`)
      this.setSetting('operators', r.data)
    }
    return this.settings()
  }

  // ---- tasks -------------------------------------------------------------------------------------------

  /** Note that a task was used with this model file and MuJoCo build (repeat calls update last_used_at). */
  recordTaskUse(taskId: string, mjcfHash: string, mujocoVersion: string): void {
    const now = new Date().toISOString()
    this.write(() =>
      this.prepare(
        `INSERT INTO tasks (task_id, mjcf_hash, mujoco_version, first_used_at, last_used_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT(task_id, mjcf_hash, mujoco_version) DO UPDATE SET last_used_at = excluded.last_used_at`,
      ).run(taskId, mjcfHash, mujocoVersion, now, now),
    )
  }

  /** Store a folder task's files (task.json, model, assets), replacing any earlier files of that task, atomically. */
  saveTaskFiles(taskId: string, files: Readonly<Record<string, Uint8Array>>): void {
    const now = new Date().toISOString()
    this.write(() => {
      this.prepare('DELETE FROM task_files WHERE task_id = ?').run(taskId)
      const insert = this.prepare('INSERT INTO task_files (task_id, path, content, added_at) VALUES (?, ?, ?, ?)')
      for (const [path, content] of Object.entries(files)) insert.run(taskId, path, Buffer.from(content), now)
    })
  }

  /** The folder tasks stored in this workspace: task id -> files by relative path. */
  taskFiles(): Map<string, Record<string, Uint8Array>> {
    const rows = this.prepare('SELECT task_id, path, content FROM task_files ORDER BY task_id, path').all() as {
      task_id: string
      path: string
      content: Buffer
    }[]
    const out = new Map<string, Record<string, Uint8Array>>()
    for (const r of rows) {
      let files = out.get(r.task_id)
      if (!files) out.set(r.task_id, (files = {}))
      files[r.path] = new Uint8Array(r.content)
    }
    return out
  }

  tasks(): TaskUse[] {
    const rows = this.prepare(
      'SELECT task_id, mjcf_hash, mujoco_version, first_used_at, last_used_at FROM tasks ORDER BY task_id, id',
    ).all() as {
      task_id: string
      mjcf_hash: string
      mujoco_version: string
      first_used_at: string
      last_used_at: string
    }[]
    return rows.map((r) => ({
      taskId: r.task_id,
      mjcfHash: r.mjcf_hash,
      mujocoVersion: r.mujoco_version,
      firstUsedAt: r.first_used_at,
      lastUsedAt: r.last_used_at,
    }))
  }

  // ---- sessions ----------------------------------------------------------------------------------------

  createSession(config: SessionConfig): SessionLog & SqliteSessionLog {
    const id = this.write(() =>
      Number(
        this.prepare(
          `INSERT INTO sessions (task_id, algo, warm_fraction, oracle, budget, seed, cost_ratio, schedule, loss,
             eval_every, eval_episodes, epochs, offline, dagger_states, fall_angle, algo_version, standardise, policy,
             status, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'created', ?)`,
        ).run(...configValues(config), new Date().toISOString()).lastInsertRowid,
      ),
    )
    return new SqliteSessionLog(this.prepare, this.write.bind(this), this.file, id, { ...config })
  }

  /** A session's log; with leaseToken, its rounds are committed only while that lease holds the session. */
  openSession(id: number, leaseToken: string | null = null): SessionLog & SqliteSessionLog {
    const row = this.prepare('SELECT * FROM sessions WHERE id = ?').get(id) as SessionRow | undefined
    if (!row) throw new StoreError('not-found', `no session ${id} in ${this.file}`)
    return new SqliteSessionLog(this.prepare, this.write.bind(this), this.file, id, configOf(row), leaseToken)
  }

  /** The latest session with exactly this config that is neither finished nor cancelled, or null. */
  findResumable(config: SessionConfig): number | null {
    const row = this.prepare(
      `SELECT id FROM sessions WHERE ${SAME_CONFIG} AND status NOT IN ('finished', 'cancelled') ORDER BY id DESC LIMIT 1`,
    ).get(...configValues(config)) as { id: number } | undefined
    return row ? row.id : null
  }

  /** The latest finished session with exactly this config (every field), or null. */
  findFinished(config: SessionConfig): number | null {
    const row = this.prepare(
      `SELECT id FROM sessions WHERE ${SAME_CONFIG} AND status = 'finished' ORDER BY id DESC LIMIT 1`,
    ).get(...configValues(config)) as { id: number } | undefined
    return row ? row.id : null
  }

  /**
   * The BC twin a WARM-STAGGER session can start from (shared/warm-fork.ts): the BC session with the kept
   * checkpoint at the most labels, at most `maxLabels`, that `accept` takes (the latest session among equals).
   */
  findTwin(
    config: SessionConfig,
    maxLabels: number,
    accept: (checkpoint: SessionCheckpoint) => boolean = () => true,
  ): { sessionId: number; checkpoint: SessionCheckpoint } | null {
    if (config.algo !== 'warm-stagger' || maxLabels < 1) return null
    const rows = this.prepare(
      `SELECT s.*, f.labels AS fork_labels FROM sessions s JOIN session_fork_checkpoints f ON f.session_id = s.id
       WHERE s.algo = 'bc' AND s.task_id = ? AND s.seed = ? AND f.labels <= ? ORDER BY f.labels DESC, s.id DESC`,
    ).all(config.taskId, config.seed, maxLabels) as (SessionRow & { fork_labels: number })[]
    for (const r of rows) {
      if (!isTwin(configOf(r), config)) continue
      const { state } = this.prepare(
        'SELECT state FROM session_fork_checkpoints WHERE session_id = ? AND labels = ?',
      ).get(r.id, r.fork_labels) as { state: Buffer }
      const checkpoint = decodeState(state) as SessionCheckpoint
      if (accept(checkpoint)) return { sessionId: r.id, checkpoint }
    }
    return null
  }

  /** A BC session's kept fork checkpoints as stored: they travel with a copy of the session (the study queue). */
  forkCheckpoints(sessionId: number): ForkCheckpointRow[] {
    return this.prepare(
      'SELECT labels, state, created_at AS createdAt FROM session_fork_checkpoints WHERE session_id = ? ORDER BY labels',
    ).all(sessionId) as ForkCheckpointRow[]
  }

  /** Keep `rows` (forkCheckpoints of the same session in another workspace) as session `sessionId`'s. */
  addForkCheckpoints(sessionId: number, rows: readonly ForkCheckpointRow[]): void {
    this.write(() => {
      const put = this.prepare(
        'INSERT OR REPLACE INTO session_fork_checkpoints (session_id, labels, state, created_at) VALUES (?, ?, ?, ?)',
      )
      for (const r of rows) put.run(sessionId, r.labels, r.state, r.createdAt)
    })
  }

  // ---- leases: a session runs in one place at a time --------------------------------------------------

  /**
   * Take the session's lease for this owner, or throw a one-line StoreError('busy') naming the live owner.
   * A lease whose heartbeat is older than its ttl was left by a process that died and is taken over.
   */
  acquireLease(sessionId: number, lease: { token: string; owner: string; ttlMs: number }): void {
    this.write(() => {
      const held = this.prepare(
        'SELECT token, owner, pid, heartbeat_at, ttl_ms FROM session_leases WHERE session_id = ?',
      ).get(sessionId) as
        { token: string; owner: string; pid: number; heartbeat_at: number; ttl_ms: number } | undefined
      const now = Date.now()
      if (held && held.token !== lease.token && now - held.heartbeat_at < held.ttl_ms)
        throw new StoreError(
          'busy',
          `session ${sessionId} is running in ${held.owner} (last heartbeat ${((now - held.heartbeat_at) / 1000).toFixed(1)} s ago); wait for it to finish or stop it there`,
        )
      this.prepare(
        `INSERT INTO session_leases (session_id, token, owner, pid, heartbeat_at, ttl_ms) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT(session_id) DO UPDATE SET token = excluded.token, owner = excluded.owner, pid = excluded.pid,
           heartbeat_at = excluded.heartbeat_at, ttl_ms = excluded.ttl_ms`,
      ).run(sessionId, lease.token, lease.owner, process.pid, now, lease.ttlMs)
    })
  }

  /** Renew the lease; false when it is no longer this token's (it expired and was taken over). */
  renewLease(sessionId: number, token: string): boolean {
    return this.write(
      () =>
        this.prepare('UPDATE session_leases SET heartbeat_at = ? WHERE session_id = ? AND token = ?').run(
          Date.now(),
          sessionId,
          token,
        ).changes === 1,
    )
  }

  releaseLease(sessionId: number, token: string): void {
    this.write(() =>
      this.prepare('DELETE FROM session_leases WHERE session_id = ? AND token = ?').run(sessionId, token),
    )
  }

  /**
   * Forget the session's lease, whoever holds it: for a copy of another process's workspace (the study queue's
   * checkpoints), whose holder runs elsewhere if at all.
   */
  dropLease(sessionId: number): void {
    this.write(() => this.prepare('DELETE FROM session_leases WHERE session_id = ?').run(sessionId))
  }

  /**
   * The whole file as it is now, from one consistent read (committed rounds only, each with its checkpoint):
   * the study queue publishes a running job's scratch workspace this way.
   */
  snapshot(): Buffer {
    return this.db.serialize()
  }

  /** Who runs the session now (a live lease), or null. */
  leaseHolder(sessionId: number): { owner: string; pid: number; heartbeatAgeMs: number } | null {
    const held = this.prepare('SELECT owner, pid, heartbeat_at, ttl_ms FROM session_leases WHERE session_id = ?').get(
      sessionId,
    ) as { owner: string; pid: number; heartbeat_at: number; ttl_ms: number } | undefined
    const age = held ? Date.now() - held.heartbeat_at : Infinity
    return held && age < held.ttl_ms ? { owner: held.owner, pid: held.pid, heartbeatAgeMs: age } : null
  }

  listSessions(): SessionInfo[] {
    const rows = this.prepare(`${SESSION_SUMMARY} ORDER BY s.id`).all() as SummaryRow[]
    return rows.map(sessionInfo)
  }

  sessionInfo(id: number): SessionInfo {
    const row = this.prepare(ONE_SESSION_SUMMARY).get(id) as SummaryRow | undefined
    if (!row) throw new StoreError('not-found', `no session ${id} in ${this.file}`)
    return sessionInfo(row)
  }

  /** The cost curve: mean return against labels, cumulative cost and human seconds, in label order. */
  curve(sessionId: number): EvaluationPoint[] {
    const rows = this.prepare(
      `SELECT session_id, labels, cost, human_seconds, mean, std, success_rate, coverage FROM evaluations
         WHERE session_id = ? ORDER BY labels, id`,
    ).all(sessionId) as {
      session_id: number
      labels: number
      cost: number
      human_seconds: number
      mean: number
      std: number
      success_rate: number | null
      coverage: number | null
    }[]
    return rows.map((r) => ({
      sessionId: r.session_id,
      labels: r.labels,
      cost: r.cost,
      humanSeconds: r.human_seconds,
      meanReturn: r.mean,
      stdReturn: r.std,
      successRate: r.success_rate,
      coverage: r.coverage,
    }))
  }

  /** The 'sessions.curves' shape: each session's summary with its cost curve. */
  curves(sessionIds: readonly number[]): { session: SessionInfo; points: EvaluationPoint[] }[] {
    return sessionIds.map((id) => ({ session: this.sessionInfo(id), points: this.curve(id) }))
  }

  /** A session's queries in the order they were issued (time to first input, to commit, disagreement, ...). */
  listQueries(sessionId: number): StoredQuery[] {
    const rows = this.prepare(
      `SELECT id, label_id, issued_at, first_input_at, committed_at, abandoned_at, proposed_action, answer, disagreement,
         operator FROM queries WHERE session_id = ? ORDER BY issued_at, id`,
    ).all(sessionId) as {
      id: number
      label_id: number | null
      issued_at: number
      first_input_at: number | null
      committed_at: number | null
      abandoned_at: number | null
      proposed_action: Buffer
      answer: Buffer | null
      disagreement: number | null
      operator: string | null
    }[]
    return rows.map((r) => ({
      id: r.id,
      sessionId,
      labelId: r.label_id,
      issuedAt: r.issued_at,
      firstInputAt: r.first_input_at,
      committedAt: r.committed_at,
      abandonedAt: r.abandoned_at,
      proposedAction: fromBlob(r.proposed_action),
      answer: r.answer ? fromBlob(r.answer) : null,
      disagreement: r.disagreement,
      operator: r.operator,
    }))
  }

  /** What a session wants its reader to know (one line), or null. */
  sessionNote(id: number): string | null {
    const row = this.prepare('SELECT note FROM sessions WHERE id = ?').get(id) as { note: string | null } | undefined
    if (!row) throw new StoreError('not-found', `no session ${id} in ${this.file}`)
    return row.note
  }

  setSessionNote(id: number, note: string | null): void {
    this.write(() => this.prepare('UPDATE sessions SET note = ? WHERE id = ?').run(note, id))
  }

  deleteSession(id: number): boolean {
    return this.write(() => this.prepare('DELETE FROM sessions WHERE id = ?').run(id).changes > 0)
  }

  // ---- episodes ----------------------------------------------------------------------------------------

  startEpisode(
    options: { taskId: string; sessionId?: number | null; kind: EpisodeKind; operator?: string | null },
    recorderOptions: RecorderOptions = {},
  ): EpisodeRecorder {
    if (!EPISODE_KINDS.includes(options.kind)) throw new StoreError('io', `unknown episode kind '${options.kind}'`)
    const id = this.write(() =>
      Number(
        this.prepare(
          'INSERT INTO episodes (task_id, session_id, kind, complete, writer_pid, operator, created_at) VALUES (?, ?, ?, 0, ?, ?, ?)',
        ).run(
          options.taskId,
          options.sessionId ?? null,
          options.kind,
          process.pid,
          options.operator ?? null,
          new Date().toISOString(),
        ).lastInsertRowid,
      ),
    )
    const recorder = new EpisodeRecorder(this.db, this.file, id, recorderOptions, (r) => this.recorderSettled(r))
    if (this.recorders.size === 0 && !this.readonly) {
      // A WAL checkpoint (tens of ms with its fsync) must not land inside a recorder's flush on the control
      // thread: no automatic checkpoints while recording; one when the last recording settles.
      this.db.pragma('wal_autocheckpoint = 0')
    }
    this.recorders.add(recorder)
    return recorder
  }

  /** Settled episodes (complete or interrupted), newest first; recordings in progress are left out. */
  listEpisodes(filter: { taskId?: string; kind?: EpisodeKind; sessionId?: number } = {}): EpisodeInfo[] {
    const rows = this.prepare(
      `SELECT id, task_id, session_id, kind, steps, ret, complete, interrupted, operator, created_at, finished_at FROM episodes
       WHERE writer_pid IS NULL AND (@task IS NULL OR task_id = @task) AND (@kind IS NULL OR kind = @kind)
         AND (@session IS NULL OR session_id = @session)
       ORDER BY id DESC`,
    ).all({
      task: filter.taskId ?? null,
      kind: filter.kind ?? null,
      session: filter.sessionId ?? null,
    }) as EpisodeRow[]
    return rows.map(episodeInfo)
  }

  episodeInfo(id: number): EpisodeInfo {
    const row = this.prepare(
      'SELECT id, task_id, session_id, kind, steps, ret, complete, interrupted, operator, created_at, finished_at FROM episodes WHERE id = ?',
    ).get(id) as EpisodeRow | undefined
    if (!row) throw new StoreError('not-found', `no episode ${id} in ${this.file}`)
    return episodeInfo(row)
  }

  loadEpisode(id: number): StoredEpisode {
    const info = this.episodeInfo(id)
    const rows = this.prepare(
      'SELECT idx, state, observation, action, reward, source FROM steps WHERE episode_id = ? ORDER BY idx',
    ).all(id) as {
      idx: number
      state: Buffer
      observation: Buffer
      action: Buffer
      reward: number
      source: string
    }[]
    return {
      info,
      steps: rows.map((r) => ({
        index: r.idx,
        state: fromBlob(r.state),
        observation: fromBlob(r.observation),
        action: fromBlob(r.action),
        reward: r.reward,
        source: r.source as StepSource,
      })),
    }
  }

  /** Each settled episode's tags (of a task, or all), by episode id; an episode without tags is left out. */
  episodeTags(taskId?: string): Map<number, string[]> {
    const rows = this.prepare(
      `SELECT id, tags FROM episodes WHERE tags != '[]' AND (@task IS NULL OR task_id = @task)`,
    ).all({ task: taskId ?? null }) as { id: number; tags: string }[]
    return new Map(rows.map((r) => [r.id, JSON.parse(r.tags) as string[]]))
  }

  /** Replace an episode's tags (trimmed, without duplicates); returns them. */
  setEpisodeTags(id: number, tags: readonly string[]): string[] {
    const clean = [...new Set(tags.map((t) => t.trim()).filter((t) => t.length > 0))]
    const changed = this.write(
      () => this.prepare('UPDATE episodes SET tags = ? WHERE id = ?').run(JSON.stringify(clean), id).changes,
    )
    if (changed === 0) throw new StoreError('not-found', `no episode ${id} in ${this.file}`)
    return clean
  }

  deleteEpisode(id: number): boolean {
    return this.write(() => this.prepare('DELETE FROM episodes WHERE id = ?').run(id).changes > 0)
  }

  private recorderSettled(r: EpisodeRecorder): void {
    this.recorders.delete(r)
    if (this.recorders.size > 0 || this.closed) return
    try {
      this.db.pragma(`wal_autocheckpoint = ${WAL_AUTOCHECKPOINT_PAGES}`)
      this.db.pragma('wal_checkpoint(PASSIVE)')
    } catch {
      // A busy checkpoint is retried by SQLite on a later commit.
    }
  }

  // ---- lifetime ----------------------------------------------------------------------------------------

  /** Settle unfinished recordings as interrupted (keeping their steps), checkpoint and close. Idempotent. */
  close(): void {
    if (this.closed) return
    for (const r of [...this.recorders]) {
      try {
        r.interrupt()
      } catch {
        // The next open marks it interrupted instead.
      }
    }
    this.closed = true
    this.statements.clear()
    this.db.close()
    this.afterClose()
  }

  get isOpen(): boolean {
    return !this.closed
  }
}

/** One kept fork checkpoint of a BC session, encoded as stored. */
export interface ForkCheckpointRow {
  labels: number
  state: Buffer
  createdAt: string
}

export interface StoredQuery extends QueryRecord {
  id: number
  sessionId: number
  proposedAction: Float64Array
  answer: Float64Array | null
}

interface SummaryRow extends SessionRow {
  n_labels: number
  total_cost: number
  total_secs: number
  last_return: number | null
}

function sessionInfo(r: SummaryRow): SessionInfo {
  return {
    id: r.id,
    taskId: r.task_id,
    algo: r.algo as SessionInfo['algo'],
    warmFraction: r.warm_fraction,
    oracle: r.oracle as SessionInfo['oracle'],
    budget: r.budget,
    seed: r.seed,
    costRatio: r.cost_ratio,
    status: r.status as SessionStatus,
    labels: r.n_labels,
    cost: r.total_cost,
    humanSeconds: r.total_secs,
    lastReturn: r.last_return,
    createdAt: r.created_at,
    finishedAt: r.finished_at,
    offline: OfflineSource.parse(JSON.parse(r.offline)),
    policy: parsePolicy(JSON.parse(r.policy)),
    note: r.note,
  }
}

export interface WorkspaceDescription {
  file: string
  bytes: number
  schemaVersion: number
  codeSchemaVersion: number
  workbench: boolean
  journalMode: string
  sqlite: string
  rows: Record<string, number>
}

/** Sizes and row counts of a workspace file, read-only, without migrating or checking it (`iwb db info`). */
export function describeWorkspace(file: string): WorkspaceDescription {
  if (!existsSync(file)) throw new StoreError('not-found', `${file} does not exist`)
  checkRegularFile(file)
  checkHeader(file)
  let db: Database.Database | null = null
  const tidy = readonlyCompanions(file)
  try {
    db = new Database(file, { readonly: true, fileMustExist: true })
    const tables = new Set(
      (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map(
        (r) => r.name,
      ),
    )
    const rows: Record<string, number> = {}
    for (const t of ['sessions', 'episodes', 'steps', 'labels', 'queries', 'policies', 'evaluations', 'tasks']) {
      if (tables.has(t)) rows[t] = (db.prepare(`SELECT count(*) AS n FROM ${t}`).get() as { n: number }).n
    }
    return {
      file,
      bytes: statSync(file).size,
      schemaVersion: db.pragma('user_version', { simple: true }) as number,
      codeSchemaVersion: SCHEMA_VERSION,
      workbench: db.pragma('application_id', { simple: true }) === APPLICATION_ID,
      journalMode: db.pragma('journal_mode', { simple: true }) as string,
      sqlite: (db.prepare('SELECT sqlite_version() AS v').get() as { v: string }).v,
      rows,
    }
  } catch (err) {
    throw toStoreError(err, file)
  } finally {
    db?.close()
    tidy()
  }
}
