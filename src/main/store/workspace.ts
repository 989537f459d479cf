// The workspace: one SQLite file holding everything the workbench records, and its only writer. openWorkspace()
// opens it through open.ts (every check before anything is written, then migrations and crash recovery) and
// hands out SessionLogs and recorders; a sessions row maps to its config as session-rows.ts says.
import type Database from 'better-sqlite3'
import { hostname } from 'node:os'
import type { EvaluationPoint, SessionInfo } from '../../shared/contract'
import type { QueryRecord, SessionCheckpoint, SessionConfig, SessionLog } from '../learn/session-log'
import { isTwin } from '../../shared/warm-fork'
import { OperatorName, storedValueProblem } from '../../shared/stored-values'
import { decodeState, fromBlob } from './codec'
import { StoreError, toStoreError } from './errors'
import { openDatabase, pidAlive, type OpenOptions } from './open'
import { EpisodeRecorder, type RecorderOptions } from './recorder'
import {
  ONE_SESSION_SUMMARY,
  SAME_CONFIG,
  SESSION_SUMMARY,
  configOf,
  configValues,
  insertSession,
  sessionInfo,
  type SessionRow,
  type SummaryRow,
} from './session-rows'
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

interface LeaseRow {
  token: string
  owner: string
  pid: number
  host: string | null
  heartbeat_at: number
  ttl_ms: number
}

/**
 * Whether a lease still holds its session: its heartbeat is younger than its ttl, and, when it was taken on this
 * host, its process is alive (a process killed here frees its sessions at once; pids of other hosts mean nothing).
 */
function leaseLive(held: LeaseRow, now: number): boolean {
  if (now - held.heartbeat_at >= held.ttl_ms) return false
  const here = held.host === hostname() && Number.isInteger(held.pid) && held.pid > 0
  return !here || pidAlive(held.pid)
}

/** SQLite's default automatic checkpoint threshold (pages of WAL), restored after recording. */
const WAL_AUTOCHECKPOINT_PAGES = 1000

/**
 * Open (or create) a workspace file. Throws StoreError with code 'corrupt', 'not-workbench', 'too-new',
 * 'read-only', 'locked', 'needs-migration' or 'not-found' (read-only open of a missing file).
 */
