// STAGGER with a lookahead rollout, for a person as the oracle: while the person answers query k, the next
// query's rollout already runs (in slices, so the thread keeps serving messages), with the newest policy there
// is at that moment. When the answer is committed the next prompt is ready at once instead of after an update
// and up to H steps of simulation (p95 of ~1 s on Hopper on these machines, against the 150 ms target).
//
// The one departure from STAGGER as published: query k+1's state is drawn from the rollout distribution of
// the policy trained on the labels before query k (one label behind), because the rollout runs while label k
// is still being answered (two behind when the answer to k comes before the update for k-1 is done: the rollout
// then starts at once rather than wait for it; with `ahead: 2`, as the page's sessions run, one more; on a pool,
// a draw issued before a candidate was found may serve the next one, one more again). The draw itself is
// STAGGER's: t ~ U{1..H-1} from a fresh seeded reset, redrawn with no label and no cost when the episode ends
// before t (Gymnasium's truncation at t counts as reached).
//
// With a rollout pool the draws run on its worker threads as a stream, one per worker at a time, and the first
// one in draw order that reaches its t is taken: the same rejection sampling, done in parallel. That matters early on, when
// the learner falls within a few dozen steps and a query costs about H steps of failed draws: a person who
// answers at once otherwise waits for all of them one after another (profiled on Hopper: the rollout was
// nearly all of the time between a commit and the next prompt; the store, messaging and frames a few ms).
import type { TaskInfo } from '../../../../shared/contract'
import type { Env, Policy } from '../../../sim/env'
import { policyFromSpec, type LearnerWeights, type PolicySpec, type SpecPolicy } from '../../../sim/policy-spec'
import type { EpisodeRequest, EpisodeResult } from '../../../sim/rollout-pool'
import type { Trainer } from '../../trainer'
import { learnerSpec, type Algorithm, type Round, type RoundContext } from '../../algorithm'
import type { StateHistory } from '../../human-oracle'

export interface LookaheadCandidate {
  /** the drawn step and the state reached there */
  t: number
  observation: Float64Array
  state: Float64Array
  /** the states of the last second before it, oldest first (for the prompt's lead-up frames) */
  lead: Float64Array[]
  /** reset seed of the rollout */
  seed: number
}

export interface LookaheadOptions {
  /** a second env of the task for the lookahead rollouts (the runner's env holds the queried state) */
  spare: Env
  /**
   * the newest learner, asked for before each lookahead rollout: it may wait for an update in flight, but no
   * longer than until `hurry` settles (the answer came and the next prompt is wanted now)
   */
  latestLearner: (hurry?: Promise<void>) => Promise<
    Policy & {
      sample?: (obs: Float64Array, rng: RoundContext['rng']) => Float64Array
      /** the plain-data policy, for rollouts on the pool's threads */
      spec?: PolicySpec
    }
  >
  /** run the draws on these rollout threads (sim/rollout-pool) in parallel instead of on `spare` */
  pool?: { readonly size: number; runOne(request: EpisodeRequest): Promise<EpisodeResult> }
  /**
   * queries prepared ahead (default 1). With 2 a second candidate rolls out while the first waits, so one long
   * rollout (a learner that now survives to a late t) no longer delays the prompt after a quick answer; its
   * state is then from the policy two labels behind.
   */
  ahead?: number
  /** the rollout env's state history (withStateHistory), refilled with the candidate's lead-up states */
  history?: Pick<StateHistory, 'push' | 'clear'>
  /** env steps between yields to the event loop */
  sliceSteps?: number
  leadSeconds?: number
}

/** a draw on the pool: its step, reset seed and the first state index it returns */
interface PoolDraw {
  t: number
  seed: number
  statesFrom: number
  result: Promise<EpisodeResult>
}

const yieldNow = (): Promise<void> => new Promise((r) => setImmediate(r))

export class LookaheadStagger implements Algorithm {
  readonly name = 'stagger'
  /** the candidates being prepared, oldest first */
  private ahead: Promise<LookaheadCandidate | null>[] = []
  /** the pool's draws in flight, in draw order */
  private inflight: PoolDraw[] = []
  private stopped = false
  /** settles the pending rollout's wait for a fresher learner */
  private hurry: (() => void) | null = null
  /** the candidate rollouts and redraws done (for benches and tests) */
  rollouts = 0
  /** candidates prepared (reached their t) */
  prepared = 0
  redraws = 0

