// Studies: the paper's experiments and the questions around them, as sets of session configurations ("arms":
// one algorithm at one cost ratio and task variant, over seeds) and the figures read from their curves: final
// return, area under the return-versus-cost curve, the cost to reach 80% / 90% of the way to the expert, and for
// cost sweeps the cost ratio where BC overtakes STAGGER. Plain functions of configurations and evaluations; the
// CLI (`iwb study`) runs the sessions and src/main/learn/report/study-report.ts draws them.
import {
  parseAlgoLabel,
  sessionConfig,
  type OracleKind,
  type Schedule,
  type SessionConfig,
  type Standardise,
} from '../../shared/session-config'
import { DEFAULT_POLICY, policyLabel, type PolicyChoice } from '../../shared/policy-config'
import { summarizeRuns } from '../../shared/plot'
import { bootstrapBand, bootstrapStatisticBand, mean } from '../../shared/stats'
import { EXPERT_SHARE, returnOnHumanEffort } from '../../shared/human-effort'
import { parsePersonText, personModel, personText, type PersonText } from '../../shared/person-model'
import { hasExpertStatistics } from '../experts/registry'
import type { PolicySpec } from '../sim/policy-spec'
import { createRng } from '../sim/rng'
import { firstReach } from './advice'
import { evaluationEpisodes, trainingSeed, type Evaluator } from './evaluation'
import type { EvaluationRecord } from './session-log'

export const STUDY_NAMES = ['paper', 'cost-sweep', 'warm-size', 'recoverability', 'mixture', 'person'] as const
export type StudyName = (typeof STUDY_NAMES)[number]

/** The authors' annotation budgets (paper, section 6): Hopper and Ant 1000, HalfCheetah and Walker2d 5000. */
export const PAPER_BUDGETS: Readonly<Record<string, number>> = {
  hopper: 1000,
  ant: 1000,
  halfcheetah: 5000,
  walker2d: 5000,
}
/** Tasks outside the paper: one budget of 1000. */
export const OTHER_BUDGET = 1000
export const PAPER_ALGOS = ['bc', 'dagger', 'stagger', 'warm-stagger:0.5', 'warm-stagger:0.25', 'warm-stagger:0.125']
/** The authors evaluated at 20 points of the budget, 25 episodes each, over 10 seeds. */
export const EVAL_POINTS = 20
export const PAPER_EVAL_EPISODES = 25
export const PAPER_SEEDS = 10

/** Each study's defaults, overridden by the flags. */
export const STUDY_DEFAULTS: Readonly<
  Record<StudyName, { algos: readonly string[]; costRatios: readonly number[]; seeds: number }>
> = {
  paper: { algos: PAPER_ALGOS, costRatios: [1, 2], seeds: PAPER_SEEDS },
  'cost-sweep': { algos: ['bc', 'stagger'], costRatios: [1, 2, 5, 10], seeds: 5 },
  'warm-size': { algos: ['bc', 'stagger'], costRatios: [1], seeds: 5 },
  recoverability: { algos: ['bc', 'stagger'], costRatios: [1], seeds: 5 },
  mixture: { algos: ['dagger', 'stagger'], costRatios: [1], seeds: 5 },
  person: { algos: ['bc', 'dagger', 'hg-dagger', 'stagger', 'warm-stagger:0.5'], costRatios: [1], seeds: 5 },
}
/** The person study's noise sweep: simulated people with these spreads (fractions of the range), the default seconds. */
export const PERSON_NOISES = [0, 0.1, 0.3]

/** The noise sweep's people as the session config's oracle texts. */
export function noiseSweep(noises: readonly number[] = PERSON_NOISES): PersonText[] {
  return noises.map((noise) => personText(personModel({ noise })))
}
/** WARM-STAGGER's offline shares in the warm-size study, in states (labels of cost 1). */
export const WARM_SIZES = [50, 200, 800]
/** The recoverability study's fall angles (radians): Hopper's own 0.2 between a tighter and looser ones. */
export const FALL_ANGLES = [0.1, 0.2, 0.5, 1.0]

