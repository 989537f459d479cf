// DAgger, trajectory-wise: each round roll out a mixture (expert with probability beta_i, else the learner's
// sample) for a whole episode, have the oracle label the visited states (cost C each), aggregate, update.
//
// beta_i = 0: the learner drives from the first round. The usual beta_1 = 1 makes the first round an expert
// trajectory of a whole horizon, which on Hopper at C = 1 is the entire budget (one round, a curve of two
// points). From the untrained learner, whose episodes end early, DAgger takes many short rounds that grow as it
// learns: its curve has a step at the end of each round (Ross et al. 2011 allow any beta_i whose mean tends to 0).
//
// statesPerRollout m: label m states drawn uniformly without replacement from each rollout instead of all of
// them, between DAgger (all) and STAGGER (one state, one rollout per label): the trajectory-versus-state trade-off.
import {
  labelHistory,
  type Algorithm,
  type BuildAlgorithm,
  type DrawnLabel,
  type Round,
  type RoundContext,
} from '../../algorithm'
import { DaggerParams } from '../../../../shared/algorithms'

export class DAgger implements Algorithm {
  readonly name = 'dagger'
  /** trajectories rolled out so far (the beta schedule's index) */
  private rounds = 0
  constructor(
    readonly statesPerRollout: number | null = null,
    readonly betaDecay = 0,
  ) {
    if (statesPerRollout !== null && !(Number.isInteger(statesPerRollout) && statesPerRollout >= 1))
      throw new RangeError(`DAgger's states per rollout must be a whole number >= 1, got ${statesPerRollout}`)
  }

  state(): { rounds: number } {
    return { rounds: this.rounds }
  }
  restore(state: unknown): void {
    const r = (state as { rounds?: unknown } | null)?.rounds
    if (typeof r !== 'number' || !(r >= 0)) throw new RangeError('DAgger state needs a round count')
    this.rounds = r
  }

  /** beta_i = decay^(i+1): 0 throughout by default (the learner drives). */
  beta(round: number): number {
    return Math.pow(this.betaDecay, round + 1)
  }

  async round(ctx: RoundContext): Promise<Round | null> {
    if (ctx.remaining < ctx.costRatio) return null
    const beta = this.beta(this.rounds++)
    const expert = ctx.expert
    const learner = ctx.learner
    let obs = ctx.env.reset(ctx.nextSeed())
    let visited: { obs: Float64Array; state: Float64Array; step: number; history: Float64Array | null }[] = []
    const maxLabels = Math.floor(ctx.remaining / ctx.costRatio)
    // whole-trajectory DAgger stops rolling out when the budget is spent; m states are drawn from a whole episode
    const cap = this.statesPerRollout === null ? maxLabels : Infinity
    for (let k = 0; k < ctx.task.horizon && visited.length < cap; k++) {
      visited.push({ obs, state: ctx.env.getState(), step: k, history: labelHistory(ctx) })
      const useExpert = expert && beta > 0 && ctx.rng.next() < beta
      const a = useExpert ? expert.act(obs) : learner.sample ? learner.sample(obs, ctx.rng) : learner.act(obs)
      const r = ctx.env.step(a)
      if (r.terminated || r.truncated) break
      obs = r.observation
    }
    if (this.statesPerRollout !== null) {
      // m distinct steps, uniformly (a partial Fisher-Yates shuffle), labelled in time order
      const m = Math.min(this.statesPerRollout, visited.length, maxLabels)
      for (let i = 0; i < m; i++) {
        const j = i + ctx.rng.int(visited.length - i)
        ;[visited[i], visited[j]] = [visited[j], visited[i]]
      }
      visited = visited.slice(0, m).sort((a, b) => a.step - b.step)
    }
    const labels: DrawnLabel[] = []
    for (const v of visited) {
      if (ctx.signal?.aborted) break
      ctx.env.setState(v.state)
      const l = await ctx.query(v.obs, v.step, v.history ?? undefined)
      if (l) labels.push(l)
    }
    return { labels, phase: this.statesPerRollout === null ? 'trajectory' : 'states' }
  }
}

/** DAgger labelling every visited state, or the session's m random states per rollout. */
export const build: BuildAlgorithm = (config) => new DAgger(DaggerParams.parse(config.algoParams).states)
