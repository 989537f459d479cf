// SessionLog (src/main/learn/session-log.ts) on the workspace file: every label, query, evaluation and policy
// of one learning session, written as it happens so a session can be resumed after a crash.
import type Database from 'better-sqlite3'
import type {
  EvaluationRecord,
  LabelRecord,
  PolicyRecord,
  QueryRecord,
  RoundCommit,
  SessionCheckpoint,
  SessionConfig,
  SessionLog,
  SessionStatus,
  StoredLabel,
} from '../learn/session-log'
import { decodeState, encodeState, toBlob } from './codec'
import { LABEL, storedLabel } from './label-columns'
import { StoreError, toStoreError } from './errors'
import { meanStd } from '../../shared/stats'
import { keepsForkCheckpoint } from '../../shared/warm-fork'

export const SESSION_STATUSES: readonly SessionStatus[] = [
  'created',
  'running',
  'paused',
  'finished',
  'failed',
  'cancelled',
]
const SETTLED: ReadonlySet<SessionStatus> = new Set(['finished', 'failed', 'cancelled'])

export { meanStd } from '../../shared/stats'

export class SqliteSessionLog implements SessionLog {
  constructor(
    /** the workspace's cached prepare */
    private readonly prepare: (sql: string) => Database.Statement,
    /** the workspace's write transaction */
    private readonly transaction: <T>(fn: () => T) => T,
    private readonly file: string,
    readonly sessionId: number,
    readonly config: SessionConfig,
    /** when set, every round is committed only while this lease is still the session's */
    private readonly leaseToken: string | null = null,
  ) {}

  labels(): StoredLabel[] {
    const rows = this.prepare(`SELECT id, ${LABEL.list} FROM labels WHERE session_id = ? ORDER BY id`).all(
      this.sessionId,
    ) as { id: number }[]
    return rows.map(storedLabel)
  }

  addLabel(label: LabelRecord): number {
    return this.write(() =>
      LABEL.insert(this.prepare, 'labels', label, { session_id: this.sessionId, created_at: new Date().toISOString() }),
    )
  }

  commitRound(round: RoundCommit): number[] {
    return this.transaction(() => {
      this.checkLease()
      const ids = round.labels.map((l) => this.addLabel(l))
      for (const q of round.queries) this.addQuery({ ...q.query, labelId: ids[q.labelIndex] })
      if (round.checkpoint) this.saveCheckpoint(round.checkpoint)
      return ids
    })
  }

  /** Inside a write: throw when this run's lease is no longer the session's. */
  private checkLease(): void {
    if (this.leaseToken === null) return
    const held = this.prepare('SELECT token, owner FROM session_leases WHERE session_id = ?').get(this.sessionId) as
      { token: string; owner: string } | undefined
    if (held?.token !== this.leaseToken)
      throw new StoreError(
        'busy',
        `session ${this.sessionId} was taken over by ${held?.owner ?? 'another process'}; this run stops`,
      )
  }

  /** Inside a write: the latest checkpoint, and a BC session's fork checkpoint at its kept points. */
  private saveCheckpoint(checkpoint: SessionCheckpoint): void {
    const state = encodeState(checkpoint)
    const now = new Date().toISOString()
    this.prepare(
      `INSERT INTO session_checkpoints (session_id, labels, state, created_at) VALUES (?, ?, ?, ?)
       ON CONFLICT(session_id) DO UPDATE SET labels = excluded.labels, state = excluded.state, created_at = excluded.created_at`,
    ).run(this.sessionId, checkpoint.labels, state, now)
    if (keepsForkCheckpoint(this.config, checkpoint.labels))
      this.prepare(
        'INSERT OR REPLACE INTO session_fork_checkpoints (session_id, labels, state, created_at) VALUES (?, ?, ?, ?)',
      ).run(this.sessionId, checkpoint.labels, state, now)
  }