export interface StudyOptions {
  task: string
  seeds: number
  seedBase: number
  algos: readonly string[]
  costRatios: readonly number[]
  /** default: studyStandardise(task) */
  standardise?: Standardise
  /** default: PAPER_BUDGETS for the paper's tasks, OTHER_BUDGET otherwise */
  budget?: number
  evalEpisodes?: number
  /** points of the budget evaluated at (default EVAL_POINTS) */
  evalPoints?: number
  schedule?: Schedule
  epochs?: number | null
  warmSizes?: readonly number[]
  fallAngles?: readonly number[]
  /** the learner's policy class in every arm (default: the paper's mlp) */
  policy?: PolicyChoice
  /** who answers in every arm: the expert (default) or a simulated person's text (shared/person-model.ts) */
  oracle?: OracleKind
  /** the person study's simulated people (default: the noise sweep) */
  people?: readonly PersonText[]
}

/** One curve of a study: an algorithm at one cost ratio (and task variant), over seeds. */
export interface StudyArm {
  /** the algorithm as the CLI names it: 'bc', 'warm-stagger:0.25', 'dagger:m=10' */
  algo: string
  costRatio: number
  /** the figure the arm belongs to: 'C=2', 'fall=0.1' */
  group: string
  fallAngle: number | null
  /** the learner's policy class as policyLabel names it ('mlp', 'gmm', 'chunk(h2,k8)', ...) */
  policy: string
  /** the person study: the simulated person's mean action noise (the summary's x); absent elsewhere */
  personNoise?: number
  configs: SessionConfig[]
}

/**
 * Studies reproduce the authors' protocol, so their learners standardise by the expert's fixed statistics where the
 * task's expert has them (the authors' environments did); tasks with a scripted expert standardise from the data.
 */
export function studyStandardise(task: string): Standardise {
  return hasExpertStatistics(task) ? 'expert' : 'data'
}

export function studyBudget(task: string, budget?: number): number {
  return budget ?? PAPER_BUDGETS[task] ?? OTHER_BUDGET
}

/**
 * The arms of a study. BC's labels cost 1 whatever C is, so its sessions are stored once (at C = 1) and drawn
 * in every cost ratio's figure. Evaluations at EVAL_POINTS (or `evalPoints`) points of the budget.
 */
