// The person model `iwb person` fits (learn/person-fit.ts), from what the workspace holds of one person (or one
// operator) on one task: for the CLI in full and for the page in brief, beside the measured cost ratio.
import type { PersonSummary, TaskInfo } from '../../shared/contract'
import { personText } from '../../shared/person-model'
import { fitPerson, type PersonFit } from '../learn/person-fit'
import { demonstrationTimes, personRecord, secondsPerDemoState, type Workspace } from '../store'

/** The fit of the labels of `operator` (null: everyone's) in the task's sessions answered by `oracle`. */
export function fitOperator(ws: Workspace, task: TaskInfo, oracle: string, operator: string | null): PersonFit {
  const filter = { taskId: task.id, operator }
  const record = personRecord(ws, { ...filter, oracle })
  const demos = oracle === 'human' ? demonstrationTimes(ws, filter) : []
  const steps = demos.reduce((s, d) => s + d.steps, 0)
  const demoSecondsPerState =
    steps > 0 ? secondsPerDemoState({ steps, seconds: demos.reduce((s, d) => s + d.seconds, 0) }) : null
  return fitPerson({ ...record, demoSecondsPerState }, task)
}

/** The fit in brief; null when the person gave no label a fit can read (nothing compared with the expert). */
export function personSummary(fit: PersonFit): PersonSummary | null {
  const m = fit.measured
  if (m.actionLabels === 0 && m.queries === 0) return null
  const rms = (v: number[] | null): number | null => (v ? Math.sqrt(v.reduce((s, x) => s + x * x, 0) / v.length) : null)
  return {
    model: personText(fit.model),
    labels: m.actionLabels,
    spread: rms(m.spread),
    secondsPerQuery: m.secondsPerQuery?.median ?? null,
    skipRate: m.skipRate,
    reactionDelaySteps: m.reactionDelaySteps?.median ?? null,
  }
}
