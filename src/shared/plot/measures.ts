// What a learning curve shows on its y axis: an evaluation's mean return, its success rate or (push-t) its
// coverage. On manipulation tasks success is the figure people read, so every plot that draws return against effort
// draws these too where the task reports them; success and coverage are drawn in per cent.

export type Measure = 'return' | 'success' | 'coverage'

/** An evaluation as the plots read it: the mean return and, where the task has them, the success rate and coverage. */
export interface Measured {
  meanReturn: number
  /** a share in [0, 1]; null or absent for a task without a success condition */
  successRate?: number | null
  /** a share in [0, 1]; null or absent for a task without it */
  coverage?: number | null
}

export const MEASURES: readonly { key: Measure; title: string; yLabel: string }[] = [
  { key: 'return', title: 'return', yLabel: 'mean return' },
  { key: 'success', title: 'success', yLabel: 'success (%)' },
  { key: 'coverage', title: 'coverage', yLabel: 'coverage (%)' },
]

/** A measure's title ('success') and y-axis label ('success (%)'). */
export function measureInfo(m: Measure): { title: string; yLabel: string } {
  return MEASURES.find((x) => x.key === m)!
}

/** The evaluation's value of the measure (success and coverage in per cent); null where the task does not report it. */
export function measureValue(e: Measured, m: Measure): number | null {
  if (m === 'return') return e.meanReturn
  const share = m === 'success' ? e.successRate : e.coverage
  return typeof share === 'number' ? 100 * share : null
}

/** The measures some evaluation reports, in MEASURES' order: the return always, success and coverage where given. */
export function measuresOf(evaluations: Iterable<Measured>): Measure[] {
  const seen = new Set<Measure>(['return'])
  for (const e of evaluations)
    for (const m of ['success', 'coverage'] as const) if (measureValue(e, m) !== null) seen.add(m)
  return MEASURES.map((m) => m.key).filter((k) => seen.has(k))
}
