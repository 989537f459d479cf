// A study's report: one comparison report per figure group (each cost ratio or task variant: return against
// cost and labels with 80% bootstrap bands, SVG, PNG, CSV, HTML; report.ts), and on top a summary figure of each
// arm's area under the return-versus-cost curve (or final return) with its band, results.csv and index.html.
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { colorAt, renderFigure, toCsv, type Figure, type Series } from '../../../shared/plot'
import {
  crossoverText,
  HUMAN_HORIZONS,
  horizonText,
  type ArmResult,
  type Crossover,
  type PersonCrossover,
  type StudyName,
} from '../study'
import { svgToPng } from './png'
import { curveName, writeReport, type RunCurve } from './report'

export interface StudyGroup {
  /** 'C=1', 'fall=0.1' */
  name: string
  costRatio: number
  expertReturn: number
  runs: RunCurve[]
}

export interface StudyReportInput {
  study: StudyName
  task: string
  budget: number
  groups: StudyGroup[]
  results: ArmResult[]
  crossover: Crossover | null
  /** the person study: each person's crossover, STAGGER's sessions re-priced (study.ts repricedCrossover) */
  crossovers?: PersonCrossover[]
  notes: string[]
}

/** '1: 12.0, 2: -3.5': STAGGER's area minus BC's at each cost ratio of a crossover. */
const gapsText = (x: Crossover): string => x.ratios.map((c, i) => `${c}: ${x.gaps[i].toFixed(1)}`).join(', ')
const slug = (name: string): string => name.replace(/[^A-Za-z0-9.]+/g, '-')
const fmt = (v: number | null): string => (v === null || !Number.isFinite(v) ? '' : v.toFixed(1))

/** x of an arm in the summary figure: its cost ratio, its fall angle (recoverability), its person's noise (person). */
function summaryX(study: StudyName, r: ArmResult): number {
  if (study === 'person') return r.personNoise ?? NaN
  return study === 'recoverability' ? (r.fallAngle ?? NaN) : r.costRatio
}

/** The figure an arm gives a summary series: a value and its 80% band. */
type ArmValue = (r: ArmResult) => { mean: number; band: readonly [number, number] }

/** The study's own summary value: the AUC, or the final return for the mixture and warm-size studies. */
function studyValue(study: StudyName): ArmValue {
  return study === 'mixture' || study === 'warm-size'
    ? (r) => ({ mean: r.finalReturn, band: r.band80 })
    : (r) => ({ mean: r.auc, band: r.aucBand80 })
}

/**
 * One series per algorithm (and policy class, when not the default mlp): the arms' value (by default the study's
 * own, studyValue) with its 80% band, against x.
 */
export function summarySeries(
  study: StudyName,
  results: readonly ArmResult[],
  value: ArmValue = studyValue(study),
): Series[] {
  const names = [...new Set(results.map(curveName))]
  return names.map((name, k) => {
    const rs = results.filter((r) => curveName(r) === name).sort((a, b) => summaryX(study, a) - summaryX(study, b))
    const vs = rs.map(value)
    return {
      name,
      color: colorAt(k),
      x: rs.map((r) => summaryX(study, r)),
      mean: vs.map((v) => v.mean),
      lo: vs.map((v) => v.band[0]),
      hi: vs.map((v) => v.band[1]),
    }
  })
}

/**
 * The person study's second summary: one panel per time budget of HUMAN_HORIZONS, each arm's area under return
 * against human seconds over that budget, against the person's noise; null when no arm spent human seconds.
 */
export function humanSecondsSummary(task: string, results: readonly ArmResult[]): Figure | null {
  const withAreas = results.filter((r) => r.secondsAreas !== null)
  if (!withAreas.length) return null
  return {
    panels: HUMAN_HORIZONS.map((horizon, h) => ({
      title: `${task}: ${horizonText(horizon)} of the person`,
      xLabel: "the person's action noise",
      yLabel: h === 0 ? 'area under return vs human seconds / horizon' : '',
      xFrom: 'data' as const,
      dodge: 8,
      series: summarySeries('person', withAreas, (r) => {
        const a = r.secondsAreas![h]
        return { mean: a.area, band: a.band80 }
      }),
    })),
  }
}

