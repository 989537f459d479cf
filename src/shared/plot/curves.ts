// Learning curves of several runs (seeds) of one configuration, summarised point by point as the mean with an
// 80% bootstrap band: the data behind every curve the CLI report and the comparison page draw.
import { bootstrapBand, type BootstrapOptions } from '../stats'

/** One run's curve: y (e.g. mean evaluation return) at ascending x (cost, labels, human seconds). */
export interface Run {
  x: readonly number[]
  y: readonly number[]
}

/** A curve ready to draw: the mean and its band at each x. */
export interface Summary {
  x: number[]
  mean: number[]
  lo: number[]
  hi: number[]
}

export interface SummaryOptions extends BootstrapOptions {
  /** more distinct x than this and the runs are summarised on an even grid of `gridPoints` instead (default 200) */
  maxPoints?: number
  gridPoints?: number
  /** between a run's points hold its last value (a staircase) instead of interpolating linearly */
  hold?: boolean
}

/**
 * Value of a curve (x ascending) at x by linear interpolation, held constant past its ends; NaN for no points.
 * hold: the value of the last point at or before x (a staircase).
 */
export function interpolate(xs: readonly number[], ys: readonly number[], x: number, hold = false): number {
  if (xs.length === 0) return NaN
  if (x <= xs[0]) return ys[0]
  for (let i = 1; i < xs.length; i++) {
    if (hold && x < xs[i]) return ys[i - 1]
    if (x <= xs[i]) {
      const f = (x - xs[i - 1]) / (xs[i] - xs[i - 1] || 1)
      return ys[i - 1] + f * (ys[i] - ys[i - 1])
    }
  }
  return ys[ys.length - 1]
}

function sameX(runs: readonly Run[]): boolean {
  const first = runs[0].x
  return runs.every((r) => r.x.length === first.length && r.x.every((v, i) => v === first[i]))
}

/**
 * Mean and bootstrap band (default 80%) over the runs at each x. Runs evaluated at the same x (one run, seeds on
 * the same evaluation schedule, or an axis where every point is 0) are summarised point by point as they are;
 * otherwise on the union of their x (or an even grid when that is long), each run interpolated and counted only
 * up to its last x. Each point's resampling has its own seed, so the result is the same on every call.
 */
export function summarizeRuns(runs: readonly Run[], options: SummaryOptions = {}): Summary {
  const { maxPoints = 200, gridPoints = 101, seed = 1, hold = false, ...boot } = options
  const live = runs.filter((r) => r.x.length > 0)
  if (live.length === 0) return { x: [], mean: [], lo: [], hi: [] }
  let grid: number[]
  let at: (r: Run, i: number, g: number) => number | null
  if (sameX(live)) {
    grid = [...live[0].x]
    at = (r, i) => r.y[i]
  } else {
    const xs = [...new Set(live.flatMap((r) => r.x))].sort((a, b) => a - b)
    const lo = xs[0]
    const hi = xs[xs.length - 1]
    grid =
      xs.length <= maxPoints
        ? xs
        : Array.from({ length: gridPoints }, (_, i) => lo + ((hi - lo) * i) / (gridPoints - 1))
    at = (r, _i, g) => (g <= r.x[r.x.length - 1] + 1e-9 ? interpolate(r.x, r.y, g, hold) : null)
  }
  const out: Summary = { x: grid, mean: [], lo: [], hi: [] }
  grid.forEach((g, i) => {
    const values = live.map((r) => at(r, i, g)).filter((v): v is number => v !== null && Number.isFinite(v))
    const b = bootstrapBand(values, { ...boot, seed: seed + i })
    out.mean.push(b.mean)
    out.lo.push(b.lo)
    out.hi.push(b.hi)
  })
  return out
}