export function studyArms(name: StudyName, o: StudyOptions): StudyArm[] {
  const budget = studyBudget(o.task, o.budget)
  const base = {
    taskId: o.task,
    budget,
    evalEvery: Math.max(1, Math.round(budget / (o.evalPoints ?? EVAL_POINTS))),
    evalEpisodes: o.evalEpisodes ?? PAPER_EVAL_EPISODES,
    schedule: o.schedule ?? 'incremental',
    epochs: o.epochs ?? null,
    standardise: o.standardise ?? studyStandardise(o.task),
    policy: o.policy ?? DEFAULT_POLICY,
    oracle: o.oracle ?? 'expert',
  }
  const seeds = Array.from({ length: o.seeds }, (_, i) => o.seedBase + i)
  const arm = (
    label: string,
    costRatio: number,
    group: string,
    fallAngle: number | null = null,
    person: PersonText | null = null,
  ): StudyArm => {
    const parsed = parseAlgoLabel(label)
    const c = parsed.algo === 'bc' ? 1 : costRatio
    const noise = person ? parsePersonText(person).noise : null
    return {
      algo: label,
      costRatio,
      group,
      fallAngle,
      policy: policyLabel(base.policy),
      ...(noise === null ? {} : { personNoise: Array.isArray(noise) ? mean(noise) : noise }),
      configs: seeds.map((seed) =>
        sessionConfig({
          ...base,
          ...(person ? { oracle: person } : {}),
          algo: parsed.algo,
          algoParams: parsed.algoParams,
          costRatio: c,
          seed,
          fallAngle,
        }),
      ),
    }
  }
  const c0 = o.costRatios[0]
  switch (name) {
    case 'paper':
    case 'cost-sweep':
    case 'mixture':
      return o.costRatios.flatMap((c) => o.algos.map((a) => arm(a, c, `C=${c}`)))
    case 'warm-size': {
      const sizes = o.warmSizes ?? WARM_SIZES
      const tooBig = sizes.filter((n) => n > budget)
      if (tooBig.length)
        throw new RangeError(`warm-size: offline shares ${tooBig.join(', ')} exceed the budget ${budget}`)
      const warm = sizes.map((n) => `warm-stagger:${n / budget}`)
      return [...o.algos, ...warm].map((a) => arm(a, c0, `C=${c0}`))
    }
    case 'recoverability':
      return (o.fallAngles ?? FALL_ANGLES).flatMap((f) => o.algos.map((a) => arm(a, c0, `fall=${f}`, f)))
    case 'person':
      // each simulated person answers every algorithm; a group per person, named by its noise
      return (o.people ?? noiseSweep()).flatMap((p, i) => {
        const noise = parsePersonText(p).noise
        const name = `person ${i + 1} (noise ${Array.isArray(noise) ? noise.join('/') : noise})`
        return o.algos.map((a) => arm(a, c0, name, null, p))
      })
  }
}

/** Every configuration of the arms once (BC's are shared by the cost ratios' figures). */
export function studyConfigs(arms: readonly StudyArm[]): SessionConfig[] {
  const seen = new Map<string, SessionConfig>()
  for (const a of arms) for (const c of a.configs) seen.set(JSON.stringify(c), c)
  return [...seen.values()]
}

/** One seed's curve: mean evaluation return at each evaluation's cost. */
export interface SeedCurve {
  seed: number
  evaluations: readonly EvaluationRecord[]
  /** the session's context switches (store/human-time.ts sessionEffort); absent: not counted */
  contextSwitches?: number
}

/**
 * Area under the return-versus-cost curve over [0, budget], divided by the budget (a mean return, in the task's
 * units). The curve is the return of the latest evaluated policy at each cost (a staircase): the policy one holds
 * having paid that much. Past its last evaluation the curve holds its last value.
 */
export function areaUnderCost(evaluations: readonly EvaluationRecord[], budget: number): number {
  if (evaluations.length === 0 || !(budget > 0)) return NaN
  let area = 0
  for (let i = 0; i < evaluations.length; i++) {
    const from = Math.min(budget, evaluations[i].cost)
    const to = i + 1 < evaluations.length ? Math.min(budget, evaluations[i + 1].cost) : budget
    area += mean(evaluations[i].returns) * Math.max(0, to - from)
  }
  return area / budget
}

/**
 * The person's time budgets (seconds) over which the person study integrates return against human seconds: a
 * minute, ten minutes and an hour of a person. The methods' human seconds differ a thousandfold (a held takeover
 * step costs milliseconds, a query seconds), so no single horizon says which method a person should use.
 */
export const HUMAN_HORIZONS: readonly number[] = [60, 600, 3600]

/** '1 min', '10 min', '1 h', '45 s' */
export function horizonText(seconds: number): string {
  if (seconds % 3600 === 0) return `${seconds / 3600} h`
  return seconds % 60 === 0 ? `${seconds / 60} min` : `${seconds} s`
}

/** Area under return against human seconds over [0, horizon] / horizon: areaUnderCost on the human-seconds axis. */
export function areaUnderHumanSeconds(evaluations: readonly EvaluationRecord[], horizon: number): number {
  return areaUnderCost(
    evaluations.map((e) => ({ ...e, cost: e.humanSeconds })),
    horizon,
  )
}

