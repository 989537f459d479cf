// The comparison report: return against cumulative annotation cost and against labels, one curve per
// algorithm (mean and 80% bootstrap band over seeds), as SVG and PNG, and the same for the success rate and the
// coverage where the task reports them; a CSV of every evaluation; an HTML page.
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import {
  measureInfo,
  colorAt,
  evaluationsCsv,
  measureValue,
  measuresOf,
  renderFigure,
  summarizeRuns,
  type Figure,
  type Measure,
  type Measured,
  type Series,
} from '../../../shared/plot'
import { bootstrapBand, mean, std } from '../../../shared/stats'
import type { EvaluationRecord } from '../session-log'
import { svgToPng } from './png'

export interface RunCurve {
  algo: string
  /**
   * the learner's policy class as shared/policy-config.ts policyLabel names it; absent or 'mlp' (the default): the
   * curve is named by its algorithm alone
   */
  policy?: string
  seed: number
  sessionId: number | null
  evaluations: EvaluationRecord[]
  /** the session's context switches (store/human-time.ts sessionEffort); absent: not counted */
  contextSwitches?: number
}

export interface ReportInput {
  task: string
  costRatio: number
  budget: number
  runs: RunCurve[]
  expertReturn: number | null
  /** the expert's success rate and coverage on the same episodes (the reference lines of those plots), where known */
  expertRates?: { successRate: number | null; coverage: number | null }
  /** who labelled (default 'expert': the CLI's sweeps ask the shipped expert) */
  oracle?: string
  /** extra lines for the page (timings, backend) */
  notes?: string[]
}

export interface ReportFiles {
  files: string[]
  pngRenderer: 'resvg' | 'none'
  /** final mean return per algorithm, for summaries */
  finals: {
    /** the curve's name: the algorithm, with its policy class when that is not the default mlp */
    name: string
    algo: string
    /** the policy class's label ('mlp' by default) */
    policy: string
    meanReturn: number
    lo: number
    hi: number
    seeds: number
    /** mean over seeds of the final evaluation's success rate; null for tasks without a success condition */
    successRate: number | null
    /** mean over seeds of the final evaluation's coverage (push-t); null for tasks without it */
    coverage: number | null
  }[]
}

/** A curve's name: 'bc', or 'bc [gmm]' for a learner of another class than the default mlp. */
export function curveName(run: Pick<RunCurve, 'algo' | 'policy'>): string {
  return run.policy && run.policy !== 'mlp' ? `${run.algo} [${run.policy}]` : run.algo
}

/** The mean of the values a final evaluation has (null or absent ones left out); null when none has one. */
function meanKnown(values: readonly (number | null | undefined)[]): number | null {
  const known = values.filter((v): v is number => typeof v === 'number')
  return known.length ? mean(known) : null
}

/**
 * DAgger's policy changes only at the end of a round, where it is evaluated: its curve is a staircase (each
 * seed's return held until its next round ends), not a line between round ends.
 */
export function isStaircase(algo: string): boolean {
  return algo === 'dagger' || algo.startsWith('dagger:')
}

/** An evaluation as the plots read it. */
function measured(e: EvaluationRecord): Measured {
  return { meanReturn: mean(e.returns), successRate: e.successRate, coverage: e.coverage }
}

/**
 * One curve per algorithm (and policy class) on the given axis: the mean over seeds with an 80% bootstrap band, of
 * the return or of another measure (the evaluations without it left out).
 */
export function seriesFor(input: ReportInput, axis: 'cost' | 'labels', measure: Measure = 'return'): Series[] {
  const names = [...new Set(input.runs.map(curveName))]
  return names.map((name, k) => {
    const all = input.runs.filter((r) => curveName(r) === name)
    const step = isStaircase(all[0].algo)
    const runs = all
      .map((r) =>
        r.evaluations.flatMap((e) => {
          const y = measureValue(measured(e), measure)
          return y === null ? [] : [{ x: e[axis], y }]
        }),
      )
      .filter((points) => points.length > 0)
    const s = summarizeRuns(
      runs.map((points) => ({ x: points.map((p) => p.x), y: points.map((p) => p.y) })),
      { hold: step },
    )
    return { name: `${name} (${runs.length} seed${runs.length === 1 ? '' : 's'})`, color: colorAt(k), step, ...s }
  })
}

/** Every evaluation of every run, in the CSV format the comparison page exports too. */
export function csvOf(input: ReportInput): string {
  return evaluationsCsv(
    input.runs.flatMap((r) => {
      // The CLI names WARM-STAGGER runs warm-stagger:<fraction> (and DAgger with m states dagger:m=<m>).
      const [base, fraction] = r.algo.split(':')
      const warm = base === 'warm-stagger' && fraction !== undefined && fraction !== ''
      return r.evaluations.map((e) => ({
        session: r.sessionId,
        task: input.task,
        algo: warm ? base : r.algo,
        warmFraction: warm ? Number(fraction) : null,
        oracle: input.oracle ?? 'expert',
        budget: input.budget,
        costRatio: input.costRatio,
        seed: r.seed,
        labels: e.labels,
        cost: e.cost,
        humanSeconds: e.humanSeconds,
        meanReturn: mean(e.returns),
        stdReturn: std(e.returns),
        returns: e.returns,
        policy: r.policy ?? 'mlp',
        successRate: e.successRate ?? null,
        coverage: e.coverage ?? null,
      }))
    }),
  )
}

