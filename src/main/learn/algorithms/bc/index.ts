// Behaviour cloning: offline labels only, cost 1 each, until the budget is spent: the simulated expert's states
// (i.i.d. states, the authors' form, or whole trajectories) or recorded demonstrations (offline-source.ts).
import type { Algorithm, BuildAlgorithm, Round, RoundContext } from '../../algorithm'
import { ExpertStates, offlineSupply, type OfflineForm, type OfflineSupply } from '../../offline-source'

export { offlineRound, type OfflineForm } from '../../offline-source'

export class BehaviourCloning implements Algorithm {
  readonly name = 'bc'
  readonly supply: OfflineSupply
  constructor(source: OfflineForm | OfflineSupply = 'iid') {
    this.supply = typeof source === 'string' ? new ExpertStates(source) : source
  }
  async round(ctx: RoundContext): Promise<Round | null> {
    return this.supply.next(ctx, ctx.remaining)
  }
  state(): unknown {
    return this.supply.state?.() ?? null
  }
  restore(state: unknown): void {
    this.supply.restore?.(state)
  }
}

/** BC on the session's offline source (the expert's states or its demonstrations). */
export const build: BuildAlgorithm = (config, ctx) =>
  new BehaviourCloning(offlineSupply(config, ctx.offlineForm, ctx.demonstrations))
