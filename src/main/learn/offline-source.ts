// Where BC's and WARM-STAGGER's offline labels come from (cost 1 each): the simulated expert's states
// (offlineRound below), or the states of recorded demonstrations, drawn uniformly WITHOUT replacement, each
// labelled with the action the person took there and the person's seconds for it (the recording time over its
// steps). The draw's order is a shuffle seeded once from the runner's generator; the seed and the number
// drawn are the source's whole state, so a resumed session continues the same draw.
import type { SessionConfig } from '../../shared/session-config'
import { createRng } from '../sim/rng'
import type { DrawnLabel, Round, RoundContext } from './algorithm'
import { offlineLabel } from './algorithm'
import type { LabelContext } from './session-log'

// The expert's offline labels, in one of two forms:
//  - 'iid' (the authors'): one state drawn uniformly from one expert trajectory per label.
//  - 'trajectories': every state of whole expert demonstrations.

export type OfflineForm = 'iid' | 'trajectories'

/** One offline round: a uniformly drawn expert state (iid) or a whole demonstration cut to the budget. */
export function offlineRound(ctx: RoundContext, form: OfflineForm): Round | null {
  if (ctx.remaining < 1) return null
  if (!ctx.expert) throw new Error('BC needs an expert to draw offline states from')
  const expert = ctx.expert
  const H = ctx.task.horizon
  if (form === 'iid') {
    // Draw t ~ U{0..H-1} and roll the expert to it. If its episode ends first at length L, draw again
    // uniformly among the L visited states: P(i) = 1/H + (1 - L/H)/L = 1/L, so the state is uniform over the
    // trajectory, and long episodes need no full rollout.
    const t = ctx.rng.int(H)
    let obs = ctx.env.reset(ctx.nextSeed())
    const seen: { obs: Float64Array; state: Float64Array }[] = []
    for (let k = 0; k < t; k++) {
      seen.push({ obs, state: ctx.env.getState() })
      const r = ctx.env.step(expert.act(obs))
      if (r.terminated) {
        const i = ctx.rng.int(seen.length)
        ctx.env.setState(seen[i].state)
        const h = ctx.needs ? Math.max(0, ctx.needs.history - 1) : 0
        const before = h > 0 ? seen.slice(Math.max(0, i - h), i).map((x) => x.obs) : []
        return { labels: [offlineLabel(ctx, seen[i].obs, i, 'offline', flat(before))], phase: 'offline' }
      }
      obs = r.observation
    }
    return { labels: [offlineLabel(ctx, obs, t, 'offline')], phase: 'offline' }
  }
  const labels = []
  let obs = ctx.env.reset(ctx.nextSeed())
  for (let k = 0; k < H && labels.length < ctx.remaining; k++) {
    labels.push(offlineLabel(ctx, obs, k, 'demonstration'))
    const r = ctx.env.step(expert.act(obs))
    if (r.terminated || r.truncated) break
    obs = r.observation
  }
  return { labels, phase: 'offline' }
}

function flat(rows: readonly Float64Array[]): Float64Array {
  const out = new Float64Array(rows.reduce((n, r) => n + r.length, 0))
  let at = 0
  for (const r of rows) {
    out.set(r, at)
    at += r.length
  }
  return out
}

/** Offline labels for a round: at most `max` (the offline share still open); null when none are left. */
export interface OfflineSupply {
  next(ctx: RoundContext, max: number): Round | null
  state?(): unknown
  restore?(state: unknown): void
}

/** The simulated expert's states (i.i.d. states or whole trajectories): never runs out. */
export class ExpertStates implements OfflineSupply {
  constructor(readonly form: OfflineForm = 'iid') {}
  next(ctx: RoundContext, max: number): Round | null {
    return offlineRound({ ...ctx, remaining: Math.min(ctx.remaining, max) }, this.form)
  }
}

/** One recorded demonstration as a session reads it (loaded from the workspace by the session worker). */
export interface Demonstration {
  episodeId: number
  /** the person's seconds per state: the recording's duration over its steps; null when unknown */
  secondsPerState: number | null
  steps: {
    index: number
    observation: ArrayLike<number>
    state: ArrayLike<number>
    action: ArrayLike<number>
    /** who chose the action (store/types.ts StepSource); absent: the person */
    source?: string
    /** a person marked the step bad (iwb dataset mark-bad): context only, never a label */
    bad?: boolean
  }[]
}

/**
 * Whether a demonstration's step is a person's label. An imported episode may hold the learner's own steps (source
 * 'policy', a takeover's robot-driven part), and a person may mark steps bad: they stay as context (history, the
 * actions after) but are not drawn.
 */
const isLabel = (step: Demonstration['steps'][number]): boolean => step.source !== 'policy' && step.bad !== true

/** The states offline labels can be drawn from: every step of every demonstration that a person chose. */
export function demonstrationStates(demos: readonly Demonstration[]): number {
  let n = 0
  for (const d of demos) for (const step of d.steps) if (isLabel(step)) n++
  return n
}

/** The phase a session reports (once) when its demonstrations ran out before its offline share. */
export const DEMOS_USED_UP = 'demonstrations used up'

interface RecordedDemosState {
  episodes: number[]
  seed: number | null
  taken: number
  usedUp: boolean
}

