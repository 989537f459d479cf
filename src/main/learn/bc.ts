// Behaviour cloning's data: offline expert labels, cost 1 each, in one of two forms.
//  - 'iid' (the authors'): one state drawn uniformly from one expert trajectory per label.
//  - 'trajectories': every state of whole expert demonstrations (what teleoperated recordings give).
import type { Algorithm, Round, RoundContext } from './algorithm'
import { offlineLabel } from './algorithm'

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
        return { labels: [offlineLabel(ctx, seen[i].obs, i, 'offline')], phase: 'offline' }
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

export class BehaviourCloning implements Algorithm {
  readonly name = 'bc'
  constructor(readonly form: OfflineForm = 'iid') {}
  async round(ctx: RoundContext): Promise<Round | null> {
    return offlineRound(ctx, this.form)
  }
}
