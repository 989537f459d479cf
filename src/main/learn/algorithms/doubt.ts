// What the robot-gated algorithms (EnsembleDAgger, ThriftyDAgger) measure at a state: the ensemble's doubt (the
// spread of its learners' actions) and the distance between two actions, both as the root mean square over the
// action's dimensions of a fraction of each dimension's range, so one threshold means the same on every task.
import type { TaskInfo } from '../../../shared/contract'
import type { Policy } from '../../sim/env'

/** The spread of the learners' actions at obs: per dimension the standard deviation, as a fraction of its range. */
export function ensembleSpread(ensemble: readonly Policy[], obs: Float64Array, task: TaskInfo): number {
  if (ensemble.length < 2) return 0
  const acts = ensemble.map((p) => p.act(obs))
  let sum = 0
  for (let i = 0; i < task.actDim; i++) {
    let m = 0
    for (const a of acts) m += a[i]
    m /= acts.length
    let v = 0
    for (const a of acts) v += (a[i] - m) ** 2
    sum += v / (acts.length - 1) / range(task, i) ** 2
  }
  return Math.sqrt(sum / task.actDim)
}

/** The distance between two actions, as a fraction of the action range. */
export function actionDistance(a: ArrayLike<number>, b: ArrayLike<number>, task: TaskInfo): number {
  let sum = 0
  for (let i = 0; i < task.actDim; i++) sum += ((a[i] - b[i]) / range(task, i)) ** 2
  return Math.sqrt(sum / task.actDim)
}

const range = (task: TaskInfo, i: number): number => task.actionHigh[i] - task.actionLow[i] || 1

/** The robot-gated algorithms' tally, saved with their bookkeeping: steps driven, steps asked, context switches. */
export interface GateTally {
  episodes: number
  steps: number
  asked: number
  /** times the robot turned to the person after driving on its own (each a Query.contextSwitch) */
  switches: number
  /** episodes in a row that asked nothing (the gate stops after a few: nothing left to ask) */
  idle: number
}

export const emptyTally = (): GateTally => ({ episodes: 0, steps: 0, asked: 0, switches: 0, idle: 0 })

/** A tally from saved bookkeeping; throws one line when it is not one. */
export function restoreTally(v: unknown, who: string): GateTally {
  const t = v as Partial<GateTally> | null
  const keys: (keyof GateTally)[] = ['episodes', 'steps', 'asked', 'switches', 'idle']
  if (!t || !keys.every((k) => typeof t[k] === 'number' && t[k] >= 0))
    throw new RangeError(`${who} state needs its tally (${keys.join(', ')})`)
  return { episodes: t.episodes!, steps: t.steps!, asked: t.asked!, switches: t.switches!, idle: t.idle! }
}

/** Stop after this many episodes in a row without asking: the ensemble no longer doubts anywhere it goes. */
export const IDLE_EPISODES = 3
/** A bound on the episodes one session runs (each is a round). */
export const MAX_EPISODES = 10_000
