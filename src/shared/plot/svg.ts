// Line plots with shaded bands as SVG text: one or more panels side by side, round axis ticks, a legend to the
// right or below, an optional dashed reference line. The CLI report writes it to files (and renders it to PNG);
// the comparison page shows it inline and exports it. Pure string building, no DOM.

/** One curve: the mean and its band at each x (points with a non-finite mean are skipped). */
export interface Series {
  name: string
  color: string
  x: readonly number[]
  mean: readonly number[]
  lo: readonly number[]
  hi: readonly number[]
  /** draw as a staircase: each value held until the next x (a policy that changes only there, e.g. DAgger's rounds) */
  step?: boolean
}

/** The points of a staircase: before each x, the previous value held up to it. */
function stepwise(s: Series): Series {
  const out = { ...s, x: [] as number[], mean: [] as number[], lo: [] as number[], hi: [] as number[] }
  for (let i = 0; i < s.x.length; i++) {
    if (i > 0) {
      out.x.push(s.x[i])
      out.mean.push(s.mean[i - 1])
      out.lo.push(s.lo[i - 1])
      out.hi.push(s.hi[i - 1])
    }
    out.x.push(s.x[i])
    out.mean.push(s.mean[i])
    out.lo.push(s.lo[i])
    out.hi.push(s.hi[i])
  }
  return out
}

export interface PlotPanel {
  /** bold title above the plot area */
  title?: string
  xLabel: string
  /** rotated label left of the y axis */
  yLabel?: string
  /** 'zero' (default): x from 0, for curves against effort; 'data': the points' own range, padded (a setting swept) */
  xFrom?: 'zero' | 'data'
  /** pixels between the series side by side (default 0): bands of series measured at the same x stay apart */
  dodge?: number
  series: readonly Series[]
  /** a dashed horizontal reference (e.g. the expert's return) */
  reference?: { y: number; label: string }
  /** grey text at the top of the plot area (e.g. why the panel is empty or flat) */
  note?: string
  /** written as the panel group's data-axis attribute */
  id?: string
}

export interface Figure {
  /** title across the top of the figure */
  title?: string
  panels: readonly PlotPanel[]
  /** size of each panel (default 570 x 440) */
  panelWidth?: number
  panelHeight?: number
  /** 'right' (a column beside the panels, default), 'below' (rows under them) or 'none' */
  legend?: 'right' | 'below' | 'none'
  /** width of the legend column on the right (default 260) */
  legendWidth?: number
  /** entries per row of a legend below (default 2) */
  legendColumns?: number
  /** draw a dot at each point of curves with at most this many points (default 60) */
  markersUpTo?: number
  fontFamily?: string
  /** extra attributes on the <svg> element, e.g. data-testid, role, aria-label */
  attributes?: Record<string, string>
}

/** Line colours, in order (matplotlib's, which read well on white). */
export const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf']

export function colorAt(i: number): string {
  return PALETTE[((i % PALETTE.length) + PALETTE.length) % PALETTE.length]
}

/** Round tick values (1, 2, 2.5 or 5 times a power of ten) inside [lo, hi], about `count` of them. */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return []
  if (!(hi > lo)) return [lo]
  const raw = (hi - lo) / Math.max(1, count)
  const mag = 10 ** Math.floor(Math.log10(raw))
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw * (1 - 1e-9)) ?? 10 * mag
  const ticks: number[] = []
  for (let v = Math.ceil(lo / step - 1e-9) * step; v <= hi + step * 1e-9; v += step)
    ticks.push(Number(v.toPrecision(12)))
  return ticks
}

/** [lo, hi] widened to a range a plot can show: a point becomes an interval, and `pad` of the width is added. */
export function axisRange(lo: number, hi: number, pad = 0): [number, number] {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return [0, 1]
  if (hi - lo < 1e-12) {
    const d = Math.abs(lo) > 0 ? Math.abs(lo) * 0.1 : 1
    return [lo - d, hi + d]
  }
  return [lo - pad * (hi - lo), hi + pad * (hi - lo)]
}

/** A tick label: 12k, 340, 2.5, 0.05. */
export function formatTick(v: number): string {
  const a = Math.abs(v)
  if (a >= 10000) return `${(v / 1000).toFixed(0)}k`
  if (a >= 100) return v.toFixed(0)
  if (a >= 1) return String(Number(v.toFixed(2)))
  return String(Number(v.toPrecision(2)))
}

/** Text for an XML text node or a double-quoted attribute. */
export function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
}

const MARGIN = { left: 60, right: 16, bottom: 44 }
const TITLE_H = 30
const LEGEND_ROW = 20

function topMargin(p: PlotPanel): number {
  return p.title ? 30 : 14
}

