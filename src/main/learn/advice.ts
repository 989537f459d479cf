// Advice: which of BC, STAGGER and WARM-STAGGER reaches a target return at the least annotation cost (the
// person's time, in offline-label units) at a measured cost ratio C, read from expert-oracle learning curves.
// The target is 80% of the way from the untrained learner's return to the expert's (for tasks whose returns
// start near 0 that is 80% of the expert's return; it also works for tasks with negative returns).
// The explanation is the paper's rule of thumb: interaction pays while C < R/mu. The curves give the break-even
// directly: STAGGER needs L labels (cost L*C), BC needs cost B, so STAGGER is cheaper while C < B / L.
// For a simulated person the curves are the ones that person answered, and the explanation says so first.
import { forYouLine, type AdviceOracle } from '../../shared/advice'
import type { SessionInfo } from '../../shared/contract'
import { isPersonOracle, parsePersonText } from '../../shared/person-model'
import { ALGO_VERSIONS, algoLabel, parseAlgoLabel, type SessionConfig } from '../../shared/session-config'
import { colorAt, renderFigure, summarizeRuns, type Figure, type Series } from '../../shared/plot'
import { mean } from '../../shared/stats'
import type { EvaluationRecord } from './session-log'

/** The algorithms advised between, as session labels. */
export const ADVICE_ALGOS = ['bc', 'stagger', 'warm-stagger:0.5'] as const
/** how far from the untrained learner's return towards the expert's the target lies */
export const ADVICE_FRACTION = 0.8

/** One stored session's curve. */
export interface AdviceRun {
  algo: string
  costRatio: number
  seed: number
  evaluations: readonly EvaluationRecord[]
  /** its evaluation episodes (the expert is measured on the same ones) */
  evalEpisodes?: number
}

export interface AdviceOption {
  algo: string
  /** the cost ratio of the curves used */
  costRatio: number
  seeds: number
  /** annotation cost at which the mean curve first reaches the target; null when it does not within its budget */
  costToTarget: number | null
  labelsToTarget: number | null
  finalReturn: number
  /** the largest cost the curves reach */
  maxCost: number
}

export interface Advice {
  costRatio: number
  expertReturn: number
  /** the untrained learner's return (mean of the first evaluations) */
  startReturn: number
  target: number
  /** the algorithm expected to reach the target at the least cost; null when none reaches it */
  choice: string | null
  /** at the stored cost ratio nearest C (BC's curves do not depend on C) */
  options: AdviceOption[]
  /** each stored cost ratio's options: the curves around C */
  around: { costRatio: number; options: AdviceOption[] }[]
  /** the C below which STAGGER is cheaper than BC on these curves (B / L), null when either misses the target */
  breakEven: number | null
  explanation: string[]
}

/** The configurations whose curves the advice reads: BC once, the interactive ones at each cost ratio. */
export function adviceConfigs(
  base: Omit<SessionConfig, 'algo' | 'algoParams' | 'costRatio' | 'seed'>,
  ratios: readonly number[],
  seeds: number,
): SessionConfig[] {
  const out: SessionConfig[] = []
  for (const label of ADVICE_ALGOS) {
    const { algo, algoParams } = parseAlgoLabel(label)
    // BC labels are offline (cost 1 whatever C is): one set of sessions, at the first ratio.
    for (const costRatio of algo === 'bc' ? ratios.slice(0, 1) : ratios)
      // each algorithm at the version this code runs, not the base's (BC's) version
      for (let seed = 0; seed < seeds; seed++)
        out.push({ ...base, algo, algoParams, costRatio, seed, algoVersion: ALGO_VERSIONS[algo] })
  }
  return out
}

/** The cost ratios around C the advice runs: C/2, C and 2C, within the session limits. */
export function ratiosAround(c: number, min: number, max: number): number[] {
  return [...new Set([c / 2, c, c * 2].map((r) => Math.min(max, Math.max(min, Number(r.toPrecision(6))))))]
}

/** First x where the curve reaches y >= target, interpolated between evaluations; null when it never does. */
export function firstReach(x: readonly number[], y: readonly number[], target: number): number | null {
  for (let i = 0; i < x.length; i++) {
    if (!(y[i] >= target)) continue
    if (i === 0) return x[0]
    const f = (target - y[i - 1]) / (y[i] - y[i - 1])
    return x[i - 1] + f * (x[i] - x[i - 1])
  }
  return null
}