  constructor(private readonly opts: LookaheadOptions) {}

  async round(ctx: RoundContext): Promise<Round | null> {
    if (ctx.remaining < ctx.costRatio) {
      await this.drop()
      return null
    }
    this.hurry?.()
    this.hurry = null
    const candidate = await (this.ahead.shift() ?? this.prepare(ctx))
    if (!candidate) return null // aborted
    // The runner queries the state its env is at: put the env there, with the rollout's last second behind it.
    ctx.env.setState(candidate.state)
    if (this.opts.history) {
      this.opts.history.clear()
      for (const s of candidate.lead) this.opts.history.push(s)
      this.opts.history.push(candidate.state)
    }
    // While the person answers this one, roll out for the next (one after another: the draws stay in order).
    while (this.ahead.length < Math.max(1, this.opts.ahead ?? 1)) {
      const before: Promise<unknown> | undefined = this.ahead.at(-1)
      this.ahead.push(before === undefined ? this.prepare(ctx) : before.then(() => this.prepare(ctx)))
    }
    const label = await ctx.query(candidate.observation, candidate.t)
    return { labels: label ? [label] : [], phase: label ? 'interactive' : 'abandoned' }
  }

  /** Draw rollouts until one reaches its t; null when the session is stopping. */
  async prepare(ctx: RoundContext): Promise<LookaheadCandidate | null> {
    const env = this.opts.spare
    const H = ctx.task.horizon
    const slice = Math.max(1, this.opts.sliceSteps ?? 64)
    const leadLen = Math.max(1, Math.ceil((this.opts.leadSeconds ?? 1) * ctx.task.controlHz))
    const hurry = new Promise<void>((resolve) => (this.hurry = resolve))
    for (;;) {
      if (ctx.signal?.aborted || this.stopped) return null
      const learner = await this.opts.latestLearner(hurry)
      if (this.opts.pool && learner.spec) return this.drawOnPool(ctx, leadLen, hurry)
      const act = learner.sample
        ? (o: Float64Array) => learner.sample!(o, ctx.rng)
        : (o: Float64Array) => learner.act(o)
      const t = 1 + ctx.rng.int(H - 1)
      const seed = ctx.nextSeed()
      this.rollouts++
      let obs = env.reset(seed)
      // Only the last second before t is kept for the prompt: copying every state would slow the rollout.
      const keepFrom = t - leadLen
      const ring: Float64Array[] = keepFrom <= 0 ? [env.getState()] : []
      let reached = true
      for (let k = 0; k < t; k++) {
        const r = env.step(act(obs))
        obs = r.observation
        if (k + 1 >= keepFrom) ring.push(env.getState())
        if (r.terminated || r.truncated) {
          reached = k + 1 === t && !r.terminated
          break
        }
        if ((k + 1) % slice === 0) {
          await yieldNow()
          if (ctx.signal?.aborted || this.stopped) return null
        }
      }
      if (!reached) {
        this.redraws++
        continue
      }
      const state = ring.pop()!
      this.prepared++
      return { t, observation: Float64Array.from(obs), state, lead: ring, seed }
    }
  }