  /**
   * Start this session (with nothing stored yet) from its twin's first `checkpoint.labels` labels, in one
   * transaction: those labels (every field), the twin's evaluations at no more labels and the policy saved with
   * each, and `checkpoint` (the twin's, with this session's algorithm state). False when this session has labels
   * or a checkpoint already, or the twin holds fewer labels.
   */
  startFrom(twinSessionId: number, checkpoint: SessionCheckpoint): boolean {
    const k = checkpoint.labels
    return this.transaction(() => {
      this.checkLease()
      const has = this.prepare(
        `SELECT (SELECT count(*) FROM labels WHERE session_id = ?) + (SELECT count(*) FROM session_checkpoints WHERE session_id = ?)
           + (SELECT count(*) FROM evaluations WHERE session_id = ?) AS n`,
      ).get(this.sessionId, this.sessionId, this.sessionId) as { n: number }
      if (has.n > 0) return false
      const copied = this.prepare(
        `INSERT INTO labels (session_id, ${LABEL.list}, created_at) SELECT ?, ${LABEL.list}, created_at
           FROM labels WHERE session_id = ? ORDER BY id LIMIT ?`,
      ).run(this.sessionId, twinSessionId, k).changes
      if (copied !== k) throw new StoreError('io', `session ${twinSessionId} holds ${copied} labels, not ${k}`)
      this.prepare(
        `INSERT INTO evaluations (session_id, labels, cost, human_seconds, returns, mean, std, success_rate, coverage,
             created_at)
           SELECT ?, labels, cost, human_seconds, returns, mean, std, success_rate, coverage, created_at
           FROM evaluations WHERE session_id = ? AND labels <= ?
             AND labels IN (SELECT labels FROM policies WHERE session_id = ?) ORDER BY labels, id`,
      ).run(this.sessionId, twinSessionId, k, twinSessionId)
      // Evaluations with the policy saved after them (one stored a moment ago may still wait for its policy: this
      // session then runs it again, the same episodes), and that policy (not one saved when the twin was paused).
      this.prepare(
        `INSERT INTO policies (session_id, labels, backend, weights, created_at)
           SELECT ?, labels, backend, weights, created_at FROM policies WHERE id IN (
             SELECT min(id) FROM policies WHERE session_id = ? AND labels <= ?
               AND labels IN (SELECT labels FROM evaluations WHERE session_id = ?) GROUP BY labels)
           ORDER BY id`,
      ).run(this.sessionId, twinSessionId, k, twinSessionId)
      this.saveCheckpoint(checkpoint)
      return true
    })
  }

  discardAfter(rows: number, labels: number): boolean {
    const session = this.sessionId
    return this.transaction(() => {
      this.checkLease()
      const last =
        rows === 0
          ? 0
          : (
              this.prepare('SELECT id FROM labels WHERE session_id = ? ORDER BY id LIMIT 1 OFFSET ?').get(
                session,
                rows - 1,
              ) as { id: number } | undefined
            )?.id
      if (last === undefined) return false
      // the queries of the kept labels end at `mark`; every later one must be a later label's
      const { mark } = this.prepare(
        'SELECT coalesce(max(id), 0) AS mark FROM queries WHERE session_id = ? AND label_id <= ?',
      ).get(session, last) as { mark: number }
      const unlinked = this.prepare(
        'SELECT count(*) AS n FROM queries WHERE session_id = ? AND id > ? AND label_id IS NULL',
      ).get(session, mark) as { n: number }
      if (unlinked.n > 0) return false
      this.prepare('DELETE FROM queries WHERE session_id = ? AND id > ?').run(session, mark)
      this.prepare('DELETE FROM labels WHERE session_id = ? AND id > ?').run(session, last)
      this.prepare('DELETE FROM evaluations WHERE session_id = ? AND labels > ?').run(session, labels)
      this.prepare('DELETE FROM policies WHERE session_id = ? AND labels > ?').run(session, labels)
      this.prepare('DELETE FROM session_fork_checkpoints WHERE session_id = ? AND labels > ?').run(session, rows)
      return true
    })
  }

  checkpoint(): SessionCheckpoint | null {
    const row = this.prepare('SELECT state FROM session_checkpoints WHERE session_id = ?').get(this.sessionId) as
      { state: Buffer } | undefined
    return row ? (decodeState(row.state) as SessionCheckpoint) : null
  }

