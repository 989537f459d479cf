// Learning curves for the comparison view: return (or the success rate, or the coverage) against the effort axes
// (cumulative cost, labels, human seconds), the sessions of one configuration averaged over their seeds, drawn by
// the plot module the CLI report uses too (src/shared/plot), plus the CSV export. No DOM here, so it is
// unit-testable.
import type { EvaluationPoint, SessionInfo } from '../../../shared/contract'
import {
  measureInfo,
  colorAt,
  evaluationsCsv,
  measureValue,
  summarizeRuns,
  type Figure,
  type Measure,
  type PlotPanel,
  type Series,
} from '../../../shared/plot'
import { policyKey, policyLabel } from '../../../shared/policy-config'
import { algoLabel, algoParamsKey, warmFractionOf } from '../../../shared/algorithms'
import { returnOnHumanEffort, secondsToExpert } from '../../../shared/human-effort'

export type EffortAxis = 'cost' | 'labels' | 'humanSeconds'
export const EFFORT_AXES: { key: EffortAxis; title: string }[] = [
  { key: 'cost', title: 'cumulative cost' },
  { key: 'labels', title: 'labels' },
  { key: 'humanSeconds', title: 'human seconds' },
]

export interface Curve {
  session: SessionInfo
  points: EvaluationPoint[]
  /** the times the robot turned to the person (queries it asked, takeovers started); absent: not known */
  contextSwitches?: number
}

/**
 * Who gave the labels: BC's come from its offline source alone (recorded demonstrations or expert states), the
 * others' queries from the oracle (and WARM-STAGGER's offline share from demonstrations when it used them).
 */
function labelSource(s: SessionInfo): string {
  const demos = s.offline?.kind === 'demos'
  if (s.algo === 'bc') return demos ? 'demonstrations' : 'expert states'
  return demos && s.algo === 'warm-stagger' ? `demonstrations + ${s.oracle}` : s.oracle
}

/** The algorithm with its parameters and the learner's class: 'bc · gmm', 'warm-stagger 0.5 · chunk(h2,k8)'. */
export function algoAndClass(s: SessionInfo): string {
  return `${algoLabel(s).replace(/:/g, ' ')} · ${policyLabel(s.policy)}`
}

export function curveName(s: SessionInfo): string {
  return `#${s.id} ${algoAndClass(s)} · ${labelSource(s)} · ${s.taskId}`
}

/** Sessions that differ only in their seed: one curve, the mean over them with an 80% bootstrap band. */
export interface CurveGroup {
  name: string
  color: string
  curves: Curve[]
}

function configKey(s: SessionInfo): string {
  return JSON.stringify([
    s.taskId,
    s.algo,
    algoParamsKey(s.algoParams),
    s.oracle,
    s.costRatio,
    s.budget,
    policyKey(s.policy),
  ])
}

export function groupCurves(curves: Curve[]): CurveGroup[] {
  const groups = new Map<string, Curve[]>()
  for (const c of curves) {
    const key = configKey(c.session)
    groups.set(key, [...(groups.get(key) ?? []), c])
  }
  return [...groups.values()].map((cs, i) => {
    const s = cs[0].session
    const ids = cs.map((c) => `#${c.session.id}`).join(', ')
    // Sessions with the same seed are repeats (the same curve), not more seeds.
    const n = new Set(cs.map((c) => c.session.seed)).size
    const seeds = `${n} seed${n === 1 ? '' : 's'}${cs.length > n ? `, ${cs.length} sessions` : ''}`
    // BC buys no queries: its cost ratio says nothing
    const ratio = s.algo === 'bc' ? '' : ` · C ${s.costRatio}`
    return {
      name: `${algoAndClass(s)} · ${labelSource(s)} · ${s.taskId}${ratio} · budget ${s.budget} (${seeds}: ${ids})`,
      color: colorAt(i),
      curves: cs,
    }
  })
}

/** The expert's mean return (and success rate) on the sessions' evaluation episodes: a dashed line in every panel. */
export interface ExpertLine {
  meanReturn: number
  /** null or absent: the task has no success condition */
  successRate?: number | null
  episodes: number
}

