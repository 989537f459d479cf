// What every algorithm (BC, DAgger, STAGGER, WARM-STAGGER) sees each round, and what a round gives back.
import type { TaskInfo } from '../../shared/contract'
import type { Env, Policy } from '../sim/env'
import type { MlpWeights, PolicySpec, SpecPolicy } from '../sim/policy-spec'
import type { Rng } from '../sim/rng'
import type { LabelRecord } from './session-log'

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
  /** DAgger's round index (trajectories so far) */
  rounds: number
  /**
   * Ask the oracle about a state of env (the env is at that state now); records the query and gives the
   * label, or null when the answer was abandoned.
   */
  query(observation: Float64Array, step: number): Promise<LabelRecord | null>
  signal?: AbortSignal
}

export interface Round {
  labels: LabelRecord[]
  /** extra Adam steps to take after these labels (WARM-STAGGER's BC fit at the switch) */
  extraSteps?: number
  /** a short word for progress: 'offline', 'interactive', 'redraw', ... */
  phase: string
}

export interface Algorithm {
  readonly name: string
  /** One round; may give no label (STAGGER's redraw, an abandoned query). Returns null when done. */
  round(ctx: RoundContext): Promise<Round | null>
}

/** An offline label: the expert's action at the env's current state, cost 1. */
export function offlineLabel(ctx: RoundContext, obs: Float64Array, step: number, source: 'offline' | 'demonstration'): LabelRecord {
  if (!ctx.expert) throw new Error('offline labels need an expert policy')
  return {
    source,
    cost: 1,
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
export function rollTo(ctx: RoundContext, act: (obs: Float64Array) => Float64Array, t: number): { obs: Float64Array; length: number } | { obs: null; length: number } {
  let obs = ctx.env.reset(ctx.nextSeed())
  for (let k = 0; k < t; k++) {
    const r = ctx.env.step(act(obs))
    obs = r.observation
    if (r.terminated || r.truncated) return k + 1 === t && !r.terminated ? { obs, length: k + 1 } : { obs: null, length: k + 1 }
  }
  return { obs, length: t }
}

/** The learner's plain-data form: its MLP weights with the task's action bounds (what workers and the log get). */
export function learnerSpec(weights: MlpWeights, task: TaskInfo): PolicySpec {
  return { kind: 'mlp', weights, low: task.actionLow.slice(), high: task.actionHigh.slice() }
}