function option(algo: string, costRatio: number, runs: readonly AdviceRun[], target: number): AdviceOption {
  const byCost = summarizeRuns(
    runs.map((r) => ({ x: r.evaluations.map((e) => e.cost), y: r.evaluations.map((e) => mean(e.returns)) })),
  )
  const byLabels = summarizeRuns(
    runs.map((r) => ({ x: r.evaluations.map((e) => e.labels), y: r.evaluations.map((e) => mean(e.returns)) })),
  )
  return {
    algo,
    costRatio,
    seeds: runs.length,
    costToTarget: firstReach(byCost.x, byCost.mean, target),
    labelsToTarget: firstReach(byLabels.x, byLabels.mean, target),
    finalReturn: byCost.mean[byCost.mean.length - 1] ?? NaN,
    maxCost: byCost.x[byCost.x.length - 1] ?? 0,
  }
}

const fmt = (v: number): string => (Math.abs(v) >= 100 ? v.toFixed(0) : v.toFixed(Math.abs(v) >= 10 ? 1 : 2))

/**
 * The advice at cost ratio C from stored curves and the expert's return on the same evaluation episodes; `oracle`
 * is who answered the curves (a simulated person's advice starts with the "for you" line).
 */
export function advise(
  runs: readonly AdviceRun[],
  expertReturn: number,
  costRatio: number,
  { oracle = 'expert', fraction = ADVICE_FRACTION }: { oracle?: AdviceOracle; fraction?: number } = {},
): Advice {
  const usable = runs.filter((r) => r.evaluations.length > 0 && (ADVICE_ALGOS as readonly string[]).includes(r.algo))
  if (usable.length === 0) throw new Error('no stored curves of bc, stagger or warm-stagger:0.5 to advise from')
  const startReturn = mean(usable.map((r) => mean(r.evaluations[0].returns)))
  const target = startReturn + fraction * (expertReturn - startReturn)
  const bc = usable.filter((r) => r.algo === 'bc')
  const ratios = [...new Set(usable.filter((r) => r.algo !== 'bc').map((r) => r.costRatio))].sort((a, b) => a - b)
  const at = (c: number): AdviceOption[] => {
    const out: AdviceOption[] = []
    for (const algo of ADVICE_ALGOS) {
      const mine = algo === 'bc' ? bc : usable.filter((r) => r.algo === algo && r.costRatio === c)
      if (mine.length) out.push(option(algo, c, mine, target))
    }
    return out
  }
  // The interactive curves at the stored ratio nearest C (in ratio terms); BC's are the same at every C.
  const nearest = ratios.length
    ? ratios.reduce((a, b) => (Math.abs(Math.log(b / costRatio)) < Math.abs(Math.log(a / costRatio)) ? b : a))
    : costRatio
  const options = at(nearest)
  const reached = options.filter((o) => o.costToTarget !== null)
  const choice = reached.length ? reached.reduce((a, b) => (b.costToTarget! < a.costToTarget! ? b : a)).algo : null
  const bcOpt = options.find((o) => o.algo === 'bc')
  const stOpt = options.find((o) => o.algo === 'stagger')
  const breakEven =
    bcOpt?.costToTarget != null && stOpt?.labelsToTarget ? bcOpt.costToTarget / stOpt.labelsToTarget : null

  const explanation = [
    ...(isPersonOracle(oracle) ? [forYouLine(parsePersonText(oracle), costRatio)] : []),
    `Target: ${Math.round(fraction * 100)}% of the way from the untrained learner's return (${fmt(startReturn)}) to the expert's (${fmt(expertReturn)}): ${fmt(target)}.`,
    ...(nearest !== costRatio && ratios.length
      ? [`No interactive curves stored at C = ${costRatio}; using those at C = ${nearest}.`]
      : []),
    ...options.map((o) =>
      o.costToTarget !== null
        ? `${o.algo} reaches it at cost ${fmt(o.costToTarget)} (${o.labelsToTarget !== null ? Math.round(o.labelsToTarget) : '?'} labels, ${o.seeds} seed${o.seeds === 1 ? '' : 's'}).`
        : `${o.algo} does not reach it within cost ${fmt(o.maxCost)} (final return ${fmt(o.finalReturn)}).`,
    ),
    'Rule of thumb (Li & Zhang): interaction pays while C < R/mu, R the largest return and mu (at most R) what one mistake can cost once the expert takes over (small when mistakes are recoverable).',
    breakEven !== null
      ? `On these curves STAGGER needs ${Math.round(stOpt!.labelsToTarget!)} queries and BC cost ${fmt(bcOpt!.costToTarget!)}, so interaction pays while C < ${fmt(breakEven)}; at C = ${costRatio} it ${costRatio < breakEven ? 'pays' : 'does not pay'}.`
      : 'The break-even C cannot be read from these curves (BC or STAGGER does not reach the target within its budget).',
    choice !== null
      ? `Advice at C = ${costRatio}: ${choice}, the least cost to the target.`
      : `Advice at C = ${costRatio}: none of them reaches the target within the budgets run; run larger budgets.`,
  ]
  return {
    costRatio,
    expertReturn,
    startReturn,
    target,
    choice,
    options,
    around: ratios.map((c) => ({ costRatio: c, options: at(c) })),
    breakEven,
    explanation,
  }
}

