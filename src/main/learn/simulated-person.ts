// A simulated person (shared/person-model.ts): the expert's action corrupted by the person's bias and spread, queries
// skipped with the person's rate, and every label's human seconds drawn from the model. Every draw comes from the
// session's own generator (the runner passes it), in a fixed order, so a session resumed from a checkpoint draws
// exactly what an uninterrupted one does.
import type { TaskInfo } from '../../shared/contract'
import { LARGE_ERROR, perDimension, type PersonModel } from '../../shared/person-model'
import { STORED_LIMITS } from '../../shared/stored-values'
import type { Policy } from '../sim/env'
import { policyFromSpec, type PolicySpec } from '../sim/policy-spec'
import type { Rng } from '../sim/rng'
import type { Control, Supervisor, TakeoverStep } from './algorithms/hg-dagger'
import type { Answer, Oracle, Query } from './oracle'

/** The person's hand: what they give for an expert action, and what each kind of label costs them. */
export class PersonHand {
  private readonly bias: number[]
  private readonly noise: number[]

  constructor(
    readonly model: PersonModel,
    private readonly task: TaskInfo,
  ) {
    this.bias = perDimension(model.bias, task.actDim, 'bias')
    this.noise = perDimension(model.noise, task.actDim, 'noise')
  }

  /** The expert's action moved by the bias and a normal draw of the spread (fractions of the range), clipped. */
  act(expert: ArrayLike<number>, rng: Rng): Float64Array {
    const { actionLow: lo, actionHigh: hi } = this.task
    const out = new Float64Array(this.task.actDim)
    for (let i = 0; i < out.length; i++) {
      const range = hi[i] - lo[i]
      const v = expert[i] + (this.bias[i] + this.noise[i] * rng.normal()) * range
      out[i] = Math.min(hi[i], Math.max(lo[i], v))
    }
    return out
  }

  /** A query's seconds: lognormal around the median, plus a context switch's when the robot turned to the person. */
  querySeconds(rng: Rng, contextSwitch: boolean): number {
    const { query, querySpread } = this.model
    const s = query * Math.exp(querySpread * rng.normal()) + (contextSwitch ? this.model.switch : 0)
    return Math.min(STORED_LIMITS.humanSeconds, s)
  }

  /** A demonstrated state's seconds. */
  demoSeconds(): number {
    return this.model.demo
  }

  /** A held takeover step's seconds: its control period, times the person's seconds per takeover second. */
  takeoverSeconds(): number {
    return this.model.takeover / this.task.controlHz
  }

  /**
   * A step the person drives when the robot asked (ThriftyDAgger, EnsembleDAgger): a held takeover step, plus a
   * context switch's seconds at the first. The query's seconds are drawn all the same, so the generator moves as
   * for a query.
   */
  drivenSeconds(rng: Rng, contextSwitch: boolean): number {
    this.querySeconds(rng, false)
    return this.takeoverSeconds() + (contextSwitch ? this.model.switch : 0)
  }
}

/**
 * The simulated person as the session's oracle. Draws per query, in order: skip or not, the seconds, the action's
 * spread (a skipped query draws its seconds too, so the generator moves the same way whatever the answer).
 */
export class PersonOracle implements Oracle {
  readonly kind = 'person' as const
  readonly hand: PersonHand
  private readonly expert: Policy

  constructor(model: PersonModel, task: TaskInfo, expert: PolicySpec | Policy) {
    this.hand = new PersonHand(model, task)
    this.expert = 'kind' in expert ? policyFromSpec(expert) : expert
  }

  async answer(query: Query, signal?: AbortSignal): Promise<Answer | null> {
    if (signal?.aborted) return null
    const rng = query.rng
    if (!rng) throw new Error("a simulated person draws from the session's generator; this query carries none")
    const skipped = rng.next() < this.hand.model.skip
    const humanSeconds = query.takeover
      ? this.hand.drivenSeconds(rng, query.contextSwitch === true)
      : this.hand.querySeconds(rng, query.contextSwitch === true)
    if (skipped) return null
    const expertAction = Float64Array.from(this.expert.act(query.observation))
    return { action: this.hand.act(expertAction, rng), humanSeconds, expertAction }
  }
}

/** How far apart two actions are: root mean square of the differences as fractions of each dimension's range. */
function rangeError(a: ArrayLike<number>, b: ArrayLike<number>, task: TaskInfo): number {
  let d = 0
  for (let i = 0; i < a.length; i++) d += ((a[i] - b[i]) / (task.actionHigh[i] - task.actionLow[i])) ** 2
  return Math.sqrt(d / a.length)
}

/**
 * The simulated person watching a takeover session: like the expert's simulated person (hg-dagger), it takes over
 * when the learner's action strays from the expert's by more than `threshold` of the range, holds `holdSeconds`
 * and rests `restSeconds`, but it notices `lag` control steps late (the reaction delay) and drives with its own
 * hand (bias and spread). Draws come from the session's generator, one spread draw per held step.
 */
export class PersonSupervisor implements Supervisor {
  readonly kind = 'expert' as const
  private holding = 0
  private resting = 0
  /** steps since the learner first strayed, while the person has not yet reacted; null when nothing is noticed */
  private noticed: number | null = null

  constructor(
    private readonly hand: PersonHand,
    private readonly expert: Policy,
    private readonly task: TaskInfo,
    private readonly rng: () => Rng,
    readonly threshold = LARGE_ERROR,
    readonly holdSeconds = 0.5,
    readonly restSeconds = 1,
  ) {}

  async control(s: TakeoverStep): Promise<Control> {
    const seconds = 1 / this.task.controlHz
    const expert = Float64Array.from(this.expert.act(s.observation))
    const drive = (): Control => ({ action: this.hand.act(expert, this.rng()), seconds })
    if (this.holding > 0) {
      if (--this.holding === 0) this.resting = Math.ceil(this.restSeconds * this.task.controlHz)
      return drive()
    }
    if (this.resting > 0) {
      this.resting--
      return { action: null, seconds }
    }
    if (this.noticed === null && rangeError(expert, s.learnerAction, this.task) > this.threshold) this.noticed = 0
    if (this.noticed === null || this.noticed++ < this.hand.model.lag) return { action: null, seconds }
    this.noticed = null
    this.holding = Math.max(0, Math.ceil(this.holdSeconds * this.task.controlHz) - 1)
    if (this.holding === 0) this.resting = Math.ceil(this.restSeconds * this.task.controlHz)
    return drive()
  }

  endEpisode(): void {
    this.holding = 0
    this.resting = 0
    this.noticed = null
  }
}
