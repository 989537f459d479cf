// The few statistics the workbench reports: mean and (population) standard deviation of evaluation returns,
// quantiles, and a seeded percentile bootstrap band of the mean (the authors plot 80% bands over seeds).
// Plain TypeScript, no DOM and no Node: the CLI report and the page both use it.
import { createRng } from './rng'

/** Sum of the values (0 for none). */
export function sum(values: readonly number[]): number {
  let s = 0
  for (const v of values) s += v
  return s
}

/** Arithmetic mean; 0 for no values (an evaluation without episodes records 0, as the store always has). */
export function mean(values: readonly number[]): number {
  return values.length ? sum(values) / values.length : 0
}

/** Population standard deviation (divides by n, like numpy's default); 0 for no values. */
export function std(values: readonly number[]): number {
  return meanStd(values).std
}

/** Mean and population standard deviation in one pass over the mean; both 0 for no values. */
export function meanStd(values: readonly number[]): { mean: number; std: number } {
  if (values.length === 0) return { mean: 0, std: 0 }
  const m = mean(values)
  let ss = 0
  for (const v of values) ss += (v - m) ** 2
  return { mean: m, std: Math.sqrt(ss / values.length) }
}

/** The q-quantile (0 <= q <= 1) of values already sorted ascending, interpolating linearly between order statistics. */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length
  if (n === 0) return NaN
  const h = (n - 1) * Math.min(1, Math.max(0, q))
  const i = Math.floor(h)
  return i + 1 < n ? sorted[i] + (h - i) * (sorted[i + 1] - sorted[i]) : sorted[n - 1]
}

/**
 * The q-quantile of values (any order), by linear interpolation between order statistics: numpy's default
 * ("linear", R's type 7). NaN for no values.
 */
export function quantile(values: readonly number[], q: number): number {
  return quantileSorted(Float64Array.from(values).sort(), q)
}

export interface Band {
  mean: number
  lo: number
  hi: number
  /** how many values the band summarises */
  n: number
}

export interface BootstrapOptions {
  /** coverage of the band: 0.8 gives the 10th to 90th percentile of the resampled means (default 0.8) */
  level?: number
  /** how many resamples (default 2000) */
  resamples?: number
  /** seed of the resampling, so a report comes out the same every time (default 1) */
  seed?: number
}

/**
 * Percentile bootstrap band of the mean of values: the values are resampled with replacement `resamples` times
 * and the band spans the central `level` of the resampled means. One value gives a band of width 0; none gives
 * NaN throughout.
 */
export function bootstrapBand(values: readonly number[], options: BootstrapOptions = {}): Band {
  const { level = 0.8, resamples = 2000, seed = 1 } = options
  const n = values.length
  if (n === 0) return { mean: NaN, lo: NaN, hi: NaN, n: 0 }
  const m = mean(values)
  if (n === 1) return { mean: m, lo: m, hi: m, n }
  const rng = createRng(seed)
  const means = new Float64Array(resamples)
  for (let r = 0; r < resamples; r++) {
    let s = 0
    for (let i = 0; i < n; i++) s += values[rng.int(n)]
    means[r] = s / n
  }
  means.sort()
  const tail = (1 - level) / 2
  return { mean: m, lo: quantileSorted(means, tail), hi: quantileSorted(means, 1 - tail), n }
}

/**
 * Percentile bootstrap band of any statistic of several independent samples (e.g. a ratio of two means):
 * each sample is resampled with replacement on its own, `resamples` times, and the band spans the central
 * `level` of the statistic's values. NaN throughout when a sample is empty.
 */
export function bootstrapStatisticBand<T>(
  samples: readonly (readonly T[])[],
  statistic: (samples: readonly (readonly T[])[]) => number,
  options: BootstrapOptions = {},
): Band {
  const { level = 0.8, resamples = 2000, seed = 1 } = options
  const n = Math.min(...samples.map((s) => s.length))
  if (n === 0) return { mean: NaN, lo: NaN, hi: NaN, n: 0 }
  const value = statistic(samples)
  const rng = createRng(seed)
  const values: number[] = []
  for (let r = 0; r < resamples; r++) {
    const v = statistic(samples.map((s) => Array.from(s, () => s[rng.int(s.length)])))
    if (Number.isFinite(v)) values.push(v)
  }
  const sorted = Float64Array.from(values).sort()
  const tail = (1 - level) / 2
  return { mean: value, lo: quantileSorted(sorted, tail), hi: quantileSorted(sorted, 1 - tail), n }
}