/** The cost ratios at which a person study re-prices its STAGGER sessions to find each person's crossover. */
export const REPRICED_RATIOS = [1, 2, 5, 10, 20, 50, 100, 200]

/**
 * A query-only session's area (STAGGER's) as if each query had cost `costRatio`. A session at C asks the same
 * queries as the one at C = 1 (the same seed draws the same states, answers and training), only budget / C of them,
 * so its curve is this one's with the cost axis stretched by C and cut at the budget. Measured: hopper sessions at
 * C = 2, 5 and 10 gave the same evaluations as the C = 1 session at the same labels.
 */
export function repricedArea(evaluations: readonly EvaluationRecord[], costRatio: number, budget: number): number {
  return areaUnderCost(
    evaluations.map((e) => ({ ...e, cost: e.labels * costRatio })),
    budget,
  )
}

/** A person's crossover in the person study (its group's name). */
export type PersonCrossover = Crossover & { group: string }

/** "BC's area overtakes STAGGER's at C = 2.67 (80% band 2.04 to 3.42)", or that it never does up to the last ratio. */
export function crossoverText(x: Crossover): string {
  const band = x.band80.map((b) => (b === null ? '?' : b.toFixed(2))).join(' to ')
  return x.ratio === null
    ? `STAGGER's area stays ahead of BC's up to C = ${x.ratios[x.ratios.length - 1]}`
    : `BC's area overtakes STAGGER's at C = ${x.ratio.toFixed(2)} (80% band ${band})`
}

/** BC's and STAGGER's crossover from one run of each per seed, STAGGER's re-priced at each of `ratios`. */
export function repricedCrossover(
  bc: readonly (readonly EvaluationRecord[])[],
  stagger: readonly (readonly EvaluationRecord[])[],
  budget: number,
  ratios: readonly number[] = REPRICED_RATIOS,
): Crossover {
  return crossover(
    bc.map((e) => areaUnderCost(e, budget)),
    ratios.map((c) => stagger.map((e) => repricedArea(e, c, budget))),
    [...ratios],
  )
}

export interface ArmResult {
  algo: string
  costRatio: number
  group: string
  fallAngle: number | null
  /** the learner's policy class (policyLabel); 'mlp' by default */
  policy: string
  /** the person study: the simulated person's mean action noise */
  personNoise?: number
  seeds: number
  finalReturn: number
  band80: [number, number]
  /** mean over seeds of the final evaluation's success rate; null for tasks without a success condition */
  successRate: number | null
  /** mean over seeds of the final evaluation's coverage (push-t); null for tasks without it */
  coverage: number | null
  /** annotation cost at which the seeds' mean curve first reaches 80% (90%) of the way to the expert; null: never */
  costTo80: number | null
  costTo90: number | null
  auc: number
  aucBand80: [number, number]
  /** the person's effort (shared/human-effort.ts), means over seeds with 80% bands: seconds at the final evaluation */
  humanSeconds: number
  humanSecondsBand80: [number, number]
  /** null when the curves carry no count */
  contextSwitches: number | null
  contextSwitchesBand80: [number, number] | null
  /** human seconds at which the seeds' mean curve against human seconds first reaches 80% of the way to the expert */
  humanSecondsTo80: number | null
  /** return gained per human second; null without human seconds */
  rohe: number | null
  roheBand80: [number, number] | null
  /** area under return against human seconds at each of HUMAN_HORIZONS, with its band; null without human seconds */
  secondsAreas: SecondsArea[] | null
}

/** An arm's area under return against human seconds over [0, horizon] seconds (a mean return, the task's units). */
export interface SecondsArea {
  horizon: number
  area: number
  band80: [number, number]
}

/**
 * The figures of one arm. `start` is the untrained learner's return and `expert` the expert's, on the same
 * evaluation episodes; the targets lie 80% and 90% of the way between them (advice.ts: the same rule).
 */