  /**
   * Draws on the pool as a stream: one per thread in flight, in draw order, each with the newest learner at its
   * issue; the results are looked at in draw order and the first that reached its t is taken (the same rejection
   * sampling as on `spare`, done in parallel). A draw still in flight when a candidate is found stays in the stream
   * for the next one, so no thread waits for the slowest of a batch and no draw is thrown away. Null when the
   * session is stopping. Every draw's t, seed and sampling seed come from the runner's generators in draw order.
   */
  private async drawOnPool(
    ctx: RoundContext,
    leadLen: number,
    hurry: Promise<void>,
  ): Promise<LookaheadCandidate | null> {
    const pool = this.opts.pool!
    for (;;) {
      while (this.inflight.length < Math.max(1, pool.size)) {
        const learner = await this.opts.latestLearner(hurry)
        if (ctx.signal?.aborted || this.stopped) return null
        this.inflight.push(this.issue(ctx, learner.spec!, leadLen))
      }
      const { t, seed, statesFrom, result } = this.inflight.shift()!
      const r = await result
      if (ctx.signal?.aborted || this.stopped) return null
      this.rollouts++
      if (r.length !== t || r.terminated || !r.states) {
        this.redraws++
        continue
      }
      // states holds the rows from statesFrom to t: the lead-up, then the state reached at t
      const size = r.states.length / (t + 1 - statesFrom)
      const row = (k: number): Float64Array => r.states!.slice((k - statesFrom) * size, (k - statesFrom + 1) * size)
      const lead: Float64Array[] = []
      for (let k = statesFrom; k < t; k++) lead.push(row(k))
      const state = row(t)
      // the observation at t, from the state (what the runner's env shows once put there)
      this.opts.spare.setState(state)
      this.prepared++
      return { t, observation: Float64Array.from(this.opts.spare.observe()), state, lead, seed }
    }
  }

  private issue(ctx: RoundContext, spec: PolicySpec, leadLen: number): PoolDraw {
    const t = 1 + ctx.rng.int(ctx.task.horizon - 1)
    const seed = ctx.nextSeed()
    const sampleSeed = ctx.rng.int(0x7fffffff)
    const statesFrom = Math.max(0, t - leadLen)
    const result = this.opts.pool!.runOne({ spec, seed, sampleSeed, maxSteps: t, states: true, statesFrom })
    // a draw left in flight when the session stops is never awaited: its failure (the pool closing) is not news
    result.catch(() => undefined)
    return { t, seed, statesFrom, result }
  }

  private async drop(): Promise<void> {
    this.stopped = true
    this.hurry?.()
    const pending = this.ahead.splice(0)
    await Promise.all(pending.map((p) => p.catch(() => null)))
    await Promise.all(this.inflight.splice(0).map((d) => d.result.catch(() => null)))
  }
}

/**
 * Wrap a trainer so the lookahead can ask for the newest learner: it waits for an update in flight (the runner
 * with overlapTraining does not) until `hurry` settles, and builds the policy from the newest weights there are.
 */
export function trackLatestLearner(
  inner: Trainer,
  task: TaskInfo,
): { trainer: Trainer; latestLearner: (hurry?: Promise<void>) => Promise<SpecPolicy & { spec: PolicySpec }> } {
  let inflight: Promise<unknown> | null = null
  let latest: LearnerWeights | null = null
  let cached: { weights: LearnerWeights; policy: SpecPolicy & { spec: PolicySpec } } | null = null
  const trainer: Trainer = {
    get backend() {
      return inner.backend
    },
    add: (labels) => inner.add(labels),
    update(extraSteps) {
      const p = inner.update(extraSteps)
      inflight = p
      p.then(
        (u) => {
          latest = u.weights
          if (inflight === p) inflight = null
        },
        () => {
          if (inflight === p) inflight = null
        },
      )
      return p
    },
    async load(weights) {
      await inner.load(weights)
      latest = weights
    },
    async weights() {
      const w = await inner.weights()
      latest ??= w
      return w
    },
    state: () => inner.state(),
    async restore(state) {
      await inner.restore(state)
      latest = await inner.weights()
    },
    close: () => inner.close(),
  }
  const latestLearner = async (hurry?: Promise<void>): Promise<SpecPolicy & { spec: PolicySpec }> => {
    // A person slower than an update gets rollouts of the policy one label behind; one faster than an update
    // (the answer came while it ran) gets the newest finished policy at once instead of a wait between the
    // answer and the next prompt.
    let hurried = false
    void hurry?.then(() => (hurried = true))
    while (inflight && !(hurried && latest)) {
      const updated = inflight.then(
        () => undefined,
        () => undefined,
      )
      await (hurry && latest ? Promise.race([updated, hurry]) : updated)
    }
    const w = latest ?? (latest = await inner.weights())
    if (!cached || cached.weights !== w) {
      const spec = learnerSpec(w, task)
      cached = { weights: w, policy: Object.assign(policyFromSpec(spec), { spec }) }
    }
    return cached.policy
  }
  return { trainer, latestLearner }
}
