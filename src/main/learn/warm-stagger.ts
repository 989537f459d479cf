// WARM-STAGGER: spend a fraction of the budget on offline labels first (the expert's states or recorded
// demonstrations), fit BC on them, then STAGGER with the rest of the budget.
import type { Algorithm, Round, RoundContext } from './algorithm'
import { ExpertStates, type OfflineForm, type OfflineSupply } from './offline-source'
import { staggerRound } from './stagger'

export class WarmStagger implements Algorithm {
  readonly name = 'warm-stagger'
  private switched = false
  readonly supply: OfflineSupply

  constructor(
    readonly fraction: number,
    readonly budget: number,
    source: OfflineForm | OfflineSupply = 'iid',
    /** Adam steps for the BC fit at the switch (incremental schedule) */
    readonly fitSteps = 500,
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
    if (!this.switched) {
      this.switched = true
      // Resuming after the switch must not fit again: only fit when offline data was just finished.
      if (ctx.offlineCost > 0 && ctx.interactiveCost === 0)
        return { labels: [], extraSteps: this.fitSteps, phase: 'bc-fit' }
    }
    return staggerRound(ctx)
  }
}