export async function writeStudyReport(dir: string, input: StudyReportInput): Promise<string[]> {
  mkdirSync(dir, { recursive: true })
  const files: string[] = []
  const write = (name: string, data: string | Buffer): void => {
    const f = join(dir, name)
    writeFileSync(f, data)
    files.push(f)
  }
  for (const g of input.groups) {
    const r = await writeReport(join(dir, slug(g.name)), {
      task: input.task,
      costRatio: g.costRatio,
      budget: input.budget,
      expertReturn: g.expertReturn,
      runs: g.runs,
      notes: [`${input.study} study, ${g.name}.`],
    })
    files.push(...r.files)
  }
  const byFinal = input.study === 'mixture' || input.study === 'warm-size'
  const xLabel =
    input.study === 'recoverability'
      ? 'fall angle (rad): larger is more recoverable'
      : input.study === 'person'
        ? "the simulated person's action noise (fraction of the range)"
        : 'cost ratio C'
  const yLabel = byFinal ? 'final return' : 'area under return vs cost / budget'
  const svg = renderFigure({
    panels: [
      {
        title: `${input.task}: ${input.study} study, 80% bands`,
        xLabel,
        yLabel,
        xFrom: 'data',
        dodge: 8,
        series: summarySeries(input.study, input.results),
      },
    ],
  })
  write('summary.svg', svg)
  write('summary.png', svgToPng(svg))
  const bySeconds = input.study === 'person' ? humanSecondsSummary(input.task, input.results) : null
  if (bySeconds) {
    const text = renderFigure(bySeconds)
    write('summary-human-seconds.svg', text)
    write('summary-human-seconds.png', svgToPng(text))
  }
  write(
    'results.csv',
    toCsv(
      [
        'algo',
        'group',
        'cost_ratio',
        'fall_angle',
        'seeds',
        'final_return',
        'final_lo',
        'final_hi',
        'auc',
        'auc_lo',
        'auc_hi',
        'cost_to_80',
        'cost_to_90',
        'policy',
        'success_rate',
        'coverage',
        'human_seconds',
        'human_seconds_lo',
        'human_seconds_hi',
        'context_switches',
        'human_seconds_to_80',
        'rohe',
        'rohe_lo',
        'rohe_hi',
        ...HUMAN_HORIZONS.flatMap((h) => [`area_${h}s`, `area_${h}s_lo`, `area_${h}s_hi`]),
      ],
      input.results.map((r) =>
        [
          r.algo,
          r.group,
          r.costRatio,
          r.fallAngle,
          r.seeds,
          r.finalReturn,
          r.band80[0],
          r.band80[1],
          r.auc,
          r.aucBand80[0],
          r.aucBand80[1],
          r.costTo80,
          r.costTo90,
          r.policy,
          r.successRate,
          r.coverage,
          r.humanSeconds,
          r.humanSecondsBand80[0],
          r.humanSecondsBand80[1],
          r.contextSwitches,
          r.humanSecondsTo80,
          r.rohe,
          r.roheBand80?.[0] ?? null,
          r.roheBand80?.[1] ?? null,
          ...HUMAN_HORIZONS.flatMap((_, h) => {
            const a = r.secondsAreas?.[h]
            return a ? [a.area, a.band80[0], a.band80[1]] : [null, null, null]
          }),
        ].map((v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v)),
      ),
    ),
  )
  const withSuccess = input.results.some((r) => r.successRate !== null)
  const withCoverage = input.results.some((r) => r.coverage !== null)
  const percent = (v: number | null): string => (v === null ? '' : `${(100 * v).toFixed(0)}%`)
  // a person's effort (simulated or real): shown when any arm spent human seconds
  const withPerson = input.results.some((r) => r.humanSeconds > 0)
  const personCells = (r: ArmResult): string =>
    withPerson
      ? `<td>${fmt(r.humanSeconds)} [${fmt(r.humanSecondsBand80[0])}, ${fmt(r.humanSecondsBand80[1])}]</td><td>${fmt(r.contextSwitches)}</td><td>${fmt(r.humanSecondsTo80)}</td><td>${r.rohe === null ? '' : `${r.rohe.toPrecision(3)} [${r.roheBand80![0].toPrecision(3)}, ${r.roheBand80![1].toPrecision(3)}]`}</td>${HUMAN_HORIZONS.map(
          (_, h) => {
            const a = r.secondsAreas?.[h]
            return `<td>${a ? `${fmt(a.area)} [${fmt(a.band80[0])}, ${fmt(a.band80[1])}]` : ''}</td>`
          },
        ).join('')}`
      : ''
  const rows = input.results
    .map(
      (r) =>
        `<tr><td>${curveName(r)}</td><td>${r.group}</td><td>${r.seeds}</td><td>${fmt(r.finalReturn)} [${fmt(r.band80[0])}, ${fmt(r.band80[1])}]</td>${withSuccess ? `<td>${percent(r.successRate)}</td>` : ''}${withCoverage ? `<td>${percent(r.coverage)}</td>` : ''}<td>${fmt(r.auc)} [${fmt(r.aucBand80[0])}, ${fmt(r.aucBand80[1])}]</td><td>${fmt(r.costTo80)}</td><td>${fmt(r.costTo90)}</td>${personCells(r)}</tr>`,
    )
    .join('\n')
  const x = input.crossover
  const sweepCrossover = x
    ? `<p>Crossover: ${crossoverText(x)}; a crossing in ${(100 * x.support).toFixed(0)}% of the bootstrap resamples. STAGGER minus BC by C: ${gapsText(x)}.</p>`
    : ''
  const personCrossovers = (input.crossovers ?? [])
    .map(
      (c) =>
        `<li>${c.group}: ${crossoverText(c)}; STAGGER minus BC with each query re-priced at C = ${gapsText(c)}.</li>`,
    )
    .join('')
  const personCrossoverText = personCrossovers
    ? `<p>Crossover per person (a session at C asks the first budget / C of the same queries as at C = 1, so STAGGER's curves are re-priced rather than run again):</p><ul>${personCrossovers}</ul>`
    : ''
  write(
    'index.html',
    `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${input.task}: ${input.study} study</title>
<style>body{font-family:DejaVu Sans,Arial,sans-serif;max-width:960px;margin:2em auto;color:#222}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}img{max-width:100%;border:1px solid #eee}</style></head>
<body>
<h1>${input.task}: ${input.study} study</h1>
<p>Budget ${input.budget} (an offline label costs 1, a query C). Area: the return of the latest evaluated policy integrated over the cost axis and divided by the budget. Cost to 80% / 90%: where the mean curve first reaches that share of the way from the untrained learner to the expert. Bands: 80% bootstrap over seeds.</p>
<p><img src="summary.svg" alt="summary"></p>
${bySeconds ? `<p>Against the person's time: the area under return against human seconds over ${HUMAN_HORIZONS.map(horizonText).join(', ')} of the person, divided by that time: the return of the latest evaluated policy at each second, held past the session's end.</p><p><img src="summary-human-seconds.svg" alt="areas against human seconds"></p>` : ''}
${sweepCrossover}
${personCrossoverText}
<table><tr><th>algorithm</th><th>group</th><th>seeds</th><th>final return [80%]</th>${withSuccess ? '<th>final success</th>' : ''}${withCoverage ? '<th>final coverage</th>' : ''}<th>area [80%]</th><th>cost to 80%</th><th>cost to 90%</th>${withPerson ? `<th>human s [80%]</th><th>context switches</th><th>human s to 80%</th><th>return per human s [80%]</th>${HUMAN_HORIZONS.map((h) => `<th>area over ${horizonText(h)} of the person [80%]</th>`).join('')}` : ''}</tr>
${rows}
</table>
<h2>Curves</h2>
<ul>${input.groups.map((g) => `<li><a href="${slug(g.name)}/index.html">${g.name}</a> (expert ${g.expertReturn.toFixed(1)})</li>`).join('')}</ul>
<p>Data: <a href="results.csv">results.csv</a>; each group's evaluations.csv.</p>
${input.notes.map((n) => `<p>${n.replace(/</g, '&lt;')}</p>`).join('\n')}
</body></html>
`,
  )
  return files
}
