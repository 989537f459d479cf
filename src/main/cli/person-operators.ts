// `iwb person`'s fit of one person (or of everyone) on a task, and its figure per operator when several people
// answered: their answers and seconds (store/operator-figures.ts, what the page shows per session) beside a fit of
// their own labels. Answers given without a name get the counts but no fit (a fit cannot pick them out); a skip
// keeps the name of the page that skipped, so an operator's own fit counts their skips.
import type { TaskInfo } from '../../shared/contract'
import type { OperatorFigure } from '../../shared/operator-figures'
import type { PersonFit } from '../learn/person-fit'
import type { Workspace } from '../store'
import { operatorFigures } from '../store/operator-figures'
import { fitOperator } from '../api/person-summary'

export interface OperatorRow extends OperatorFigure {
  fit: PersonFit | null
}

export { fitOperator }

/** One row per operator who answered the task's queries, named ones first. */
export function operatorRows(ws: Workspace, task: TaskInfo, oracle: string): OperatorRow[] {
  return operatorFigures(ws, { taskId: task.id, oracle }).map((f) => ({
    ...f,
    fit: f.operator === null ? null : fitOperator(ws, task, oracle, f.operator),
  }))
}

/** The rows as lines for the terminal. */
export function describeOperators(rows: readonly OperatorRow[]): string[] {
  return rows.map((r) => {
    const each = r.answered ? (r.seconds / r.answered).toFixed(2) : '–'
    return `operator ${r.operator ?? '(no name)'}: ${r.answered} answers, ${r.seconds.toFixed(1)} s (${each} s each)`
  })
}
