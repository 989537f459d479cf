// The learning curves as CSV: one row per evaluation with the settings of its session, so the file stands on
// its own. The CLI report's evaluations.csv and the comparison page's export are this one format.

export type CsvValue = string | number | null | undefined

/** A CSV field: empty for null/undefined, quoted when it holds a comma, quote or line break. */
export function csvField(v: CsvValue): string {
  if (v === null || v === undefined) return ''
  const s = String(v)
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
}

/** A header line and one line per row, each ending in a newline. */
export function toCsv(header: readonly string[], rows: readonly (readonly CsvValue[])[]): string {
  return [header, ...rows].map((r) => r.map(csvField).join(',')).join('\n') + '\n'
}

/** One evaluation of a learner during a session. */
export interface EvaluationRow {
  /** the session's id in the store, when it has one */
  session: number | null
  task: string
  algo: string
  /** WARM-STAGGER's offline fraction */
  warmFraction: number | null
  oracle: string | null
  budget: number | null
  costRatio: number | null
  seed: number | null
  labels: number
  cost: number
  humanSeconds: number
  meanReturn: number
  stdReturn: number
  /** every episode's return, when known */
  returns?: readonly number[] | null
  /** the learner's policy class as shared/policy-config.ts policyLabel names it ('mlp', 'gmm', ...), when known */
  policy?: string | null
  /** share of the episodes that succeeded; null for tasks without a success condition */
  successRate?: number | null
  /** mean of the episodes' final coverage (push-t); null for tasks without it */
  coverage?: number | null
}

export const EVALUATION_COLUMNS = [
  'session',
  'task',
  'algo',
  'warm_fraction',
  'oracle',
  'budget',
  'cost_ratio',
  'seed',
  'labels',
  'cost',
  'human_seconds',
  'mean_return',
  'std_return',
  'episodes',
  'returns',
  'policy',
  'success_rate',
  'coverage',
] as const

export function evaluationsCsv(rows: readonly EvaluationRow[]): string {
  return toCsv(
    EVALUATION_COLUMNS,
    rows.map((r) => [
      r.session,
      r.task,
      r.algo,
      r.warmFraction,
      r.oracle,
      r.budget,
      r.costRatio,
      r.seed,
      r.labels,
      r.cost,
      r.humanSeconds,
      r.meanReturn,
      r.stdReturn,
      r.returns ? r.returns.length : null,
      r.returns ? r.returns.join(' ') : null,
      r.policy,
      r.successRate,
      r.coverage,
    ]),
  )
}
