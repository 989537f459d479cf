// The CostLedger: what every label cost. Offline labels (i.i.d. expert states, recorded demonstrations) cost 1
// each; interactive labels (queries, interventions) cost C. Human answers also carry the seconds taken.
import type { LabelSource } from '../../shared/contract'

export interface LedgerEntry {
  source: LabelSource
  cost: number
  humanSeconds: number | null
}

export interface LedgerTotals {
  labels: number
  cost: number
  humanSeconds: number
  bySource: Partial<Record<LabelSource, { labels: number; cost: number }>>
}

const OFFLINE: ReadonlySet<LabelSource> = new Set<LabelSource>(['offline', 'demonstration'])

export class CostLedger {
  private readonly entries: LedgerEntry[] = []
  private totalCost = 0
  private seconds = 0

  constructor(readonly costRatio: number) {
    if (!(costRatio > 0)) throw new RangeError(`cost ratio must be positive, got ${costRatio}`)
  }

  static isOffline(source: LabelSource): boolean {
    return OFFLINE.has(source)
  }

  /** The cost of one label from this source: 1 offline, C interactive. */
  costOf(source: LabelSource): number {
    return OFFLINE.has(source) ? 1 : this.costRatio
  }

  /** Record a label; its cost is set by its source. Returns the entry. */
  record(source: LabelSource, humanSeconds: number | null = null): LedgerEntry {
    const e: LedgerEntry = { source, cost: this.costOf(source), humanSeconds }
    this.entries.push(e)
    this.totalCost += e.cost
    this.seconds += humanSeconds ?? 0
    return e
  }

  /** Rebuild from stored labels (resume), trusting the costs they were stored with. */
  restore(entries: ReadonlyArray<LedgerEntry>): void {
    for (const e of entries) {
      this.entries.push({ source: e.source, cost: e.cost, humanSeconds: e.humanSeconds })
      this.totalCost += e.cost
      this.seconds += e.humanSeconds ?? 0
    }
  }

  get labels(): number {
    return this.entries.length
  }
  get cost(): number {
    return this.totalCost
  }
  get humanSeconds(): number {
    return this.seconds
  }

  /** Cost spent on labels of the given sources. */
  costFrom(...sources: LabelSource[]): number {
    let c = 0
    for (const e of this.entries) if (sources.includes(e.source)) c += e.cost
    return c
  }

  totals(): LedgerTotals {
    const bySource: LedgerTotals['bySource'] = {}
    for (const e of this.entries) {
      const s = (bySource[e.source] ??= { labels: 0, cost: 0 })
      s.labels++
      s.cost += e.cost
    }
    return { labels: this.labels, cost: this.cost, humanSeconds: this.seconds, bySource }
  }
}
