// Mean over seeds with a percentile bootstrap confidence band (the authors plot 80% bands over seeds).
import { createRng } from '../../sim/rng'

export interface Band {
  mean: number
  lo: number
  hi: number
  n: number
}

/** Bootstrap band of the mean of `values` at the given level (0.8 = 10th to 90th percentile of resampled means). */
export function bootstrapMean(values: number[], level = 0.8, resamples = 2000, seed = 1): Band {
  const n = values.length
  if (n === 0) return { mean: NaN, lo: NaN, hi: NaN, n: 0 }
  const mean = values.reduce((a, b) => a + b, 0) / n
  if (n === 1) return { mean, lo: mean, hi: mean, n }
  const rng = createRng(seed)
  const means = new Float64Array(resamples)
  for (let r = 0; r < resamples; r++) {
    let s = 0
    for (let i = 0; i < n; i++) s += values[rng.int(n)]
    means[r] = s / n
  }
  means.sort()
  const q = (p: number): number => means[Math.min(resamples - 1, Math.max(0, Math.round(p * (resamples - 1))))]
  return { mean, lo: q((1 - level) / 2), hi: q(1 - (1 - level) / 2), n }
}

/** Value of a curve (x ascending) at x by linear interpolation, held constant past its ends. */
export function interpolate(xs: number[], ys: number[], x: number): number {
  if (xs.length === 0) return NaN
  if (x <= xs[0]) return ys[0]
  for (let i = 1; i < xs.length; i++) {
    if (x <= xs[i]) {
      const f = (x - xs[i - 1]) / (xs[i] - xs[i - 1] || 1)
      return ys[i - 1] + f * (ys[i] - ys[i - 1])
    }
  }
  return ys[ys.length - 1]
}

/** Curves of several seeds on a common grid, summarised point by point. */
export function bandOverSeeds(curves: { x: number[]; y: number[] }[], grid: number[], level = 0.8): Band[] {
  return grid.map((g, i) =>
    bootstrapMean(
      curves.filter((c) => c.x.length && g <= c.x[c.x.length - 1] + 1e-9).map((c) => interpolate(c.x, c.y, g)),
      level,
      2000,
      i + 1,
    ),
  )
}