/** The legend's entries: each series name once, in order of first appearance. */
export function legendEntries(fig: Figure): { name: string; color: string }[] {
  const seen = new Map<string, string>()
  for (const p of fig.panels) for (const s of p.series) if (!seen.has(s.name)) seen.set(s.name, s.color)
  return [...seen].map(([name, color]) => ({ name, color }))
}

/** Size of the whole figure in px. */
export function figureSize(fig: Figure): { width: number; height: number } {
  const pw = fig.panelWidth ?? 570
  const ph = fig.panelHeight ?? 440
  const legend = fig.legend ?? 'right'
  const n = legendEntries(fig).length
  const top = fig.title ? TITLE_H : 0
  const width = pw * fig.panels.length + (legend === 'right' ? (fig.legendWidth ?? 260) : 0)
  const below =
    legend === 'below' ? LEGEND_ROW * Math.ceil(Math.max(1, n) / Math.max(1, fig.legendColumns ?? 2)) + 8 : 0
  const height = top + Math.max(ph, legend === 'right' ? 10 + n * LEGEND_ROW : 0) + below
  return { width, height }
}

const f1 = (v: number): string => (Math.round(v * 10) / 10).toString()

function finiteRange(values: number[], fallback: [number, number]): [number, number] {
  const v = values.filter(Number.isFinite)
  return v.length ? [Math.min(...v), Math.max(...v)] : fallback
}

function panelSvg(p: PlotPanel, pw: number, ph: number, markersUpTo: number): string[] {
  const top = topMargin(p)
  const L = MARGIN.left
  const R = pw - MARGIN.right
  const B = ph - MARGIN.bottom
  const xs = p.series.flatMap((s) => s.x.filter((_, i) => Number.isFinite(s.mean[i])))
  const ys = p.series.flatMap((s) =>
    s.x.flatMap((_, i) => (Number.isFinite(s.mean[i]) ? [s.mean[i], s.lo[i], s.hi[i]] : [])),
  )
  if (p.reference) ys.push(p.reference.y)
  const [xmin, xmax] = finiteRange(xs, [0, 1])
  const [ymin, ymax] = finiteRange(ys, [0, 1])
  // x from 0 (no effort yet) to the last point, or the swept setting's own range; y padded so the curves clear the frame
  const [x0, x1] = p.xFrom === 'data' ? axisRange(xmin, xmax, 0.05) : axisRange(Math.min(0, xmin), xmax)
  const [y0, y1] = axisRange(ymin, ymax, 0.05)
  const xt = niceTicks(x0, x1)
  const yt = niceTicks(y0, y1)
  const Xaxis = (v: number): number => L + ((v - x0) / (x1 - x0)) * (R - L)
  const Y = (v: number): number => B - ((v - y0) / (y1 - y0)) * (B - top)
  const out: string[] = []
  if (p.title)
    out.push(`<text x="${L}" y="19" font-size="13" font-weight="bold" fill="#1d2430">${escapeXml(p.title)}</text>`)
  for (const t of yt) {
    out.push(`<line x1="${L}" x2="${R}" y1="${f1(Y(t))}" y2="${f1(Y(t))}" stroke="#e3e8ee"/>`)
    out.push(
      `<text x="${L - 6}" y="${f1(Y(t) + 4)}" font-size="10" text-anchor="end" fill="#4a5664">${formatTick(t)}</text>`,
    )
  }
  for (const t of xt) {
    out.push(`<line x1="${f1(Xaxis(t))}" x2="${f1(Xaxis(t))}" y1="${top}" y2="${B + 4}" stroke="#e3e8ee"/>`)
    out.push(
      `<text x="${f1(Xaxis(t))}" y="${B + 16}" font-size="10" text-anchor="middle" fill="#4a5664">${formatTick(t)}</text>`,
    )
  }
  out.push(`<rect x="${L}" y="${top}" width="${R - L}" height="${B - top}" fill="none" stroke="#9aa6b4"/>`)
  out.push(
    `<text x="${f1((L + R) / 2)}" y="${ph - 10}" font-size="11" text-anchor="middle" fill="#1d2430">${escapeXml(p.xLabel)}</text>`,
  )
  if (p.yLabel) {
    const cy = f1((top + B) / 2)
    out.push(
      `<text x="14" y="${cy}" transform="rotate(-90 14 ${cy})" font-size="11" text-anchor="middle" fill="#1d2430">${escapeXml(p.yLabel)}</text>`,
    )
  }
  if (p.reference && Number.isFinite(p.reference.y)) {
    const y = f1(Y(p.reference.y))
    out.push(
      `<line class="reference" x1="${L}" x2="${R}" y1="${y}" y2="${y}" stroke="#555555" stroke-width="1.5" stroke-dasharray="6 4"/>`,
    )
    out.push(
      `<text x="${R - 4}" y="${f1(Y(p.reference.y) - 5)}" font-size="11" text-anchor="end" fill="#555555">${escapeXml(p.reference.label)}</text>`,
    )
  }
  for (const [k, given] of p.series.entries()) {
    const s = given.step ? stepwise(given) : given
    const dx = (p.dodge ?? 0) * (k - (p.series.length - 1) / 2)
    const X = (v: number): number => Xaxis(v) + dx
    const idx = s.x.map((_, i) => i).filter((i) => Number.isFinite(s.mean[i]))
    if (idx.length === 0) continue
    out.push(`<g class="series" data-series="${escapeXml(s.name)}">`)
    const banded = idx.filter((i) => Number.isFinite(s.lo[i]) && Number.isFinite(s.hi[i]))
    if (banded.length > 1 && banded.some((i) => s.hi[i] > s.lo[i])) {
      const upper = banded.map((i) => `${f1(X(s.x[i]))},${f1(Y(s.hi[i]))}`)
      const lower = banded.map((i) => `${f1(X(s.x[i]))},${f1(Y(s.lo[i]))}`).reverse()
      out.push(
        `<polygon class="band" points="${[...upper, ...lower].join(' ')}" fill="${s.color}" fill-opacity="0.18" stroke="none"/>`,
      )
    }
    // a lone point's band is an error bar: a polygon of one point has no area
    if (banded.length === 1 && s.hi[banded[0]] > s.lo[banded[0]]) {
      const [i] = banded
      out.push(
        `<line class="band" x1="${f1(X(s.x[i]))}" x2="${f1(X(s.x[i]))}" y1="${f1(Y(s.hi[i]))}" y2="${f1(Y(s.lo[i]))}" stroke="${s.color}" stroke-opacity="0.45" stroke-width="6"/>`,
      )
    }
    const d = idx.map((i, k) => `${k ? ' L' : 'M'}${f1(X(s.x[i]))},${f1(Y(s.mean[i]))}`).join('')
    out.push(`<path class="curve" d="${d}" fill="none" stroke="${s.color}" stroke-width="2"/>`)
    if (idx.length <= markersUpTo)
      for (const i of given.step ? idx.filter((i, k) => k % 2 === 0) : idx)
        out.push(`<circle cx="${f1(X(s.x[i]))}" cy="${f1(Y(s.mean[i]))}" r="2.5" fill="${s.color}"/>`)
    out.push('</g>')
  }
  if (p.note)
    out.push(
      `<text x="${f1((L + R) / 2)}" y="${top + 16}" font-size="11" text-anchor="middle" fill="#8794a3">${escapeXml(p.note)}</text>`,
    )
  return out
}

