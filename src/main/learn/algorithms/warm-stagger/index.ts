// WARM-STAGGER: spend a fraction of the budget on offline labels first (the expert's states or recorded
// demonstrations), then STAGGER with the rest of the budget. Every algorithm has the same training schedule:
// no extra fit at the switch, so until the switch WARM-STAGGER's policy is BC's at that cost (an extra fit for
// one algorithm only would credit its curve with training the others never get).
import { WarmStaggerParams } from '../../../../shared/algorithms'
import type { Algorithm, BuildAlgorithm, Round, RoundContext } from '../../algorithm'
import { ExpertStates, offlineSupply, type OfflineForm, type OfflineSupply } from '../../offline-source'
import { staggerRound } from '../stagger'

export class WarmStagger implements Algorithm {
  readonly name = 'warm-stagger'
  private switched = false
  readonly supply: OfflineSupply

  constructor(
    readonly fraction: number,
    readonly budget: number,
    source: OfflineForm | OfflineSupply = 'iid',
  ) {
    if (!(fraction >= 0 && fraction <= 1)) throw new RangeError(`warm fraction must be in [0, 1], got ${fraction}`)
    this.supply = typeof source === 'string' ? new ExpertStates(source) : source
  }

  state(): { switched: boolean; offline?: unknown } {
    const offline = this.supply.state?.()
    return offline === undefined ? { switched: this.switched } : { switched: this.switched, offline }
  }
  restore(state: unknown): void {
    const s = state as { switched?: unknown; offline?: unknown } | null
    if (typeof s?.switched !== 'boolean') throw new RangeError('WARM-STAGGER state needs its switch flag')
    this.switched = s.switched
    if (this.supply.restore) this.supply.restore(s.offline)
  }

  /**
   * The state WARM-STAGGER has before its switch when BC's offline supply is in `bcState` (BehaviourCloning.state()):
   * a session forked from its BC twin continues from it (shared/warm-fork.ts).
   */
  static beforeSwitch(bcState: unknown): { switched: false; offline?: unknown } {
    return bcState === null || bcState === undefined ? { switched: false } : { switched: false, offline: bcState }
  }

  /** The offline share of the budget, in whole labels. */
  get offlineBudget(): number {
    return Math.floor(this.fraction * this.budget)
  }

  async round(ctx: RoundContext): Promise<Round | null> {
    const left = this.offlineBudget - ctx.offlineCost
    if (left >= 1 && !this.switched) {
      const r = this.supply.next(ctx, left)
      if (r) return r
    }
    this.switched = true
    return staggerRound(ctx)
  }
}

/** WARM-STAGGER with the session's fraction of its budget drawn from its offline source first. */
export const build: BuildAlgorithm = (config, ctx) =>
  new WarmStagger(
    WarmStaggerParams.parse(config.algoParams).fraction,
    config.budget,
    offlineSupply(config, ctx.offlineForm, ctx.demonstrations),
  )