  addQuery(query: QueryRecord): number {
    return this.write(() =>
      Number(
        this.prepare(
          `INSERT INTO queries (session_id, label_id, issued_at, first_input_at, committed_at, abandoned_at,
               proposed_action, answer, disagreement, operator, context_switch)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        ).run(
          this.sessionId,
          query.labelId,
          query.issuedAt,
          query.firstInputAt,
          query.committedAt,
          query.abandonedAt,
          toBlob(query.proposedAction),
          query.answer ? toBlob(query.answer) : null,
          query.disagreement,
          query.operator,
          query.contextSwitch ? 1 : 0,
        ).lastInsertRowid,
      ),
    )
  }

  addEvaluation(evaluation: EvaluationRecord): void {
    const { mean, std } = meanStd(evaluation.returns)
    this.write(() =>
      this.prepare(
        `INSERT INTO evaluations (session_id, labels, cost, human_seconds, returns, mean, std, success_rate, coverage,
             created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(
        this.sessionId,
        evaluation.labels,
        evaluation.cost,
        evaluation.humanSeconds,
        JSON.stringify(evaluation.returns),
        mean,
        std,
        evaluation.successRate ?? null,
        evaluation.coverage ?? null,
        new Date().toISOString(),
      ),
    )
  }

  evaluations(): EvaluationRecord[] {
    const rows = this.prepare(
      `SELECT labels, cost, human_seconds, returns, success_rate, coverage FROM evaluations WHERE session_id = ?
         ORDER BY labels, id`,
    ).all(this.sessionId) as {
      labels: number
      cost: number
      human_seconds: number
      returns: string
      success_rate: number | null
      coverage: number | null
    }[]
    return rows.map((r) => ({
      labels: r.labels,
      cost: r.cost,
      humanSeconds: r.human_seconds,
      returns: JSON.parse(r.returns) as number[],
      successRate: r.success_rate,
      coverage: r.coverage,
    }))
  }

  savePolicy(policy: PolicyRecord): void {
    const weights = JSON.stringify(policy.weights)
    if (weights === undefined) throw new StoreError('io', 'policy weights must be JSON-serialisable')
    this.write(() =>
      this.prepare(
        'INSERT INTO policies (session_id, labels, backend, weights, created_at) VALUES (?, ?, ?, ?, ?)',
      ).run(this.sessionId, policy.labels, policy.backend, weights, new Date().toISOString()),
    )
  }

  latestPolicy(): PolicyRecord | null {
    const row = this.prepare(
      'SELECT labels, backend, weights FROM policies WHERE session_id = ? ORDER BY id DESC LIMIT 1',
    ).get(this.sessionId) as { labels: number; backend: string; weights: string } | undefined
    return row
      ? {
          labels: row.labels,
          backend: row.backend,
          weights: JSON.parse(row.weights) as unknown,
        }
      : null
  }

  /** Every policy saved with an evaluation, in the order they were saved (the mixture study draws from them). */
  policies(): PolicyRecord[] {
    const rows = this.prepare('SELECT labels, backend, weights FROM policies WHERE session_id = ? ORDER BY id').all(
      this.sessionId,
    ) as { labels: number; backend: string; weights: string }[]
    return rows.map((r) => ({ labels: r.labels, backend: r.backend, weights: JSON.parse(r.weights) as unknown }))
  }

  setStatus(status: SessionStatus): void {
    if (!SESSION_STATUSES.includes(status)) throw new StoreError('io', `unknown session status '${status}'`)
    this.write(() =>
      this.prepare('UPDATE sessions SET status = ?, finished_at = ? WHERE id = ?').run(
        status,
        SETTLED.has(status) ? new Date().toISOString() : null,
        this.sessionId,
      ),
    )
  }

  status(): SessionStatus {
    const row = this.prepare('SELECT status FROM sessions WHERE id = ?').get(this.sessionId) as
      { status: SessionStatus } | undefined
    if (!row) throw new StoreError('not-found', `session ${this.sessionId} no longer exists`)
    return row.status
  }

  private write<T>(fn: () => T): T {
    try {
      return fn()
    } catch (err) {
      throw toStoreError(err, this.file)
    }
  }
}
