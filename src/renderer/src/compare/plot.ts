// Learning curves for the comparison view: return against the effort axes (cumulative cost, labels, human
// seconds), as plain data for an SVG drawn by hand, plus the CSV export. No DOM here, so it is unit-testable.
import type { EvaluationPoint, SessionInfo } from '../../../shared/contract'

export type EffortAxis = 'cost' | 'labels' | 'humanSeconds'
export const EFFORT_AXES: { key: EffortAxis; title: string }[] = [
  { key: 'cost', title: 'cumulative cost' },
  { key: 'labels', title: 'labels' },
  { key: 'humanSeconds', title: 'human seconds' },
]

export interface Curve {
  session: SessionInfo
  points: EvaluationPoint[]
}

export const PALETTE = ['#5aa0ff', '#f0a040', '#6fdc83', '#e86fa8', '#b39bff', '#ffd54f', '#4dd0e1', '#ff8a65']

export function curveName(s: SessionInfo): string {
  const warm = s.algo === 'warm-stagger' && s.warmFraction !== null ? ` ${s.warmFraction}` : ''
  return `#${s.id} ${s.algo}${warm} · ${s.oracle} · ${s.taskId}`
}

/** "Nice" tick values covering [lo, hi] (1, 2, 5 times a power of ten). */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return [0, 1]
  if (hi - lo < 1e-12) {
    const pad = Math.abs(lo) > 0 ? Math.abs(lo) * 0.1 : 1
    lo -= pad
    hi += pad
  }
  const raw = (hi - lo) / Math.max(1, count)
  const mag = 10 ** Math.floor(Math.log10(raw))
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag
  const first = Math.floor(lo / step) * step
  const last = Math.ceil(hi / step) * step // the axis always reaches past the data
  const ticks: number[] = []
  for (let k = 0; first + k * step <= last + step * 1e-6; k++) ticks.push(Number((first + k * step).toPrecision(12)))
  return ticks
}

export interface PanelLayout {
  width: number
  height: number
  left: number
  right: number
  top: number
  bottom: number
}

export interface Panel {
  axis: EffortAxis
  title: string
  /** every point sits at x = 0 (e.g. human seconds of sessions with a simulated oracle) */
  flat: boolean
  xTicks: { value: number; x: number }[]
  yTicks: { value: number; y: number }[]
  series: { name: string; color: string; path: string; band: string; dots: { x: number; y: number }[] }[]
}

export function buildPanel(curves: Curve[], axis: EffortAxis, layout: PanelLayout): Panel {
  const xs = curves.flatMap((c) => c.points.map((p) => p[axis]))
  const ys = curves.flatMap((c) => c.points.flatMap((p) => [p.meanReturn - p.stdReturn, p.meanReturn + p.stdReturn]))
  const xTicksV = niceTicks(Math.min(0, ...xs), xs.length ? Math.max(...xs) : 1)
  const yTicksV = niceTicks(ys.length ? Math.min(...ys) : 0, ys.length ? Math.max(...ys) : 1)
  const x0 = xTicksV[0]
  const x1 = xTicksV[xTicksV.length - 1]
  const y0 = yTicksV[0]
  const y1 = yTicksV[yTicksV.length - 1]
  const w = layout.width - layout.left - layout.right
  const h = layout.height - layout.top - layout.bottom
  const sx = (v: number): number => layout.left + ((v - x0) / (x1 - x0 || 1)) * w
  const sy = (v: number): number => layout.top + h - ((v - y0) / (y1 - y0 || 1)) * h
  const f = (v: number): string => v.toFixed(1)
  const series = curves.map((c, i) => {
    const pts = [...c.points].sort((a, b) => a[axis] - b[axis])
    const path = pts.map((p, k) => `${k ? 'L' : 'M'}${f(sx(p[axis]))},${f(sy(p.meanReturn))}`).join(' ')
    const upper = pts.map((p) => `${f(sx(p[axis]))},${f(sy(p.meanReturn + p.stdReturn))}`)
    const lower = pts.map((p) => `${f(sx(p[axis]))},${f(sy(p.meanReturn - p.stdReturn))}`).reverse()
    const band = pts.length > 1 ? `M${upper.join(' L')} L${lower.join(' L')} Z` : ''
    return {
      name: curveName(c.session),
      color: PALETTE[i % PALETTE.length],
      path,
      band,
      dots: pts.map((p) => ({ x: sx(p[axis]), y: sy(p.meanReturn) })),
    }
  })
  return {
    axis,
    flat: xs.length > 0 && xs.every((x) => x === 0),
    title: EFFORT_AXES.find((a) => a.key === axis)?.title ?? axis,
    xTicks: xTicksV.map((value) => ({ value, x: sx(value) })),
    yTicks: yTicksV.map((value) => ({ value, y: sy(value) })),
    series,
  }
}

function csvField(v: string | number | null): string {
  if (v === null) return ''
  const s = String(v)
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
}

/** One row per evaluation point, with the session's settings so the file stands on its own. */
export function curvesCsv(curves: Curve[]): string {
  const head = ['session', 'task', 'algo', 'warm_fraction', 'oracle', 'budget', 'cost_ratio', 'seed', 'labels', 'cost', 'human_seconds', 'mean_return', 'std_return']
  const rows = [head.join(',')]
  for (const c of curves) {
    const s = c.session
    for (const p of c.points) {
      rows.push(
        [s.id, s.taskId, s.algo, s.warmFraction, s.oracle, s.budget, s.costRatio, s.seed, p.labels, p.cost, p.humanSeconds, p.meanReturn, p.stdReturn]
          .map(csvField)
          .join(','),
      )
    }
  }
  return rows.join('\n') + '\n'
}

export interface SummaryRow {
  session: SessionInfo
  evaluations: number
  finalReturn: number | null
  bestReturn: number | null
}

export function summarize(curves: Curve[]): SummaryRow[] {
  return curves.map((c) => {
    const byCost = [...c.points].sort((a, b) => a.cost - b.cost)
    return {
      session: c.session,
      evaluations: c.points.length,
      finalReturn: byCost.length ? byCost[byCost.length - 1].meanReturn : null,
      bestReturn: byCost.length ? Math.max(...byCost.map((p) => p.meanReturn)) : null,
    }
  })
}
