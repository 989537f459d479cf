// The comparison report: return against cumulative annotation cost and against labels, one curve per
// algorithm (mean and 80% bootstrap band over seeds), as SVG and PNG; a CSV of every evaluation; an HTML page.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { EvaluationRecord } from '../session-log'
import { bandOverSeeds } from './bootstrap'
import { encodePng, rasterise } from './raster'
import { PALETTE, layout, renderSvg, type PlotSpec, type Series } from './svg-plot'

export interface RunCurve {
  algo: string
  seed: number
  sessionId: number | null
  evaluations: EvaluationRecord[]
}

export interface ReportInput {
  task: string
  costRatio: number
  budget: number
  runs: RunCurve[]
  expertReturn: number | null
  /** extra lines for the page (timings, backend) */
  notes?: string[]
}

export interface ReportFiles {
  files: string[]
  pngRenderer: 'chromium' | 'built-in' | 'none'
  /** final mean return per algorithm, for summaries */
  finals: { algo: string; meanReturn: number; lo: number; hi: number; seeds: number }[]
}

const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length)
const std = (xs: number[]): number => {
  const m = mean(xs)
  return Math.sqrt(mean(xs.map((x) => (x - m) ** 2)))
}

function grid(max: number, points = 41): number[] {
  return Array.from({ length: points }, (_, i) => (max * i) / (points - 1))
}

/** One curve per algorithm on the given axis. */
export function seriesFor(input: ReportInput, axis: 'cost' | 'labels'): Series[] {
  const algos = [...new Set(input.runs.map((r) => r.algo))]
  return algos.map((algo, k) => {
    const runs = input.runs.filter((r) => r.algo === algo && r.evaluations.length > 0)
    const curves = runs.map((r) => ({ x: r.evaluations.map((e) => e[axis]), y: r.evaluations.map((e) => mean(e.returns)) }))
    // The evaluation points themselves when they are few (every evalEvery labels), else an even grid.
    const xmax = Math.max(0, ...curves.map((c) => c.x[c.x.length - 1] ?? 0))
    const xsAll = [...new Set(curves.flatMap((c) => c.x))].sort((a, b) => a - b)
    const g = xsAll.length <= 200 ? xsAll : grid(xmax, 101)
    const bands = bandOverSeeds(curves, g)
    return {
      name: `${algo} (${runs.length} seed${runs.length === 1 ? '' : 's'})`,
      color: PALETTE[k % PALETTE.length],
      x: g,
      mean: bands.map((b) => b.mean),
      lo: bands.map((b) => b.lo),
      hi: bands.map((b) => b.hi),
    }
  })
}

export function csvOf(input: ReportInput): string {
  const rows = ['task,algo,seed,session,labels,cost,human_seconds,episodes,mean_return,std_return,returns']
  for (const r of input.runs)
    for (const e of r.evaluations)
      rows.push(
        [input.task, r.algo, r.seed, r.sessionId ?? '', e.labels, e.cost, e.humanSeconds, e.returns.length, mean(e.returns).toFixed(3), std(e.returns).toFixed(3), `"${e.returns.map((x) => x.toFixed(2)).join(' ')}"`].join(','),
      )
  return rows.join('\n') + '\n'
}

async function pngsWithChromium(svgs: string[]): Promise<Buffer[] | null> {
  const exe = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p))
  if (!exe) return null
  try {
    const { chromium } = await import('playwright-core')
    const browser = await chromium.launch({
      executablePath: exe,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    })
    try {
      const page = await browser.newPage({ deviceScaleFactor: 2 })
      const out: Buffer[] = []
      for (const svg of svgs) {
        await page.setContent(`<!doctype html><html><body style="margin:0;background:#fff">${svg}</body></html>`)
        out.push(await page.locator('svg').screenshot())
      }
      return out
    } finally {
      await browser.close()
    }
  } catch {
    return null
  }
}