export function openWorkspace(file: string, options: OpenOptions = {}): Workspace {
  const { db, readonly, afterClose } = openDatabase(file, options)
  return new Workspace(db, file, readonly, afterClose)
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

  /**
   * Store a folder task's files (task.json, model, assets), atomically. Replacing a task with other files is
   * refused ('in-use') while episodes or sessions of it are stored: they were recorded with the old model and
   * replay, learning and export need it (docs/TASKS.md); the same files again change nothing.
   */
  saveTaskFiles(taskId: string, files: Readonly<Record<string, Uint8Array>>): void {
    const now = new Date().toISOString()
    this.write(() => {
      const held = this.prepare('SELECT path, content FROM task_files WHERE task_id = ?').all(taskId) as {
        path: string
        content: Buffer
      }[]
      const same =
        held.length === Object.keys(files).length &&
        held.every((h) => files[h.path] !== undefined && Buffer.from(files[h.path]).equals(h.content))
      if (same) return
      if (held.length > 0) {
        const { episodes, sessions } = this.prepare(
          `SELECT (SELECT COUNT(*) FROM episodes WHERE task_id = ?) AS episodes,
                  (SELECT COUNT(*) FROM sessions WHERE task_id = ?) AS sessions`,
        ).get(taskId, taskId) as { episodes: number; sessions: number }
        if (episodes + sessions > 0) {
          throw new StoreError(
            'in-use',
            `task '${taskId}' is not replaced: ${episodes} episode(s) and ${sessions} session(s) in ${this.file} were recorded with its current model; add the new model under another id`,
          )
        }
      }
      this.prepare('DELETE FROM task_files WHERE task_id = ?').run(taskId)
      const insert = this.prepare('INSERT INTO task_files (task_id, path, content, added_at) VALUES (?, ?, ?, ?)')
      for (const [path, content] of Object.entries(files)) insert.run(taskId, path, Buffer.from(content), now)
    })
  }

  /**
   * A stamp of the stored folder tasks (ids, paths, sizes, times added) that changes whenever any process adds or
   * replaces one; cheap (no file contents read), so a server can ask at every task list.
   */
  taskFilesStamp(): string {
    const row = this.prepare(
      `SELECT COUNT(*) AS n, COALESCE(group_concat(task_id || '/' || path || ':' || length(content) || '@' || added_at, '|'), '') AS s
       FROM (SELECT task_id, path, content, added_at FROM task_files ORDER BY task_id, path)`,
    ).get() as { n: number; s: string }
    return `${row.n}:${row.s}`
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
      insertSession(this.prepare, config, { status: 'created', created_at: new Date().toISOString() }),
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
   * A lease left by a process that died is taken over: on this host as soon as its process is gone, from another
   * host (or one taken before leases named their host) once its heartbeat is older than its ttl.
   */
  acquireLease(sessionId: number, lease: { token: string; owner: string; ttlMs: number }): void {
    this.write(() => {
      const held = this.prepare(
        'SELECT token, owner, pid, host, heartbeat_at, ttl_ms FROM session_leases WHERE session_id = ?',
      ).get(sessionId) as LeaseRow | undefined
      const now = Date.now()
      if (held && held.token !== lease.token && leaseLive(held, now)) {
        const age = now - held.heartbeat_at
        // Elsewhere only the ttl tells a dead holder from a live one: say when it would expire.
        const left =
          held.host === hostname()
            ? ''
            : `; if that process has died, its lease expires in ${(Math.max(0, held.ttl_ms - age) / 1000).toFixed(1)} s`
        throw new StoreError(
          'busy',
          `session ${sessionId} is running in ${held.owner} (last heartbeat ${(age / 1000).toFixed(1)} s ago${left}); wait for it to finish or stop it there`,
        )
      }
      this.prepare(
        `INSERT INTO session_leases (session_id, token, owner, pid, host, heartbeat_at, ttl_ms) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT(session_id) DO UPDATE SET token = excluded.token, owner = excluded.owner, pid = excluded.pid,
           host = excluded.host, heartbeat_at = excluded.heartbeat_at, ttl_ms = excluded.ttl_ms`,
      ).run(sessionId, lease.token, lease.owner, process.pid, hostname(), now, lease.ttlMs)
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
    const held = this.prepare(
      'SELECT token, owner, pid, host, heartbeat_at, ttl_ms FROM session_leases WHERE session_id = ?',
    ).get(sessionId) as LeaseRow | undefined
    const now = Date.now()
    return held && leaseLive(held, now)
      ? { owner: held.owner, pid: held.pid, heartbeatAgeMs: now - held.heartbeat_at }
      : null
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
    const bad = storedValueProblem('operator', OperatorName.nullable(), options.operator ?? null)
    if (bad) throw new StoreError('invalid-value', `${bad}; nothing was recorded`)
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

  /** Settled episodes (complete or interrupted), newest first; recordings in progress and versions an edit replaced are left out. */
  listEpisodes(filter: { taskId?: string; kind?: EpisodeKind; sessionId?: number } = {}): EpisodeInfo[] {
    const rows = this.prepare(
      `SELECT id, task_id, session_id, kind, steps, ret, complete, interrupted, operator, created_at, finished_at FROM episodes
       WHERE writer_pid IS NULL AND replaced = 0 AND (@task IS NULL OR task_id = @task) AND (@kind IS NULL OR kind = @kind)
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

  /** An episode's last step's state and action (null when it has none): enough to replay how it ended. */
  lastStep(id: number): { index: number; state: Float64Array; action: Float64Array } | null {
    const row = this.prepare('SELECT idx, state, action FROM steps WHERE episode_id = ? ORDER BY idx DESC LIMIT 1').get(
      id,
    ) as { idx: number; state: Buffer; action: Buffer } | undefined
    return row ? { index: row.idx, state: fromBlob(row.state), action: fromBlob(row.action) } : null
  }

  loadEpisode(id: number): StoredEpisode {
    const info = this.episodeInfo(id)
    const rows = this.prepare(
      'SELECT idx, state, observation, action, reward, source, bad FROM steps WHERE episode_id = ? ORDER BY idx',
    ).all(id) as {
      idx: number
      state: Buffer
      observation: Buffer
      action: Buffer
      reward: number
      source: string
      bad: number
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
        bad: r.bad === 1,
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

  /** Where each edited or merged episode (of a task, or all) came from, by episode id; others are left out. */
  episodeVersions(
    taskId?: string,
  ): Map<number, { versionOf: number | null; mergedFrom: { workspace: string; episodeId: number } | null }> {
    const rows = this.prepare(
      `SELECT id, version_of, merged_from FROM episodes
       WHERE (version_of IS NOT NULL OR merged_from IS NOT NULL) AND (@task IS NULL OR task_id = @task)`,
    ).all({ task: taskId ?? null }) as { id: number; version_of: number | null; merged_from: string | null }[]
    return new Map(
      rows.map((r) => [
        r.id,
        {
          versionOf: r.version_of,
          mergedFrom: r.merged_from ? (JSON.parse(r.merged_from) as { workspace: string; episodeId: number }) : null,
        },
      ]),
    )
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