function html(input: ReportInput, finals: ReportFiles['finals'], renderer: string, measures: Measure[]): string {
  const withSuccess = finals.some((f) => f.successRate !== null)
  const withCoverage = finals.some((f) => f.coverage !== null)
  const percent = (v: number | null): string => (v === null ? '' : `${(100 * v).toFixed(0)}%`)
  const rows = finals
    .map(
      (f) =>
        `<tr><td>${f.name}</td><td>${f.seeds}</td><td>${f.meanReturn.toFixed(1)}</td><td>[${f.lo.toFixed(1)}, ${f.hi.toFixed(1)}]</td><td>${input.expertReturn ? ((100 * f.meanReturn) / input.expertReturn).toFixed(0) + '%' : ''}</td>${withSuccess ? `<td>${percent(f.successRate)}</td>` : ''}${withCoverage ? `<td>${percent(f.coverage)}</td>` : ''}</tr>`,
    )
    .join('\n')
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${input.task}: imitation learning comparison</title>
<style>body{font-family:DejaVu Sans,Arial,sans-serif;max-width:900px;margin:2em auto;color:#222}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 10px;text-align:right}img{max-width:100%;border:1px solid #eee}</style></head>
<body>
<h1>${input.task}: return against annotation cost</h1>
<p>Cost ratio C = ${input.costRatio} (an offline label costs 1, an interactive query C); budget ${input.budget}.
Curves: mean over seeds with an 80% bootstrap band; every evaluation is ${input.runs[0]?.evaluations[0]?.returns.length ?? '?'} episodes with sampled actions clipped to the bounds.
${input.expertReturn !== null ? `Dashed line: the expert's return on the same evaluation seeds (${input.expertReturn.toFixed(1)}).` : ''}</p>
${measures
  .map((m) => {
    const { title } = measureInfo(m)
    const upper = title[0].toUpperCase() + title.slice(1)
    return `<h2>${upper} against cumulative cost</h2>
<p><img src="${m}-vs-cost.svg" alt="${title} against cumulative cost"></p>
<h2>${upper} against number of labels</h2>
<p><img src="${m}-vs-labels.svg" alt="${title} against labels"></p>
`
  })
  .join('')}<h2>Final return</h2>
<table><tr><th>algorithm</th><th>seeds</th><th>mean return</th><th>80% band</th><th>of expert</th>${withSuccess ? '<th>success</th>' : ''}${withCoverage ? '<th>coverage</th>' : ''}</tr>
${rows}
</table>
<p>Data: <a href="evaluations.csv">evaluations.csv</a> (one row per evaluation).${renderer === 'none' ? '' : ` PNG copies: ${measures.map((m) => `<a href="${m}-vs-cost.png">${m} vs cost</a>, <a href="${m}-vs-labels.png">${m} vs labels</a>`).join(', ')} (rendered by ${renderer}).`}</p>
${(input.notes ?? []).map((n) => `<p>${n.replace(/</g, '&lt;')}</p>`).join('\n')}
</body></html>
`
}

export async function writeReport(
  dir: string,
  input: ReportInput,
  png: 'resvg' | 'none' = 'resvg',
): Promise<ReportFiles> {
  mkdirSync(dir, { recursive: true })
  const measures = measuresOf(input.runs.flatMap((r) => r.evaluations.map(measured)))
  const expert: Measured | null =
    input.expertReturn === null ? null : { meanReturn: input.expertReturn, ...input.expertRates }
  const figures: [string, Figure][] = measures.flatMap((m) => {
    const { title, yLabel } = measureInfo(m)
    const y = expert && measureValue(expert, m)
    const reference = y !== null ? { y, label: 'expert' } : undefined
    const figure = (heading: string, xLabel: string, series: Series[]): Figure => ({
      panels: [{ title: heading, xLabel, yLabel, series, reference }],
    })
    return [
      [
        `${m}-vs-cost`,
        figure(
          `${input.task}: ${title} vs annotation cost (C = ${input.costRatio})`,
          'cumulative annotation cost',
          seriesFor(input, 'cost', m),
        ),
      ],
      [`${m}-vs-labels`, figure(`${input.task}: ${title} vs labels`, 'labels', seriesFor(input, 'labels', m))],
    ]
  })
  const files: string[] = []
  const write = (name: string, data: string | Buffer): void => {
    const f = join(dir, name)
    writeFileSync(f, data)
    files.push(f)
  }
  const svgs = figures.map(([name, fig]) => {
    const svg = renderFigure(fig)
    write(`${name}.svg`, svg)
    return svg
  })
  if (png === 'resvg') svgs.forEach((svg, i) => write(`${figures[i][0]}.png`, svgToPng(svg)))
  write('evaluations.csv', csvOf(input))
  const finals = [...new Set(input.runs.map(curveName))].map((name) => {
    const all = input.runs.filter((r) => curveName(r) === name)
    const finalEvals = all.filter((r) => r.evaluations.length).map((r) => r.evaluations[r.evaluations.length - 1])
    const last = finalEvals.map((e) => mean(e.returns))
    const b = bootstrapBand(last)
    return {
      name,
      algo: all[0].algo,
      policy: all[0].policy ?? 'mlp',
      meanReturn: b.mean,
      lo: b.lo,
      hi: b.hi,
      seeds: last.length,
      successRate: meanKnown(finalEvals.map((e) => e.successRate)),
      coverage: meanKnown(finalEvals.map((e) => e.coverage)),
    }
  })
  write('index.html', html(input, finals, png, measures))
  return { files, pngRenderer: png, finals }
}