function html(input: ReportInput, finals: ReportFiles['finals'], renderer: string): string {
  const rows = finals
    .map((f) => `<tr><td>${f.algo}</td><td>${f.seeds}</td><td>${f.meanReturn.toFixed(1)}</td><td>[${f.lo.toFixed(1)}, ${f.hi.toFixed(1)}]</td><td>${input.expertReturn ? ((100 * f.meanReturn) / input.expertReturn).toFixed(0) + '%' : ''}</td></tr>`)
    .join('\n')
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${input.task}: imitation learning comparison</title>
<style>body{font-family:DejaVu Sans,Arial,sans-serif;max-width:900px;margin:2em auto;color:#222}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 10px;text-align:right}img{max-width:100%;border:1px solid #eee}</style></head>
<body>
<h1>${input.task}: return against annotation cost</h1>
<p>Cost ratio C = ${input.costRatio} (an offline label costs 1, an interactive query C); budget ${input.budget}.
Curves: mean over seeds with an 80% bootstrap band; every evaluation is ${input.runs[0]?.evaluations[0]?.returns.length ?? '?'} episodes with sampled actions clipped to the bounds.
${input.expertReturn !== null ? `Dashed line: the expert's return on the same evaluation seeds (${input.expertReturn.toFixed(1)}).` : ''}</p>
<h2>Return against cumulative cost</h2>
<p><img src="return-vs-cost.svg" alt="return against cumulative cost"></p>
<h2>Return against number of labels</h2>
<p><img src="return-vs-labels.svg" alt="return against labels"></p>
<h2>Final return</h2>
<table><tr><th>algorithm</th><th>seeds</th><th>mean return</th><th>80% band</th><th>of expert</th></tr>
${rows}
</table>
<p>Data: <a href="evaluations.csv">evaluations.csv</a> (one row per evaluation). PNG copies: <a href="return-vs-cost.png">cost</a>, <a href="return-vs-labels.png">labels</a> (rendered by ${renderer}).</p>
${(input.notes ?? []).map((n) => `<p>${n.replace(/</g, '&lt;')}</p>`).join('\n')}
</body></html>
`
}

export async function writeReport(dir: string, input: ReportInput, png: 'auto' | 'built-in' | 'none' = 'auto'): Promise<ReportFiles> {
  mkdirSync(dir, { recursive: true })
  const reference = input.expertReturn !== null ? { y: input.expertReturn, label: 'expert' } : undefined
  const specs: [string, PlotSpec][] = [
    ['return-vs-cost', { title: `${input.task}: return vs annotation cost (C = ${input.costRatio})`, xLabel: 'cumulative annotation cost', yLabel: 'return', series: seriesFor(input, 'cost'), reference }],
    ['return-vs-labels', { title: `${input.task}: return vs labels`, xLabel: 'labels', yLabel: 'return', series: seriesFor(input, 'labels'), reference }],
  ]
  const files: string[] = []
  const svgs = specs.map(([name, spec]) => {
    const svg = renderSvg(spec)
    const f = join(dir, `${name}.svg`)
    writeFileSync(f, svg)
    files.push(f)
    return svg
  })
  let renderer: ReportFiles['pngRenderer'] = 'none'
  if (png !== 'none') {
    let pngs = png === 'auto' ? await pngsWithChromium(svgs) : null
    renderer = pngs ? 'chromium' : 'built-in'
    if (!pngs)
      pngs = specs.map(([, spec]) => {
        const l = layout(spec)
        return encodePng(rasterise(l.width, l.height, l.prims))
      })
    pngs.forEach((b, i) => {
      const f = join(dir, `${specs[i][0]}.png`)
      writeFileSync(f, b)
      files.push(f)
    })
  }
  const csv = join(dir, 'evaluations.csv')
  writeFileSync(csv, csvOf(input))
  files.push(csv)
  const finals = [...new Set(input.runs.map((r) => r.algo))].map((algo) => {
    const last = input.runs.filter((r) => r.algo === algo && r.evaluations.length).map((r) => mean(r.evaluations[r.evaluations.length - 1].returns))
    const b = bandOverSeeds(last.map((y) => ({ x: [0], y: [y] })), [0])[0]
    return { algo, meanReturn: b.mean, lo: b.lo, hi: b.hi, seeds: last.length }
  })
  const page = join(dir, 'index.html')
  writeFileSync(page, html(input, finals, renderer))
  files.push(page)
  return { files, pngRenderer: renderer, finals }
}