/** The figure as a standalone SVG document (no XML prolog, so it can also be put inline in HTML). */
export function renderFigure(fig: Figure): string {
  const { width, height } = figureSize(fig)
  const pw = fig.panelWidth ?? 570
  const ph = fig.panelHeight ?? 440
  const top = fig.title ? TITLE_H : 0
  const legend = fig.legend ?? 'right'
  const font = fig.fontFamily ?? 'DejaVu Sans, Arial, sans-serif'
  const attrs = Object.entries(fig.attributes ?? {})
    .map(([k, v]) => ` ${k}="${escapeXml(v)}"`)
    .join('')
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="${escapeXml(font)}"${attrs}>`,
    `<rect x="0" y="0" width="${width}" height="${height}" fill="#ffffff"/>`,
  ]
  if (fig.title)
    out.push(
      `<text x="${f1(width / 2)}" y="21" font-size="15" text-anchor="middle" fill="#111111">${escapeXml(fig.title)}</text>`,
    )
  fig.panels.forEach((p, k) => {
    out.push(
      `<g class="panel" transform="translate(${k * pw}, ${top})"${p.id ? ` data-axis="${escapeXml(p.id)}"` : ''}>`,
    )
    out.push(...panelSvg(p, pw, ph, fig.markersUpTo ?? 60))
    out.push('</g>')
  })
  const entries = legendEntries(fig)
  if (legend !== 'none' && entries.length) {
    const cols = Math.max(1, fig.legendColumns ?? 2)
    const colW = (width - MARGIN.left) / cols
    out.push('<g class="legend">')
    entries.forEach((e, i) => {
      const [x, y] =
        legend === 'right'
          ? [pw * fig.panels.length + 10, top + 14 + i * LEGEND_ROW]
          : [MARGIN.left + (i % cols) * colW, top + ph + 6 + Math.floor(i / cols) * LEGEND_ROW]
      out.push(`<rect x="${f1(x)}" y="${y + 4}" width="22" height="4" fill="${e.color}"/>`)
      out.push(`<text x="${f1(x + 28)}" y="${y + 10}" font-size="11" fill="#1d2430">${escapeXml(e.name)}</text>`)
    })
    out.push('</g>')
  }
  out.push('</svg>')
  return out.join('\n') + '\n'
}
