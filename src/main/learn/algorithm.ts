// What every algorithm (BC, DAgger, STAGGER, WARM-STAGGER) sees each round, and what a round gives back.
import type { TaskInfo } from '../../shared/contract'
import type { Env, Policy } from '../sim/env'
import type { MlpWeights, PolicySpec, SpecPolicy } from '../sim/policy-spec'
import type { Rng } from '../sim/rng'
import type { LabelRecord } from './session-log'
import type { Supervisor } from './takeover'

/** The learner's policy spec: its MLP weights within the task's action bounds. */
export function learnerSpec(weights: MlpWeights, task: TaskInfo): PolicySpec {
  return { kind: 'mlp', weights, low: task.actionLow.slice(), high: task.actionHigh.slice() }
}

/** A label as an algorithm draws it; its cost is set by the CostLedger when the runner records it. */
export type DrawnLabel = Omit<LabelRecord, 'cost'>

export interface RoundContext {
  env: Env
  task: TaskInfo
  /** the current learner (its sample() draws from its Gaussian, clipped to the bounds) */
  learner: SpecPolicy
  /** the expert that produces offline labels (i.i.d. states or whole demonstrations), when there is one */
  expert: Policy | null
  rng: Rng
  /** a fresh reset seed for each rollout */
  nextSeed(): number
  /** annotation cost still available */
  remaining: number
  costRatio: number
  /** spent so far on offline labels, and on interactive ones */
  offlineCost: number
  interactiveCost: number
  /**
   * Ask the oracle about a state of env (the env is at that state now); records the query and gives the
   * label, or null when the answer was abandoned.
   */
  query(observation: Float64Array, step: number): Promise<DrawnLabel | null>
  /** the person watching a takeover session (live, or the expert as a simulated person); null when none */
  supervisor?: Supervisor | null
  signal?: AbortSignal
}

export interface Round {
  labels: DrawnLabel[]
  /** extra Adam steps to take after these labels (WARM-STAGGER's BC fit at the switch) */
  extraSteps?: number
  /** a short word for progress: 'offline', 'interactive', 'redraw', ... */
  phase: string
  /** commit this round (with its checkpoint) even without labels: its bookkeeping matters (a watched episode) */
  keep?: boolean
}

export interface Algorithm {
  readonly name: string
  /** One round; may give no label (STAGGER's redraw, an abandoned query). Returns null when done. */
  round(ctx: RoundContext): Promise<Round | null>
  /** the algorithm's own bookkeeping, saved with each round's labels so a resumed session continues exactly */
  state?(): unknown
  restore?(state: unknown): void
}

/** An offline label: the expert's action at the env's current state. */
export function offlineLabel(
  ctx: RoundContext,
  obs: Float64Array,
  step: number,
  source: 'offline' | 'demonstration',
): DrawnLabel {
  if (!ctx.expert) throw new Error('offline labels need an expert policy')
  return {
    source,
    observation: Float64Array.from(obs),
    state: ctx.env.getState(),
    action: Float64Array.from(ctx.expert.act(obs)),
    humanSeconds: null,
    episodeId: null,
    stepIndex: step,
  }
}

/**
 * Roll `act` from a seeded reset to step t and return the observation there, or null when the episode ended
 * before reaching t. The env is left at s_t.
 */
export function rollTo(
  ctx: RoundContext,
  act: (obs: Float64Array) => Float64Array,
  t: number,
): { obs: Float64Array; length: number } | { obs: null; length: number } {
  let obs = ctx.env.reset(ctx.nextSeed())
  for (let k = 0; k < t; k++) {
    const r = ctx.env.step(act(obs))
    obs = r.observation
    if (r.terminated || r.truncated)
      return k + 1 === t && !r.terminated ? { obs, length: k + 1 } : { obs: null, length: k + 1 }
  }
  return { obs, length: t }
}
