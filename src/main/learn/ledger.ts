// The CostLedger: what every label cost. Offline labels (i.i.d. expert states, recorded demonstrations) cost 1
// each; interactive labels (queries, interventions) cost C. Human answers also carry the seconds taken. The
// learner's own steps in a takeover session (source 'policy', kept for IWR and the person's reaction delay) cost
// nothing and are no label a person or the expert gave: they are rows, not counted among the labels.
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
  private given = 0

  constructor(readonly costRatio: number) {
    if (!(costRatio > 0)) throw new RangeError(`cost ratio must be positive, got ${costRatio}`)
  }

  static isOffline(source: LabelSource): boolean {
    return OFFLINE.has(source)
  }

  /** The cost of one label from this source: 1 offline, C interactive. */
  costOf(source: LabelSource): number {
    return source === 'policy' ? 0 : OFFLINE.has(source) ? 1 : this.costRatio
  }

  /** Record a label; its cost is set by its source. Returns the entry. */
  record(source: LabelSource, humanSeconds: number | null = null): LedgerEntry {
    const e: LedgerEntry = { source, cost: this.costOf(source), humanSeconds }
    this.entries.push(e)
    this.count(e)
    return e
  }

  /** Rebuild from stored labels (resume), trusting the costs they were stored with. */
  restore(entries: ReadonlyArray<LedgerEntry>): void {
    for (const e of entries) {
      const x = { source: e.source, cost: e.cost, humanSeconds: e.humanSeconds }
      this.entries.push(x)
      this.count(x)
    }
  }

  private count(e: LedgerEntry): void {
    this.totalCost += e.cost
    this.seconds += e.humanSeconds ?? 0
    if (e.source !== 'policy') this.given++
  }

  /** labels given (by the expert or a person): every row but the learner's own steps */
  get labels(): number {
    return this.given
  }
  /** every row stored, the learner's own steps included (what a checkpoint counts) */
  get rows(): number {
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
