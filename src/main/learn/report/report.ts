// The comparison report: return against cumulative annotation cost and against labels, one curve per
// algorithm (mean and 80% bootstrap band over seeds), as SVG and PNG; a CSV of every evaluation; an HTML page.
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { colorAt, evaluationsCsv, renderFigure, summarizeRuns, type Figure, type Series } from '../../../shared/plot'
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

/**
 * One curve per algorithm (and policy class) on the given axis: the mean over seeds with an 80% bootstrap band.
 */
export function seriesFor(input: ReportInput, axis: 'cost' | 'labels'): Series[] {
  const names = [...new Set(input.runs.map(curveName))]
  return names.map((name, k) => {
    const all = input.runs.filter((r) => curveName(r) === name)
    const runs = all.filter((r) => r.evaluations.length > 0)
    const step = isStaircase(all[0].algo)
    const s = summarizeRuns(
      runs.map((r) => ({ x: r.evaluations.map((e) => e[axis]), y: r.evaluations.map((e) => mean(e.returns)) })),
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

function html(input: ReportInput, finals: ReportFiles['finals'], renderer: string): string {
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
<h2>Return against cumulative cost</h2>
<p><img src="return-vs-cost.svg" alt="return against cumulative cost"></p>
<h2>Return against number of labels</h2>
<p><img src="return-vs-labels.svg" alt="return against labels"></p>
<h2>Final return</h2>
<table><tr><th>algorithm</th><th>seeds</th><th>mean return</th><th>80% band</th><th>of expert</th>${withSuccess ? '<th>success</th>' : ''}${withCoverage ? '<th>coverage</th>' : ''}</tr>
${rows}
</table>
<p>Data: <a href="evaluations.csv">evaluations.csv</a> (one row per evaluation).${renderer === 'none' ? '' : ` PNG copies: <a href="return-vs-cost.png">cost</a>, <a href="return-vs-labels.png">labels</a> (rendered by ${renderer}).`}</p>
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
  const reference = input.expertReturn !== null ? { y: input.expertReturn, label: 'expert' } : undefined
  const figure = (title: string, xLabel: string, series: Series[]): Figure => ({
    panels: [{ title, xLabel, yLabel: 'return', series, reference }],
  })
  const figures: [string, Figure][] = [
    [
      'return-vs-cost',
      figure(
        `${input.task}: return vs annotation cost (C = ${input.costRatio})`,
        'cumulative annotation cost',
        seriesFor(input, 'cost'),
      ),
    ],
    ['return-vs-labels', figure(`${input.task}: return vs labels`, 'labels', seriesFor(input, 'labels'))],
  ]
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
  write('index.html', html(input, finals, png))
  return { files, pngRenderer: png, finals }
}