export function armResult(
  arm: Omit<StudyArm, 'configs' | 'policy'> & { policy?: string },
  curves: readonly SeedCurve[],
  budget: number,
  start: number,
  expert: number,
): ArmResult {
  const live = curves.filter((c) => c.evaluations.length > 0)
  const lasts = live.map((c) => c.evaluations[c.evaluations.length - 1])
  const finals = lasts.map((e) => mean(e.returns))
  const aucs = live.map((c) => areaUnderCost(c.evaluations, budget))
  const f = bootstrapBand(finals)
  const a = bootstrapBand(aucs)
  const byCost = summarizeRuns(
    live.map((c) => ({ x: c.evaluations.map((e) => e.cost), y: c.evaluations.map((e) => mean(e.returns)) })),
  )
  const reach = (share: number): number | null => firstReach(byCost.x, byCost.mean, start + share * (expert - start))
  const effort = humanEffortOf(live, start, expert)
  return {
    algo: arm.algo,
    costRatio: arm.costRatio,
    group: arm.group,
    fallAngle: arm.fallAngle,
    policy: arm.policy ?? 'mlp',
    ...(arm.personNoise === undefined ? {} : { personNoise: arm.personNoise }),
    seeds: live.length,
    finalReturn: f.mean,
    band80: [f.lo, f.hi],
    successRate: meanKnown(lasts.map((e) => e.successRate)),
    coverage: meanKnown(lasts.map((e) => e.coverage)),
    costTo80: reach(0.8),
    costTo90: reach(0.9),
    auc: a.mean,
    aucBand80: [a.lo, a.hi],
    ...effort,
  }
}

/** An arm's human-effort figures over its seeds (the expert's sessions: 0 seconds, no ROHE). */
export function humanEffortOf(
  live: readonly SeedCurve[],
  start: number,
  expert: number,
): Pick<
  ArmResult,
  | 'humanSeconds'
  | 'humanSecondsBand80'
  | 'contextSwitches'
  | 'contextSwitchesBand80'
  | 'humanSecondsTo80'
  | 'rohe'
  | 'roheBand80'
  | 'secondsAreas'
> {
  const band = (xs: number[]): { mean: number; band: [number, number] } => {
    const b = bootstrapBand(xs)
    return { mean: b.mean, band: [b.lo, b.hi] }
  }
  const seconds = band(live.map((c) => c.evaluations[c.evaluations.length - 1].humanSeconds))
  const counted = live.filter((c) => c.contextSwitches !== undefined).map((c) => c.contextSwitches!)
  const switches = counted.length ? band(counted) : null
  const points = (c: SeedCurve) =>
    c.evaluations.map((e) => ({ humanSeconds: e.humanSeconds, meanReturn: mean(e.returns) }))
  const rohes = live.map((c) => returnOnHumanEffort(points(c))).filter((r): r is number => r !== null)
  const rohe = rohes.length ? band(rohes) : null
  let to80: number | null = null
  if (live.length && seconds.mean > 0) {
    const bySeconds = summarizeRuns(
      live.map((c) => ({ x: c.evaluations.map((e) => e.humanSeconds), y: c.evaluations.map((e) => mean(e.returns)) })),
    )
    to80 = firstReach(bySeconds.x, bySeconds.mean, start + EXPERT_SHARE * (expert - start))
  }
  const secondsAreas =
    live.length && seconds.mean > 0
      ? HUMAN_HORIZONS.map((horizon) => {
          const b = band(live.map((c) => areaUnderHumanSeconds(c.evaluations, horizon)))
          return { horizon, area: b.mean, band80: b.band }
        })
      : null
  return {
    humanSeconds: seconds.mean,
    humanSecondsBand80: seconds.band,
    contextSwitches: switches?.mean ?? null,
    contextSwitchesBand80: switches?.band ?? null,
    humanSecondsTo80: to80,
    rohe: rohe?.mean ?? null,
    roheBand80: rohe?.band ?? null,
    secondsAreas,
  }
}

