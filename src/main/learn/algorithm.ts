// What every algorithm (src/main/learn/algorithms/<id>) is built from, what it sees each round, and what a round
// gives back.
import type { TaskInfo } from '../../shared/contract'
import type { Env, Policy } from '../sim/env'
import type { LearnerWeights, PolicySpec, SpecPolicy } from '../sim/policy-spec'
import type { Rng } from '../sim/rng'
import type { LabelContextNeeds } from '../../shared/policy-config'
import type { Demonstration, OfflineForm } from './offline-source'
import type { LabelContext, LabelRecord, SessionConfig } from './session-log'
import type { Supervisor } from './algorithms/hg-dagger'

/** The learner's policy spec: its weights (the MLP's or another class's) within the task's action bounds. */
export function learnerSpec(weights: LearnerWeights, task: TaskInfo): PolicySpec {
  const low = task.actionLow.slice()
  const high = task.actionHigh.slice()
  return 'cls' in weights ? { kind: weights.cls, weights, low, high } : { kind: 'mlp', weights, low, high }
}

/** A label as an algorithm draws it; its cost is set by the CostLedger when the runner records it. */
export type DrawnLabel = Omit<LabelRecord, 'cost'>

export interface RoundContext {
  env: Env
  task: TaskInfo
  /** the current learner (its sample() draws from its Gaussian, clipped to the bounds) */
  learner: SpecPolicy
  /** an ensemble's learners, the first being `learner` (absent when the algorithm trains one) */
  ensemble?: readonly SpecPolicy[]
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
   * label, or null when the answer was abandoned. `asked.contextSwitch`: the robot turns to the person after
   * driving on its own (the person prices and the measures count it). `asked.drives`: the person's action is
   * executed here, a held step of their takeover (robot-gated methods), which a simulated person prices as one.
   */
  query(
    observation: Float64Array,
    step: number,
    history?: Float64Array,
    asked?: { contextSwitch?: boolean; drives?: boolean },
  ): Promise<DrawnLabel | null>
  /** the person watching a takeover session (live, or the expert as a simulated person); null when none */
  supervisor?: Supervisor | null
  signal?: AbortSignal
  /** what the session's policy class needs of each label; absent: nothing beyond the state (the MLP) */
  needs?: LabelContextNeeds
  /** the observations before the env's current one in this episode (oldest first, flat), up to needs.history - 1 */
  history?(): Float64Array
  /** run fn, which may step the env, and put the env back as it was (state, step count, history) */
  lookAhead?<T>(fn: () => T): T
}

/** The history a label at the env's current state carries, or null when the class needs none. */
export function labelHistory(ctx: RoundContext, given?: Float64Array): Float64Array | null {
  if (!ctx.needs || ctx.needs.history <= 1) return null
  return given ?? ctx.history?.() ?? new Float64Array(0)
}

/**
 * The expert's next chunk - 1 actions from the env's current state (the class predicts chunks), simulated and
 * undone: the env is back at its state afterwards. Empty when the class needs no chunk.
 */
export function expertChunk(ctx: RoundContext, expert: Policy, obs: Float64Array): Float64Array {
  const k = ctx.needs?.chunk ?? 1
  if (k <= 1) return new Float64Array(0)
  const roll = (): Float64Array => {
    const out: number[] = []
    let o = obs
    for (let i = 0; i < k - 1; i++) {
      const r = ctx.env.step(expert.act(o))
      if (r.terminated || r.truncated) break
      o = r.observation
      for (const v of expert.act(o)) out.push(v)
    }
    return Float64Array.from(out)
  }
  if (ctx.lookAhead) return ctx.lookAhead(roll)
  const state = ctx.env.getState()
  try {
    return roll()
  } finally {
    ctx.env.setState(state)
  }
}

/** A context from its parts, or null when both are empty. */
export function labelContext(history: Float64Array | null, next: Float64Array | null): LabelContext | null {
  return (history?.length ?? 0) + (next?.length ?? 0) === 0
    ? null
    : { history: history ?? new Float64Array(0), next: next ?? new Float64Array(0) }
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

/** What an algorithm is built from besides the session's configuration. */
export interface BuildContext {
  /** how the simulated expert's offline labels are drawn: i.i.d. states (the authors' form) or whole trajectories */
  offlineForm: OfflineForm
  /** the recorded demonstrations a session with offline source 'demos' draws from (loaded from the workspace) */
  demonstrations: readonly Demonstration[] | null
}

/** An algorithm's constructor as its folder exports it (`build`) and the registry (algorithms/registry.ts) maps it. */
export type BuildAlgorithm = (config: SessionConfig, ctx: BuildContext) => Algorithm

export interface Algorithm {
  readonly name: string
  /** One round; may give no label (STAGGER's redraw, an abandoned query). Returns null when done. */
  round(ctx: RoundContext): Promise<Round | null>
  /**
   * Per-row training weights over every row the trainer holds, in order (a row: a label, or the learner's own
   * step, source 'policy'): rows are drawn in proportion (IWR). Absent: uniform, and the learner's own steps are
   * stored but not trained on. Computed from the rows alone, so a resumed session weighs exactly as before.
   */
  weights?(rows: readonly Pick<LabelRecord, 'source' | 'stepIndex'>[]): Float64Array
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
  history?: Float64Array,
): DrawnLabel {
  if (!ctx.expert) throw new Error('offline labels need an expert policy')
  const label: DrawnLabel = {
    source,
    observation: Float64Array.from(obs),
    state: ctx.env.getState(),
    action: Float64Array.from(ctx.expert.act(obs)),
    humanSeconds: null,
    episodeId: null,
    stepIndex: step,
  }
  const context = labelContext(labelHistory(ctx, history), expertChunk(ctx, ctx.expert, obs))
  if (context) label.context = context
  return label
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
