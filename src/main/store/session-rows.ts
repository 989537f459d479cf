// A sessions row and what it holds: the SessionConfig (one column per field, the one mapping the workspace, the
// export and the import all use), the session's summary (SessionInfo), and the export's JSON row.
import type Database from 'better-sqlite3'
import type { SessionInfo } from '../../shared/contract'
import { OfflineSource, offlineKey } from '../../shared/session-config'
import { parsePolicy, policyKey } from '../../shared/policy-config'
import { algoParamsKey } from '../../shared/algorithms'
import type { SessionConfig, SessionStatus } from '../learn/session-log'
import { Columns, plain, type Sql } from './columns'
import type { ExportRow } from './export-format'

/** Every config field's column, in the order the export writes them. */
const CONFIG = new Columns<SessionConfig>({
  taskId: plain('task_id'),
  algo: plain('algo'),
  // the algorithm's parameters as canonical JSON (shared/algorithms.ts algoParamsKey), checked by its schema
  algoParams: {
    name: 'algo_params',
    toSql: algoParamsKey,
    fromSql: (v) => JSON.parse(v as string) as Record<string, unknown>,
  },
  oracle: plain('oracle'),
  budget: plain('budget'),
  seed: plain('seed'),
  costRatio: plain('cost_ratio'),
  schedule: plain('schedule'),
  loss: plain('loss'),
  evalEvery: plain('eval_every'),
  evalEpisodes: plain('eval_episodes'),
  epochs: plain('epochs', true),
  offline: { name: 'offline', toSql: offlineKey, fromSql: (v) => OfflineSource.parse(JSON.parse(v as string)) },
  fallAngle: plain('fall_angle', true),
  algoVersion: plain('algo_version'),
  standardise: plain('standardise'),
  policy: { name: 'policy', toSql: policyKey, fromSql: (v) => parsePolicy(JSON.parse(v as string)) },
})

/** A sessions row: its own columns, and the config's (CONFIG). */
export interface SessionRow extends Record<string, Sql> {
  id: number
  note: string | null
  status: string
  created_at: string
  finished_at: string | null
}

/** `task_id = ? AND ...` over every config column: bind configValues(config). */
export const SAME_CONFIG = CONFIG.same

/** A config in the column order of SAME_CONFIG. */
export function configValues(c: SessionConfig): Sql[] {
  return CONFIG.values(c)
}

export function configOf(r: SessionRow): SessionConfig {
  return CONFIG.fromRow(r)
}

/** INSERT a session of this config with `more` (its other columns by name); returns its id. */
export function insertSession(
  prepare: (sql: string) => Database.Statement,
  config: SessionConfig,
  more: Readonly<Record<string, Sql>>,
): number {
  return CONFIG.insert(prepare, 'sessions', config, more)
}

/** The export's sessions.jsonl row of a sessions row. */
export function sessionExportRow(r: SessionRow): ExportRow<'sessions.jsonl'> {
  return {
    id: r.id,
    ...configOf(r),
    status: r.status as SessionStatus,
    createdAt: r.created_at,
    finishedAt: r.finished_at,
    note: r.note,
  }
}

/** SESSION_SUMMARY's row: a sessions row with its labels' totals and its last evaluation's mean and success rate. */
export interface SummaryRow extends SessionRow {
  n_labels: number
  total_cost: number
  total_secs: number
  last_return: number | null
  last_success_rate: number | null
}

/** Every session's SummaryRow; append `WHERE`/`ORDER BY` on `s`. Labels: the learner's own steps are not counted. */
export const SESSION_SUMMARY = `
  SELECT s.*, coalesce(l.n, 0) AS n_labels, coalesce(l.cost, 0) AS total_cost, coalesce(l.secs, 0) AS total_secs,
    (SELECT e.mean FROM evaluations e WHERE e.session_id = s.id ORDER BY e.id DESC LIMIT 1) AS last_return,
    (SELECT e.success_rate FROM evaluations e WHERE e.session_id = s.id ORDER BY e.id DESC LIMIT 1)
      AS last_success_rate
  FROM sessions s
  LEFT JOIN (SELECT session_id, count(*) FILTER (WHERE source <> 'policy') AS n, sum(cost) AS cost, sum(coalesce(human_seconds, 0)) AS secs
             FROM labels GROUP BY session_id) l ON l.session_id = s.id`

/** One session's SummaryRow: correlated sums over its range of the covering index, not a scan of every label. */
export const ONE_SESSION_SUMMARY = `
  SELECT s.*,
    (SELECT count(*) FROM labels l WHERE l.session_id = s.id AND l.source <> 'policy') AS n_labels,
    (SELECT coalesce(sum(l.cost), 0) FROM labels l WHERE l.session_id = s.id) AS total_cost,
    (SELECT coalesce(sum(l.human_seconds), 0) FROM labels l WHERE l.session_id = s.id) AS total_secs,
    (SELECT e.mean FROM evaluations e WHERE e.session_id = s.id ORDER BY e.id DESC LIMIT 1) AS last_return,
    (SELECT e.success_rate FROM evaluations e WHERE e.session_id = s.id ORDER BY e.id DESC LIMIT 1)
      AS last_success_rate
  FROM sessions s WHERE s.id = ?`

export function sessionInfo(r: SummaryRow): SessionInfo {
  const c = configOf(r)
  return {
    id: r.id,
    taskId: c.taskId,
    algo: c.algo,
    algoParams: c.algoParams,
    oracle: c.oracle,
    budget: c.budget,
    seed: c.seed,
    costRatio: c.costRatio,
    status: r.status as SessionStatus,
    labels: r.n_labels,
    cost: r.total_cost,
    humanSeconds: r.total_secs,
    lastReturn: r.last_return,
    lastSuccessRate: r.last_success_rate,
    createdAt: r.created_at,
    finishedAt: r.finished_at,
    offline: c.offline,
    policy: c.policy,
    note: r.note,
  }
}
