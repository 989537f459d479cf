// Per operator, the queries they answered and the seconds those answers took (the labels' human seconds, as the
// session's cost counts them): the page's figures for one session and `iwb person`'s per-operator rows for a task.
// Skips carry their operator too, but they are no answers: the fit's skip rate counts them, not these figures.
import type { OperatorFigure } from '../../shared/operator-figures'
import type { Workspace } from './workspace'

export type OperatorFilter = { sessionId: number } | { taskId: string; oracle: string }

/** Named operators first (by name), then answers given without a name. */
export function operatorFigures(ws: Workspace, f: OperatorFilter): OperatorFigure[] {
  const params =
    'sessionId' in f
      ? { session: f.sessionId, task: null, oracle: null }
      : { session: null, task: f.taskId, oracle: f.oracle }
  const rows = ws
    .prepare(
      `SELECT q.operator, count(*) AS answered, coalesce(sum(l.human_seconds), 0) AS seconds
       FROM queries q JOIN sessions s ON s.id = q.session_id JOIN labels l ON l.id = q.label_id
       WHERE q.committed_at IS NOT NULL
         AND (@session IS NULL OR s.id = @session)
         AND (@task IS NULL OR (s.task_id = @task AND s.oracle = @oracle))
       GROUP BY q.operator
       ORDER BY q.operator IS NULL, q.operator`,
    )
    .all(params) as { operator: string | null; answered: number; seconds: number }[]
  return rows.map((r) => ({ operator: r.operator, answered: r.answered, seconds: r.seconds }))
}