export function panelFor(
  groups: CurveGroup[],
  axis: EffortAxis,
  expert: ExpertLine | null = null,
  measure: Measure = 'return',
): PlotPanel {
  const series: Series[] = groups.map((g) => ({
    name: g.name,
    color: g.color,
    ...summarizeRuns(
      g.curves.map((c) => {
        // an evaluation without the measure is left out, not read as 0
        const pts = c.points
          .flatMap((p) => {
            const y = measureValue(p, measure)
            return y === null ? [] : [{ x: p[axis], y }]
          })
          .sort((a, b) => a.x - b.x)
        return { x: pts.map((p) => p.x), y: pts.map((p) => p.y) }
      }),
    ),
  }))
  const xs = groups.flatMap((g) => g.curves.flatMap((c) => c.points.map((p) => p[axis])))
  const flat = xs.length > 0 && xs.every((x) => x === 0)
  const title = EFFORT_AXES.find((a) => a.key === axis)?.title ?? axis
  const shown = measureInfo(measure)
  const y = expert && measureValue(expert, measure)
  const unit = measure === 'return' ? '' : ' %'
  return {
    id: axis,
    title: `${shown.title} vs ${title}`,
    xLabel: title,
    yLabel: axis === EFFORT_AXES[0].key ? shown.yLabel : undefined,
    series,
    note: groups.length === 0 ? 'pick sessions' : flat ? 'all at 0 (simulated oracle)' : undefined,
    ...(y !== null ? { reference: { y, label: `expert ${y.toFixed(measure === 'return' ? 1 : 0)}${unit}` } } : {}),
  }
}

/** The tasks of the chosen sessions, in the order they were chosen: returns of two tasks share no axis. */
export function curveTasks(curves: Curve[]): string[] {
  return [...new Set(curves.map((c) => c.session.taskId))]
}

/** The comparison figure: one panel per effort axis, the legend below. */
export function comparisonFigure(
  curves: Curve[],
  expert: ExpertLine | null = null,
  measure: Measure = 'return',
): Figure {
  const groups = groupCurves(curves)
  const title = measureInfo(measure).title
  return {
    panels: EFFORT_AXES.map((a) => panelFor(groups, a.key, expert, measure)),
    panelWidth: 380,
    panelHeight: 300,
    legend: 'below',
    legendColumns: 2,
    fontFamily: 'system-ui, DejaVu Sans, Arial, sans-serif',
    attributes: {
      'data-testid': 'compare-plot',
      role: 'img',
      'aria-label': `${title} against cumulative cost, labels and human seconds`,
    },
  }
}

/** One row per evaluation point, with the session's settings so the file stands on its own. */
export function curvesCsv(curves: Curve[]): string {
  return evaluationsCsv(
    curves.flatMap(({ session: s, points }) =>
      points.map((p) => ({
        session: s.id,
        task: s.taskId,
        algo: s.algo,
        warmFraction: warmFractionOf(s),
        oracle: s.oracle,
        budget: s.budget,
        costRatio: s.costRatio,
        seed: s.seed,
        labels: p.labels,
        cost: p.cost,
        humanSeconds: p.humanSeconds,
        meanReturn: p.meanReturn,
        stdReturn: p.stdReturn,
        policy: policyLabel(s.policy),
        successRate: p.successRate ?? null,
        coverage: p.coverage ?? null,
      })),
    ),
  )
}

export interface SummaryRow {
  session: SessionInfo
  evaluations: number
  finalReturn: number | null
  bestReturn: number | null
  /** the last evaluation's success rate; null for tasks without a success condition */
  finalSuccess: number | null
  /** the last evaluation's coverage (push-t); null for tasks that do not report one */
  finalCoverage: number | null
  /** human seconds at the first evaluation 80% of the way from the start to the expert (shared/human-effort.ts) */
  humanSecondsTo80: number | null
  /** return gained per human second; null without human seconds */
  rohe: number | null
  /** the session's context switches; null when not known */
  contextSwitches: number | null
}

/** Each session's row; `expert` (the shown task's expert line) gives the seconds to 80% of its sessions. */
export function summarize(curves: Curve[], expert: (ExpertLine & { taskId: string }) | null = null): SummaryRow[] {
  return curves.map((c) => {
    const byCost = [...c.points].sort((a, b) => a.cost - b.cost)
    const last = byCost.at(-1)
    const target = expert && expert.taskId === c.session.taskId ? expert.meanReturn : null
    return {
      humanSecondsTo80: c.session.humanSeconds > 0 ? secondsToExpert(byCost, target) : null,
      rohe: returnOnHumanEffort(byCost),
      contextSwitches: c.contextSwitches ?? null,
      session: c.session,
      evaluations: c.points.length,
      finalReturn: last ? last.meanReturn : null,
      bestReturn: last ? Math.max(...byCost.map((p) => p.meanReturn)) : null,
      finalSuccess: last?.successRate ?? null,
      finalCoverage: last?.coverage ?? null,
    }
  })
}
