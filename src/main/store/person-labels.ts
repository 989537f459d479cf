// What a workspace holds of one person's labels for `iwb person`: every label a person gave that carries the
// expert's action at its state (stored with it since schema 15), the learner's own steps in their takeover sessions
// (source 'policy', the lead-up of a takeover), with its seconds and, for an answer, its query's
// timings and whether it was a context switch; how many of their queries they answered and skipped.
import type { LabelSource } from '../../shared/contract'
import { fromBlob } from './codec'
import type { Workspace } from './workspace'

/** A fit reads at most this many labels (the newest): plenty for a lognormal and a spread, bounded in memory. */
export const MAX_PERSON_LABELS = 200_000

export interface PersonFilter {
  taskId: string
  /** only this operator's answers and demonstrations (takeovers carry no operator and are left out) */
  operator?: string | null
  /** whose sessions: 'human' (a person in the page) or a simulated person's text */
  oracle: string
}

export interface PersonLabel {
  source: LabelSource
  /** the session and the episode step: a takeover's lead-up is the learner's rows (source 'policy') before it */
  sessionId: number
  stepIndex: number | null
  seconds: number | null
  action: Float64Array
  expertAction: Float64Array
  /** the query's time from prompt to first input, in seconds (answers in the page) */
  firstInputSeconds: number | null
  contextSwitch: boolean
}

export interface PersonRecord {
  labels: PersonLabel[]
  queries: { answered: number; skipped: number }
}

export function personRecord(ws: Workspace, f: PersonFilter): PersonRecord {
  const params = { task: f.taskId, operator: f.operator ?? null, oracle: f.oracle, max: MAX_PERSON_LABELS }
  const rows = ws
    .prepare(
      `SELECT * FROM (
         SELECT l.id, l.session_id, l.step_index, l.source, l.human_seconds, l.action, l.expert_action, q.issued_at, q.first_input_at,
           coalesce(q.context_switch, 0) AS context_switch
         FROM labels l JOIN sessions s ON s.id = l.session_id
           LEFT JOIN queries q ON q.label_id = l.id
           LEFT JOIN episodes e ON e.id = l.episode_id
         WHERE l.expert_action IS NOT NULL AND s.oracle = @oracle AND s.task_id = @task
           AND (@operator IS NULL OR coalesce(q.operator, e.operator) = @operator)
         ORDER BY l.id DESC LIMIT @max)
       ORDER BY id`,
    )
    .all(params) as {
    session_id: number
    step_index: number | null
    source: LabelSource
    human_seconds: number | null
    action: Buffer
    expert_action: Buffer
    issued_at: number | null
    first_input_at: number | null
    context_switch: number
  }[]
  const counts = ws
    .prepare(
      `SELECT count(q.committed_at) AS answered, count(q.abandoned_at) AS skipped
       FROM queries q JOIN sessions s ON s.id = q.session_id
       WHERE s.oracle = @oracle AND s.task_id = @task AND (@operator IS NULL OR q.operator = @operator)`,
    )
    .get(params) as { answered: number; skipped: number }
  return {
    labels: rows.map((r) => ({
      source: r.source,
      sessionId: r.session_id,
      stepIndex: r.step_index,
      seconds: r.human_seconds,
      action: fromBlob(r.action),
      expertAction: fromBlob(r.expert_action),
      firstInputSeconds:
        r.first_input_at !== null && r.issued_at !== null ? Math.max(0, (r.first_input_at - r.issued_at) / 1000) : null,
      contextSwitch: r.context_switch === 1,
    })),
    queries: counts,
  }
}
