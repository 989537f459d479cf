// DAgger, trajectory-wise: each round roll out a mixture (expert with probability beta_i, else the learner's
// sample) for a whole episode, have the oracle label every visited state (cost C each), aggregate, update.
// beta_i = decay^i, so the first round follows the expert (the usual beta_1 = 1).
import type { Algorithm, DrawnLabel, Round, RoundContext } from './algorithm'

export class DAgger implements Algorithm {
  readonly name = 'dagger'
  /** trajectories rolled out so far (the beta schedule's index) */
  private rounds = 0
  constructor(readonly betaDecay = 0.5) {}

  state(): { rounds: number } {
    return { rounds: this.rounds }
  }
  restore(state: unknown): void {
    const r = (state as { rounds?: unknown } | null)?.rounds
    if (typeof r !== 'number' || !(r >= 0)) throw new RangeError('DAgger state needs a round count')
    this.rounds = r
  }

  beta(round: number): number {
    return Math.pow(this.betaDecay, round)
  }

  async round(ctx: RoundContext): Promise<Round | null> {
    if (ctx.remaining < ctx.costRatio) return null
    const beta = this.beta(this.rounds++)
    const expert = ctx.expert
    const learner = ctx.learner
    let obs = ctx.env.reset(ctx.nextSeed())
    const visited: { obs: Float64Array; state: Float64Array; step: number }[] = []
    const maxLabels = Math.floor(ctx.remaining / ctx.costRatio)
    for (let k = 0; k < ctx.task.horizon && visited.length < maxLabels; k++) {
      visited.push({ obs, state: ctx.env.getState(), step: k })
      const useExpert = expert && ctx.rng.next() < beta
      const a = useExpert ? expert.act(obs) : learner.sample ? learner.sample(obs, ctx.rng) : learner.act(obs)
      const r = ctx.env.step(a)
      if (r.terminated || r.truncated) break
      obs = r.observation
    }
    const labels: DrawnLabel[] = []
    for (const v of visited) {
      if (ctx.signal?.aborted) break
      ctx.env.setState(v.state)
      const l = await ctx.query(v.obs, v.step)
      if (l) labels.push(l)
    }
    return { labels, phase: 'trajectory' }
  }
}