/** The mean of the values given (null or absent ones left out); null when none is given. */
function meanKnown(values: readonly (number | null | undefined)[]): number | null {
  const known = values.filter((v): v is number => typeof v === 'number')
  return known.length ? mean(known) : null
}

/** Where a descending gap (STAGGER's AUC minus BC's, against C) first crosses 0, interpolated in log C; null: never. */
export function crossingRatio(ratios: readonly number[], gaps: readonly number[]): number | null {
  for (let i = 0; i < ratios.length; i++) {
    if (!(gaps[i] < 0)) continue
    if (i === 0) return ratios[0]
    const f = gaps[i - 1] / (gaps[i - 1] - gaps[i])
    return Math.exp(Math.log(ratios[i - 1]) + f * (Math.log(ratios[i]) - Math.log(ratios[i - 1])))
  }
  return null
}

export interface Crossover {
  /** the cost ratio above which BC's area exceeds STAGGER's; null when STAGGER stays ahead over the ratios run */
  ratio: number | null
  /** 80% bootstrap band over seeds (resampling each arm's seeds); null ends when too few resamples cross */
  band80: [number | null, number | null]
  /** share of the bootstrap resamples in which a crossing exists */
  support: number
  ratios: number[]
  /** STAGGER's AUC minus BC's at each ratio */
  gaps: number[]
}

/** The crossover of a cost sweep: BC's per-seed areas against STAGGER's at each cost ratio (ascending). */
export function crossover(
  bcAucs: readonly number[],
  staggerAucs: readonly (readonly number[])[],
  ratios: number[],
): Crossover {
  const gapsOf = (samples: readonly (readonly number[])[]): number[] =>
    samples.slice(1).map((s) => mean(s) - mean(samples[0]))
  const samples = [bcAucs, ...staggerAucs]
  const gaps = gapsOf(samples)
  let crossed = 0
  let total = 0
  const band = bootstrapStatisticBand(samples, (s) => {
    total++
    const r = crossingRatio(ratios, gapsOf(s))
    if (r === null) return NaN
    crossed++
    return r
  })
  // the first call is the statistic on the data itself, not a resample
  const support = total > 1 ? (crossed - (crossingRatio(ratios, gaps) === null ? 0 : 1)) / (total - 1) : 0
  const ok = support >= 0.1
  return {
    ratio: crossingRatio(ratios, gaps),
    band80: [ok && Number.isFinite(band.lo) ? band.lo : null, ok && Number.isFinite(band.hi) ? band.hi : null],
    support,
    ratios,
    gaps,
  }
}

/**
 * The return of the uniform mixture of the policies a session saved (one with each evaluation, so a subsample
 * of every policy it trained, evenly spread over its labels): each of the final evaluation's episodes (the same
 * resets and action noise) is run by one policy drawn uniformly, the mixture the analysis bounds (paper, sec. 4).
 */
export async function mixtureReturns(
  config: SessionConfig,
  labels: number,
  policies: readonly PolicySpec[],
  evaluator: Evaluator,
): Promise<number[]> {
  if (policies.length === 0) throw new RangeError(`no saved policies to mix for ${config.taskId} seed ${config.seed}`)
  const episodes = evaluationEpisodes(config, labels)
  const rng = createRng(trainingSeed(config.seed, 0x6d697800))
  const pick = episodes.map(() => rng.int(policies.length))
  const returns = new Array<number>(episodes.length)
  for (let k = 0; k < policies.length; k++) {
    const mine = episodes.map((_, i) => i).filter((i) => pick[i] === k)
    if (mine.length === 0) continue
    const r = await evaluator.evaluate(
      policies[k],
      mine.map((i) => episodes[i]),
    )
    mine.forEach((i, j) => (returns[i] = r.returns[j]))
  }
  return returns
}
