// A line plot with shaded bands as a list of primitives, rendered to SVG text here and to pixels by
// raster.ts (when no Chromium is at hand), so both pictures come from one layout.
export interface Series {
  name: string
  color: string
  x: number[]
  mean: number[]
  lo: number[]
  hi: number[]
}

export interface PlotSpec {
  title: string
  xLabel: string
  yLabel: string
  series: Series[]
  /** a dashed horizontal reference (e.g. the expert's return) */
  reference?: { y: number; label: string }
  width?: number
  height?: number
}

export type Primitive =
  | { kind: 'rect'; x: number; y: number; w: number; h: number; fill: string; stroke?: string }
  | { kind: 'line'; points: [number, number][]; stroke: string; width: number; dash?: boolean }
  | { kind: 'poly'; points: [number, number][]; fill: string; opacity: number }
  | { kind: 'text'; x: number; y: number; text: string; size: number; anchor: 'start' | 'middle' | 'end'; color: string; rotate?: boolean }

export const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf']

/** Round tick values covering [lo, hi]. */
export function ticks(lo: number, hi: number, count = 6): number[] {
  if (!(hi > lo)) return [lo]
  const raw = (hi - lo) / count
  const mag = Math.pow(10, Math.floor(Math.log10(raw)))
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? raw
  const out: number[] = []
  for (let v = Math.ceil(lo / step) * step; v <= hi + 1e-9 * step; v += step) out.push(Number(v.toFixed(10)))
  return out
}

const fmt = (v: number): string => (Math.abs(v) >= 1000 ? v.toFixed(0) : Number(v.toPrecision(4)).toString())

export function layout(spec: PlotSpec): { width: number; height: number; prims: Primitive[] } {
  const width = spec.width ?? 830
  const height = spec.height ?? 440
  const m = { left: 70, right: 260, top: 40, bottom: 55 }
  const pw = width - m.left - m.right
  const ph = height - m.top - m.bottom
  const xs = spec.series.flatMap((s) => s.x)
  const ys = spec.series.flatMap((s) => [...s.lo, ...s.hi, ...s.mean]).filter(Number.isFinite)
  if (spec.reference) ys.push(spec.reference.y)
  const x0 = Math.min(0, ...xs)
  const x1 = Math.max(1, ...xs)
  let y0 = ys.length ? Math.min(...ys) : 0
  let y1 = ys.length ? Math.max(...ys) : 1
  if (y1 - y0 < 1e-9) {
    y0 -= 1
    y1 += 1
  }
  const pad = 0.05 * (y1 - y0)
  y0 -= pad
  y1 += pad
  const X = (v: number): number => m.left + ((v - x0) / (x1 - x0)) * pw
  const Y = (v: number): number => m.top + ph - ((v - y0) / (y1 - y0)) * ph
  const prims: Primitive[] = [{ kind: 'rect', x: 0, y: 0, w: width, h: height, fill: '#ffffff' }]
  prims.push({ kind: 'rect', x: m.left, y: m.top, w: pw, h: ph, fill: '#ffffff', stroke: '#444444' })
  for (const t of ticks(y0, y1)) {
    prims.push({ kind: 'line', points: [[m.left, Y(t)], [m.left + pw, Y(t)]], stroke: '#e6e6e6', width: 1 })
    prims.push({ kind: 'text', x: m.left - 6, y: Y(t) + 4, text: fmt(t), size: 11, anchor: 'end', color: '#333333' })
  }
  for (const t of ticks(x0, x1)) {
    prims.push({ kind: 'line', points: [[X(t), m.top + ph], [X(t), m.top + ph + 5]], stroke: '#444444', width: 1 })
    prims.push({ kind: 'text', x: X(t), y: m.top + ph + 18, text: fmt(t), size: 11, anchor: 'middle', color: '#333333' })
  }
  if (spec.reference) {
    const y = Y(spec.reference.y)
    prims.push({ kind: 'line', points: [[m.left, y], [m.left + pw, y]], stroke: '#555555', width: 1.5, dash: true })
    prims.push({ kind: 'text', x: m.left + pw - 4, y: y - 5, text: spec.reference.label, size: 11, anchor: 'end', color: '#555555' })
  }
  spec.series.forEach((s) => {
    const idx = s.x.map((_, i) => i).filter((i) => Number.isFinite(s.mean[i]))
    if (idx.length === 0) return
    const upper = idx.map((i): [number, number] => [X(s.x[i]), Y(s.hi[i])])
    const lower = idx.map((i): [number, number] => [X(s.x[i]), Y(s.lo[i])]).reverse()
    prims.push({ kind: 'poly', points: [...upper, ...lower], fill: s.color, opacity: 0.18 })
    prims.push({ kind: 'line', points: idx.map((i) => [X(s.x[i]), Y(s.mean[i])]), stroke: s.color, width: 2 })
    // Marks at the evaluated points, so sparse curves (DAgger's whole trajectories) show where data is.
    if (idx.length <= 60)
      for (const i of idx) prims.push({ kind: 'rect', x: X(s.x[i]) - 2.5, y: Y(s.mean[i]) - 2.5, w: 5, h: 5, fill: s.color })
  })
  spec.series.forEach((s, k) => {
    const y = m.top + 10 + k * 20
    prims.push({ kind: 'line', points: [[width - m.right + 15, y], [width - m.right + 40, y]], stroke: s.color, width: 3 })
    prims.push({ kind: 'text', x: width - m.right + 46, y: y + 4, text: s.name, size: 12, anchor: 'start', color: '#222222' })
  })
  prims.push({ kind: 'text', x: m.left + pw / 2, y: 24, text: spec.title, size: 15, anchor: 'middle', color: '#111111' })
  prims.push({ kind: 'text', x: m.left + pw / 2, y: height - 12, text: spec.xLabel, size: 12, anchor: 'middle', color: '#222222' })
  prims.push({ kind: 'text', x: 18, y: m.top + ph / 2, text: spec.yLabel, size: 12, anchor: 'middle', color: '#222222', rotate: true })
  return { width, height, prims }
}

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
const pts = (p: [number, number][]): string => p.map(([x, y]) => `${x.toFixed(1)},${y.toFixed(1)}`).join(' ')

export function renderSvg(spec: PlotSpec): string {
  const { width, height, prims } = layout(spec)
  const body = prims.map((p) => {
    switch (p.kind) {
      case 'rect':
        return `<rect x="${p.x}" y="${p.y}" width="${p.w}" height="${p.h}" fill="${p.fill}"${p.stroke ? ` stroke="${p.stroke}"` : ''}/>`
      case 'line':
        return `<polyline points="${pts(p.points)}" fill="none" stroke="${p.stroke}" stroke-width="${p.width}"${p.dash ? ' stroke-dasharray="6 4"' : ''}/>`
      case 'poly':
        return `<polygon points="${pts(p.points)}" fill="${p.fill}" fill-opacity="${p.opacity}" stroke="none"/>`
      case 'text':
        return `<text x="${p.x.toFixed(1)}" y="${p.y.toFixed(1)}" font-size="${p.size}" text-anchor="${p.anchor}" fill="${p.color}"${p.rotate ? ` transform="rotate(-90 ${p.x.toFixed(1)} ${p.y.toFixed(1)})"` : ''}>${esc(p.text)}</text>`
    }
  })
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="DejaVu Sans, Arial, sans-serif">\n${body.join('\n')}\n</svg>\n`
}
