// WARM-STAGGER: spend a fraction of the budget on offline expert states first, fit BC on them, then STAGGER.
import type { Algorithm, Round, RoundContext } from './algorithm'
import { offlineRound, type OfflineForm } from './bc'
import { staggerRound } from './stagger'

export class WarmStagger implements Algorithm {
  readonly name = 'warm-stagger'
  private switched = false

  constructor(
    readonly fraction: number,
    readonly budget: number,
    readonly form: OfflineForm = 'iid',
    /** Adam steps for the BC fit at the switch (incremental schedule) */
    readonly fitSteps = 500,
  ) {
    if (!(fraction >= 0 && fraction <= 1)) throw new RangeError(`warm fraction must be in [0, 1], got ${fraction}`)
  }

  state(): { switched: boolean } {
    return { switched: this.switched }
  }
  restore(state: unknown): void {
    const s = (state as { switched?: unknown } | null)?.switched
    if (typeof s !== 'boolean') throw new RangeError('WARM-STAGGER state needs its switch flag')
    this.switched = s
  }

  /** The offline share of the budget, in whole labels. */
  get offlineBudget(): number {
    return Math.floor(this.fraction * this.budget)
  }

  async round(ctx: RoundContext): Promise<Round | null> {
    const left = this.offlineBudget - ctx.offlineCost
    if (left >= 1) {
      const r = offlineRound({ ...ctx, remaining: Math.min(ctx.remaining, left) }, this.form)
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
