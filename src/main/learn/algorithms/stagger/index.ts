// STAGGER (state-wise DAgger): each round roll the current learner out from reset, draw t ~ U{1..H-1}; if the
// episode ended before t, redraw (no label, no cost); otherwise query the oracle at s_t (cost C), add, update.
import type { Algorithm, BuildAlgorithm, Round, RoundContext } from '../../algorithm'
import { rollTo } from '../../algorithm'

export async function staggerRound(ctx: RoundContext): Promise<Round | null> {
  if (ctx.remaining < ctx.costRatio) return null
  const H = ctx.task.horizon
  const t = 1 + ctx.rng.int(H - 1)
  const learner = ctx.learner
  const sample = learner.sample ? (o: Float64Array) => learner.sample!(o, ctx.rng) : (o: Float64Array) => learner.act(o)
  const reached = rollTo(ctx, sample, t)
  if (!reached.obs) return { labels: [], phase: 'redraw' }
  const label = await ctx.query(reached.obs, t)
  return { labels: label ? [label] : [], phase: label ? 'interactive' : 'abandoned' }
}

export class Stagger implements Algorithm {
  readonly name = 'stagger'
  async round(ctx: RoundContext): Promise<Round | null> {
    return staggerRound(ctx)
  }
}

export const build: BuildAlgorithm = () => new Stagger()
