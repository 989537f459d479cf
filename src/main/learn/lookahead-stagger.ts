// STAGGER with a lookahead rollout, for a person as the oracle: while the person answers query k, the next
// query's rollout already runs (in slices, so the thread keeps serving messages), with the newest policy there
// is at that moment. When the answer is committed the next prompt is ready at once instead of after an update
// and up to H steps of simulation (p95 of ~1 s on Hopper on these machines, against the 150 ms target).
//
// The one departure from STAGGER as published: query k+1's state is drawn from the rollout distribution of
// the policy trained on the labels before query k (one label behind), because the rollout runs while label k
// is still being answered (two behind when the answer to k comes before the update for k-1 is done: the rollout
// then starts at once rather than wait for it). The draw itself is STAGGER's: t ~ U{1..H-1} from a fresh seeded reset, redrawn
// with no label and no cost when the episode ends before t (Gymnasium's truncation at t counts as reached).
import type { TaskInfo } from '../../shared/contract'
import type { Env, Policy } from '../sim/env'
import { policyFromSpec, type MlpWeights, type SpecPolicy } from '../sim/policy-spec'
import type { Trainer } from './trainer'
import { learnerSpec, type Algorithm, type Round, type RoundContext } from './algorithm'
import type { StateHistory } from './human-oracle'

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
  latestLearner: (
    hurry?: Promise<void>,
  ) => Promise<Policy & { sample?: (obs: Float64Array, rng: RoundContext['rng']) => Float64Array }>
  /** the rollout env's state history (withStateHistory), refilled with the candidate's lead-up states */
  history?: Pick<StateHistory, 'push' | 'clear'>
  /** env steps between yields to the event loop */
  sliceSteps?: number
  leadSeconds?: number
}

const yieldNow = (): Promise<void> => new Promise((r) => setImmediate(r))

export class LookaheadStagger implements Algorithm {
  readonly name = 'stagger'
  private next: Promise<LookaheadCandidate | null> | null = null
  private stopped = false
  /** settles the pending rollout's wait for a fresher learner */
  private hurry: (() => void) | null = null
  /** the candidate rollouts and redraws done (for benches and tests) */
  rollouts = 0
  redraws = 0

  constructor(private readonly opts: LookaheadOptions) {}

  async round(ctx: RoundContext): Promise<Round | null> {
    if (ctx.remaining < ctx.costRatio) {
      await this.drop()
      return null
    }
    this.hurry?.()
    this.hurry = null
    const candidate = await (this.next ?? this.prepare(ctx))
    this.next = null
    if (!candidate) return null // aborted
    // The runner queries the state its env is at: put the env there, with the rollout's last second behind it.
    ctx.env.setState(candidate.state)
    if (this.opts.history) {
      this.opts.history.clear()
      for (const s of candidate.lead) this.opts.history.push(s)
      this.opts.history.push(candidate.state)
    }
    // While the person answers this one, roll out for the next.
    this.next = this.prepare(ctx)
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
      return { t, observation: Float64Array.from(obs), state, lead: ring, seed }
    }
  }

  private async drop(): Promise<void> {
    this.stopped = true
    this.hurry?.()
    const n = this.next
    this.next = null
    if (n) await n.catch(() => null)
  }
}

/**
 * Wrap a trainer so the lookahead can ask for the newest learner: it waits for an update in flight (the runner
 * with overlapTraining does not) until `hurry` settles, and builds the policy from the newest weights there are.
 */
export function trackLatestLearner(
  inner: Trainer,
  task: TaskInfo,
): { trainer: Trainer; latestLearner: () => Promise<SpecPolicy> } {
  let inflight: Promise<unknown> | null = null
  let latest: MlpWeights | null = null
  let cached: { weights: MlpWeights; policy: SpecPolicy } | null = null
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
  const latestLearner = async (hurry?: Promise<void>): Promise<SpecPolicy> => {
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
    if (!cached || cached.weights !== w) cached = { weights: w, policy: policyFromSpec(learnerSpec(w, task)) }
    return cached.policy
  }
  return { trainer, latestLearner }
}