export class RecordedDemos implements OfflineSupply {
  private pool: { episodeId: number; secondsPerState: number | null; step: Demonstration['steps'][number] }[] = []
  /** the pool entries that are a person's labels: what the draw takes from */
  private drawable: number[] = []
  private episodes: number[] = []
  private seed: number | null = null
  private order: Uint32Array | null = null
  private taken = 0
  private usedUp = false

  constructor(private readonly demos: readonly Demonstration[]) {
    if (demos.length === 0) throw new RangeError('no demonstrations to draw offline labels from')
    this.use(demos.map((d) => d.episodeId))
  }

  /** states not drawn yet */
  get left(): number {
    return this.drawable.length - this.taken
  }

  private use(episodes: readonly number[]): void {
    const byId = new Map(this.demos.map((d) => [d.episodeId, d]))
    const missing = episodes.filter((e) => !byId.has(e))
    if (missing.length)
      throw new RangeError(`demonstration ${missing.join(', ')} of this session is no longer in the workspace`)
    // In episode and step order, whatever order the demonstrations came in: the shuffle alone decides the draw.
    this.episodes = [...episodes].sort((a, b) => a - b)
    this.pool = this.episodes.flatMap((e) => {
      const d = byId.get(e)!
      return d.steps.map((step) => ({ episodeId: e, secondsPerState: d.secondsPerState, step }))
    })
    this.drawable = [...this.pool.keys()].filter((i) => isLabel(this.pool[i].step))
  }

  private shuffled(seed: number): Uint32Array {
    const rng = createRng(seed)
    const order = Uint32Array.from(this.drawable)
    for (let i = order.length - 1; i > 0; i--) {
      const j = rng.int(i + 1)
      const t = order[i]
      order[i] = order[j]
      order[j] = t
    }
    return order
  }

  next(ctx: RoundContext, max: number): Round | null {
    if (max < 1 || ctx.remaining < 1) return null
    if (this.taken >= this.drawable.length) {
      if (this.usedUp) return null
      this.usedUp = true
      return { labels: [], phase: DEMOS_USED_UP }
    }
    if (this.seed === null) this.seed = ctx.rng.int(0x7fffffff)
    this.order ??= this.shuffled(this.seed)
    const at = this.order[this.taken++]
    const p = this.pool[at]
    const label: DrawnLabel = {
      source: 'demonstration',
      observation: Float64Array.from(p.step.observation),
      state: Float64Array.from(p.step.state),
      action: Float64Array.from(p.step.action),
      humanSeconds: p.secondsPerState,
      episodeId: p.episodeId,
      stepIndex: p.step.index,
    }
    if (ctx.needs && (ctx.needs.history > 1 || ctx.needs.chunk > 1)) label.context = this.context(at, ctx.needs)
    return { labels: [label], phase: 'demonstration' }
  }

  /** The observations before pool entry `at` and the actions after it, within its own demonstration. */
  private context(at: number, needs: { history: number; chunk: number }): LabelContext {
    const p = this.pool[at]
    const same = (j: number): boolean => j >= 0 && j < this.pool.length && this.pool[j].episodeId === p.episodeId
    const history: number[] = []
    for (let j = at - (needs.history - 1); j < at; j++)
      if (same(j)) history.push(...Array.from(this.pool[j].step.observation))
    const next: number[] = []
    for (let j = at + 1; j < at + needs.chunk && same(j); j++) next.push(...Array.from(this.pool[j].step.action))
    return { history: Float64Array.from(history), next: Float64Array.from(next) }
  }

  state(): RecordedDemosState {
    return { episodes: this.episodes.slice(), seed: this.seed, taken: this.taken, usedUp: this.usedUp }
  }

  restore(state: unknown): void {
    const s = state as Partial<RecordedDemosState> | null
    if (
      !s ||
      !Array.isArray(s.episodes) ||
      typeof s.taken !== 'number' ||
      typeof s.usedUp !== 'boolean' ||
      !(s.seed === null || typeof s.seed === 'number')
    )
      throw new RangeError('the demonstrations draw needs its episodes, seed and count')
    // "All demonstrations" was resolved when the session started: later recordings do not join its draw.
    this.use(s.episodes)
    if (s.taken > this.drawable.length)
      throw new RangeError(`the draw took ${s.taken} of ${this.drawable.length} demonstration states`)
    this.seed = s.seed
    this.order = s.seed === null ? null : this.shuffled(s.seed)
    this.taken = s.taken
    this.usedUp = s.usedUp
  }
}

/** The offline supply a session's config names; demonstrations must be given when it names them. */
export function offlineSupply(
  config: Pick<SessionConfig, 'offline'>,
  form: OfflineForm,
  demos: readonly Demonstration[] | null,
): OfflineSupply {
  if (config.offline.kind === 'expert') return new ExpertStates(form)
  if (!demos) throw new Error('this session draws offline labels from demonstrations, but none were loaded')
  const named = config.offline.episodes
  if (!named) return new RecordedDemos(demos)
  // Exactly the named episodes, whatever else was loaded.
  const pool = new RecordedDemos(demos)
  pool.restore({ episodes: named, seed: null, taken: 0, usedUp: false })
  return pool
}