/** The curves behind the advice (return against cost at the ratio used, with the target) and cost to target against C. */
export function adviceFigure(runs: readonly AdviceRun[], advice: Advice, title: string): Figure {
  const nearest = advice.options.find((o) => o.algo !== 'bc')?.costRatio ?? advice.costRatio
  const curves: Series[] = ADVICE_ALGOS.flatMap((algo, i) => {
    const mine = runs.filter(
      (r) => r.algo === algo && (algo === 'bc' || r.costRatio === nearest) && r.evaluations.length,
    )
    if (!mine.length) return []
    const s = summarizeRuns(
      mine.map((r) => ({ x: r.evaluations.map((e) => e.cost), y: r.evaluations.map((e) => mean(e.returns)) })),
    )
    return [{ name: algo, color: colorAt(i), ...s }]
  })
  const ratios = advice.around.map((a) => a.costRatio)
  const costs: Series[] = ADVICE_ALGOS.map((algo, i) => {
    const y = advice.around.map((a) => a.options.find((o) => o.algo === algo)?.costToTarget ?? NaN)
    return { name: algo, color: colorAt(i), x: ratios, mean: y, lo: y, hi: y }
  })
  return {
    title,
    panels: [
      {
        title: `Return against cost (C = ${nearest})`,
        xLabel: 'annotation cost',
        yLabel: 'return',
        series: curves,
        reference: { y: advice.target, label: 'target' },
      },
      {
        title: 'Cost to the target against C',
        xLabel: 'cost ratio C',
        yLabel: 'cost',
        series: costs,
        note:
          ratios.length < 2
            ? 'one cost ratio stored'
            : costs.some((c) => c.mean.some((y) => !Number.isFinite(y)))
              ? 'a missing point: the target was not reached'
              : undefined,
      },
    ],
    panelWidth: 480,
    panelHeight: 360,
    legend: 'below',
    legendColumns: 3,
  }
}

export function adviceSvg(runs: readonly AdviceRun[], advice: Advice, title: string): string {
  return renderFigure(adviceFigure(runs, advice, title))
}

/** What the advice reads from a workspace (the store's Workspace has it): sessions and their curves. */
export interface CurveSource {
  listSessions(): SessionInfo[]
  openSession(id: number): { evaluations(): EvaluationRecord[]; readonly config: SessionConfig }
}

/** The finished sessions of a task that the advice counts (the expert's, or one simulated person's), with their curves. */
export function storedAdviceRuns(ws: CurveSource, taskId: string, oracle: AdviceOracle = 'expert'): AdviceRun[] {
  return ws
    .listSessions()
    .filter((s) => s.taskId === taskId && s.oracle === oracle && s.status === 'finished')
    .map((s) => ({ algo: algoLabel(s), costRatio: s.costRatio, seed: s.seed, id: s.id }))
    .filter((s) => (ADVICE_ALGOS as readonly string[]).includes(s.algo))
    .map(({ id, ...s }) => {
      const log = ws.openSession(id)
      return { ...s, evaluations: log.evaluations(), evalEpisodes: log.config.evalEpisodes }
    })
}

/** The seeds and episode counts of the runs: the expert's return is measured on their evaluation episodes. */
export function evaluationSettings(runs: readonly AdviceRun[]): Pick<SessionConfig, 'seed' | 'evalEpisodes'>[] {
  return runs.map((r) => ({ seed: r.seed, evalEpisodes: r.evalEpisodes ?? 1 }))
}
