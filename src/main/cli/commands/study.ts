// `iwb study <name> --task T ...`: one of the studies of src/main/learn/study.ts, its sessions run like `iwb
// compare`'s (run-configs.ts: finished sessions with the whole configuration reused, unfinished ones resumed), the
// expert measured on the same evaluation episodes, then the figures and the report.
import { z } from 'zod'
import {
  algoLabel,
  envTaskId,
  FALL_ANGLE_TASKS,
  SESSION_LIMITS,
  type SessionConfig,
} from '../../../shared/session-config'
import { bootstrapBand, mean } from '../../../shared/stats'
import { expertFor } from '../../experts/registry'
import { learnerSpec } from '../../learn/algorithm'
import { expertReturn, poolEvaluator } from '../../learn/evaluation'
import { curveName, type RunCurve } from '../../learn/report/report'
import { writeStudyReport, type StudyGroup } from '../../learn/report/study-report'
import {
  armResult,
  noiseSweep,
  humanEffortOf,
  areaUnderCost,
  crossover,
  crossoverText,
  horizonText,
  mixtureReturns,
  repricedCrossover,
  type PersonCrossover,
  STUDY_DEFAULTS,
  STUDY_NAMES,
  studyArms,
  studyBudget,
  studyConfigs,
  type ArmResult,
  type Crossover,
  type StudyArm,
  type StudyName,
} from '../../learn/study'
import type { MlpWeights } from '../../sim/policy-spec'
import { taskInfo } from '../../sim/registry'
import { RolloutPool } from '../../sim/rollout-pool'
import { ensureDefaultWorkspaceFile, openWorkspace, sessionEffort } from '../../store'
import { oracleFromFlag } from '../person-flag'
import type { PersonText } from '../../../shared/person-model'
import { flag, parseCommandArgs, queueFlag } from '../args'
import { UsageError, type Command } from '../command'
import { runConfigs } from '../run-configs'
import { algoFlag, policyFromFlags, SESSION_OPTIONS, SESSION_SCHEMA } from '../session-flags'

/** Sessions one study may hold (seeds x arms), so a typo cannot queue days of work. */
const MAX_SESSIONS = 2000

function parseStudyArgs(argv: string[]) {
  const { values, positionals } = parseCommandArgs(argv, {
    positionals: 1,
    options: {
      task: { type: 'string' },
      seeds: { type: 'string' },
      'seed-base': { type: 'string' },
      db: { type: 'string' },
      report: { type: 'string' },
      json: { type: 'boolean' },
      algos: { type: 'string' },
      'cost-ratios': { type: 'string' },
      budget: { type: 'string' },
      'eval-episodes': { type: 'string' },
      'eval-points': { type: 'string' },
      schedule: { type: 'string' },
      epochs: { type: 'string' },
      standardise: { type: 'string' },
      'warm-sizes': { type: 'string' },
      'fall-angles': { type: 'string' },
      policy: SESSION_OPTIONS.policy,
      'policy-params': SESSION_OPTIONS['policy-params'],
      oracle: SESSION_OPTIONS.oracle,
      person: { type: 'string' },
      parallel: { type: 'string' },
      queue: { type: 'string' },
      'report-only': { type: 'boolean' },
    },
    schema: z
      .object({
        task: flag.task(),
        seeds: flag.int(1, 100).optional(),
        'seed-base': flag.int(0, SESSION_LIMITS.seed).default(0),
        db: flag.text().optional(),
        report: flag.text(),
        json: z.boolean().default(false),
        algos: flag.list(algoFlag(), 16).optional(),
        'cost-ratios': flag
          .list(flag.number(SESSION_LIMITS.costRatio.min, SESSION_LIMITS.costRatio.max), 16)
          .optional(),
        budget: flag.int(1, SESSION_LIMITS.budget).optional(),
        'eval-episodes': flag.int(1, SESSION_LIMITS.evalEpisodes).optional(),
        'eval-points': flag.int(1, 1000).optional(),
        schedule: flag.oneOf(['incremental', 'scratch']).optional(),
        epochs: flag.int(1, SESSION_LIMITS.epochs).optional(),
        standardise: SESSION_SCHEMA.standardise,
        'warm-sizes': flag.list(flag.int(1, SESSION_LIMITS.budget), 8).optional(),
        'fall-angles': flag.list(flag.number(SESSION_LIMITS.fallAngle.min, SESSION_LIMITS.fallAngle.max), 8).optional(),
        policy: SESSION_SCHEMA.policy,
        'policy-params': SESSION_SCHEMA['policy-params'],
        oracle: SESSION_SCHEMA.oracle,
        /** the person study's people: a fitted model file, or the noise sweep (default) */
        person: flag.text().optional(),
        parallel: flag.int(1, 64).default(2),
        // checked by queueFlag, whose message does not repeat a password
        queue: flag.text().optional(),
        'report-only': z.boolean().default(false),
      })
      .refine((v) => v['seed-base'] + (v.seeds ?? 1) - 1 <= SESSION_LIMITS.seed, {
        message: `--seed-base + --seeds must stay within ${SESSION_LIMITS.seed}`,
      }),
  })
  const name = positionals[0]
  if (!name || !(STUDY_NAMES as readonly string[]).includes(name))
    throw new UsageError(`which study? ${STUDY_NAMES.join(', ')}${name ? ` (got '${name}')` : ''}`)
  return { name: name as StudyName, v: values }
}

/** --person FILE|noise-sweep: the person study's simulated people (the sweep by default); refused elsewhere. */
function peopleFlag(study: StudyName, person: string | undefined): PersonText[] | undefined {
  if (person === undefined) return undefined
  if (study !== 'person') throw new UsageError('--person is for the person study (iwb study person)')
  if (person === 'noise-sweep') return noiseSweep()
  const p = oracleFromFlag(`person:${person}`)
  if (p === 'expert') throw new UsageError('--person takes a model file or noise-sweep')
  return [p]
}

export const command: Command = {
  name: 'study',
  summary: "the paper's experiments and around them: paper, cost-sweep, warm-size, recoverability, mixture, person",
  usage:
    'iwb study paper|cost-sweep|warm-size|recoverability|mixture|person --task T --report DIR [--seeds K] [--seed-base S]\n' +
    '          [--db FILE] [--json] [--algos a,b,...] [--cost-ratios 1,2,5,10] [--budget N] [--eval-episodes E]\n' +
    '          [--eval-points P] [--schedule incremental|scratch [--epochs N]] [--standardise data|expert] [--warm-sizes 50,200,800] [--fall-angles 0.1,0.2,...]\n' +
    '          [--policy mlp|gmm|chunk|diffusion [--policy-params JSON]] [--oracle expert|person:...|person:FILE]\n' +
    '          [--person FILE|noise-sweep]\n' +
    '          [--parallel P] [--queue redis://[:PASSWORD@]HOST[:PORT]] [--report-only]\n' +
    '  person: BC, DAgger, HG-DAgger, STAGGER and WARM-STAGGER answered by simulated people (--person FILE, a model\n' +
    '  iwb person --json wrote, or noise-sweep: action noise 0, 0.1, 0.3 of the range at the default seconds), with\n' +
    '  human seconds, context switches, human seconds to 80% and the return per human second beside return, and\n' +
    "  each person's BC/STAGGER crossover (STAGGER's C = 1 sessions re-priced at C = 1 to 200).\n" +
    "  paper: BC, DAgger, STAGGER, WARM-STAGGER 1/2 1/4 1/8 at C 1 and 2, 10 seeds, the authors' budgets\n" +
    '  (Hopper, Ant 1000; HalfCheetah, Walker2d 5000), 25 evaluation episodes at 20 points (--eval-points); cost-sweep: BC and\n' +
    '  STAGGER at C 1,2,5,10 and the crossover; warm-size: WARM-STAGGER with 50, 200, 800 offline states;\n' +
    `  recoverability: ${FALL_ANGLE_TASKS.join('/')} with the fall angle tightened and loosened; mixture: the final policy\n` +
    '  against the uniform mixture of the policies saved during training. Learners standardise their observations by\n' +
    "  the expert's fixed statistics where it has them, as the authors' did (--standardise data: from the labels).\n" +
    '  Finished sessions are reused. --oracle person:...: a simulated person answers every arm (docs/PERSON.md); the\n' +
    '  results add human seconds, context switches, human seconds to 80% and the return per human second.',
  async run(argv, io) {
    const started = Date.now()
    const { name, v } = parseStudyArgs(argv)
    const queue = queueFlag(v.queue)
    const defaults = STUDY_DEFAULTS[name]
    const task = v.task
    const costRatios = [...new Set(v['cost-ratios'] ?? defaults.costRatios)].sort((a, b) => a - b)
    const policy = policyFromFlags(v)
    let arms: StudyArm[]
    try {
      arms = studyArms(name, {
        task,
        seeds: v.seeds ?? defaults.seeds,
        seedBase: v['seed-base'],
        algos: v.algos?.map((a) => algoLabel(a)) ?? defaults.algos,
        costRatios,
        budget: v.budget,
        evalEpisodes: v['eval-episodes'],
        evalPoints: v['eval-points'],
        schedule: v.schedule,
        epochs: v.epochs,
        standardise: v.standardise,
        warmSizes: v['warm-sizes'],
        fallAngles: v['fall-angles'],
        policy,
        oracle: v.oracle === undefined ? undefined : oracleFromFlag(v.oracle),
        people: peopleFlag(name, v.person),
      })
    } catch (e) {
      if (e instanceof UsageError) throw e
      throw new UsageError((e as Error).message.replace(/^session config: /, ''))
    }
    const configs = studyConfigs(arms)
    if (configs.length > MAX_SESSIONS)
      throw new UsageError(
        `this study would hold ${configs.length} sessions (at most ${MAX_SESSIONS}); fewer seeds or arms`,
      )
    if (name === 'cost-sweep' && !(arms.some((a) => a.algo === 'bc') && arms.some((a) => a.algo === 'stagger')))
      throw new UsageError('cost-sweep needs bc and stagger among --algos for its crossover')
    const budget = studyBudget(task, v.budget)
    const file = v.db ?? ensureDefaultWorkspaceFile()
    if (!v.db) io.err(`workspace ${file} (the page's default; --db FILE for another)`)
    const ws = openWorkspace(file)
    try {
      const { plans, reused, failed, paused } = await runConfigs(ws, configs, io, {
        owner: `iwb study ${name}`,
        label: `${name} ${task}`,
        parallel: v.parallel,
        queue,
        reportOnly: v['report-only'],
      })
      if (plans.length === 0) throw new UsageError(`no stored sessions of this study in ${file}`)
      const byConfig = new Map(plans.map((p) => [JSON.stringify(p.config), p]))
      const planOf = (c: SessionConfig) => byConfig.get(JSON.stringify(c)) ?? null
      const curvesOf = (cs: readonly SessionConfig[]): RunCurve[] =>
        cs.flatMap((c) => {
          const p = planOf(c)
          if (!p) return []
          return [
            {
              algo: '',
              seed: c.seed,
              sessionId: p.sessionId,
              evaluations: ws.openSession(p.sessionId).evaluations(),
              contextSwitches: sessionEffort(ws, p.sessionId).contextSwitches,
            },
          ]
        })

      // The expert (and the untrained learner, the first evaluation) on each task variant's evaluation episodes.
      const variants = new Map<string, { expert: number; start: number }>()
      for (const envId of new Set(configs.map(envTaskId))) {
        const mine = configs.filter((c) => envTaskId(c) === envId)
        const pool = await RolloutPool.create(envId)
        const expert = await expertReturn(expertFor(task), mine, poolEvaluator(pool)).finally(() => pool.close())
        const firsts = curvesOf(mine)
          .filter((r) => r.evaluations.length > 0)
          .map((r) => mean(r.evaluations[0].returns))
        variants.set(envId, { expert: expert.mean, start: mean(firsts) })
      }
      const variantOf = (c: SessionConfig) => variants.get(envTaskId(c))!

      const results: ArmResult[] = []
      const groups = new Map<string, StudyGroup>()
      for (const arm of arms) {
        const curves = curvesOf(arm.configs).map((r) => ({ ...r, algo: arm.algo, policy: arm.policy }))
        const { expert, start } = variantOf(arm.configs[0])
        results.push(armResult(arm, curves, budget, start, expert))
        const g = groups.get(arm.group) ?? { name: arm.group, costRatio: arm.costRatio, expertReturn: expert, runs: [] }
        g.runs.push(...curves)
        groups.set(arm.group, g)
        if (name === 'mixture') results.push(await mixtureResult(arm, curves))
      }

      let cross: Crossover | null = null
      if (name === 'cost-sweep' || name === 'paper') {
        const aucs = (algo: string, c: number) =>
          curvesOf(arms.find((a) => a.algo === algo && a.costRatio === c)?.configs ?? []).map((r) =>
            areaUnderCost(r.evaluations, budget),
          )
        if (arms.some((a) => a.algo === 'bc') && arms.some((a) => a.algo === 'stagger'))
          cross = crossover(
            aucs('bc', costRatios[0]),
            costRatios.map((c) => aucs('stagger', c)),
            costRatios,
          )
      }
      // The person study: where each person's BC/STAGGER crossover lies, STAGGER's sessions re-priced (study.ts)
      const crossovers: PersonCrossover[] = []
      if (name === 'person')
        for (const g of groups.values()) {
          const runsOf = (algo: string) => g.runs.filter((r) => r.algo === algo).map((r) => r.evaluations)
          const [bc, stagger] = [runsOf('bc'), runsOf('stagger')]
          if (bc.length && stagger.length) crossovers.push({ group: g.name, ...repricedCrossover(bc, stagger, budget) })
        }

      const notes = [
        `${plans.length} sessions (${reused} reused from the store), ${((Date.now() - started) / 1000).toFixed(0)} s wall clock, ${v.parallel} at a time; workspace ${file}.`,
        `Training schedule: ${configs[0].schedule}${configs[0].epochs ? ` (${configs[0].epochs} epochs per retraining)` : ''}; observations standardised from ${configs[0].standardise === 'expert' ? "the expert's fixed statistics" : 'the labels'}; learner ${arms[0].policy}.`,
        ...[...variants].map(
          ([id, x]) => `${id}: expert ${x.expert.toFixed(1)}, untrained learner ${x.start.toFixed(1)}.`,
        ),
        ...[...failed, ...paused].map(
          ({ plan, outcome }) =>
            `session ${plan.sessionId} (${plan.config.algo} seed ${plan.config.seed}): ${outcome.status}${outcome.error ? `: ${outcome.error}` : ''}`,
        ),
      ]
      const files = await writeStudyReport(v.report, {
        study: name,
        task,
        budget,
        groups: [...groups.values()],
        results,
        crossover: cross,
        crossovers,
        notes,
      })
      if (!v.json) {
        for (const r of results)
          io.out(
            `${`${curveName(r)} ${r.group}`.padEnd(28)} final ${r.finalReturn.toFixed(1)} [${r.band80[0].toFixed(1)}, ${r.band80[1].toFixed(1)}]` +
              (r.successRate === null ? '' : `, success ${(100 * r.successRate).toFixed(0)} %`) +
              (r.coverage === null ? '' : `, coverage ${(100 * r.coverage).toFixed(0)} %`) +
              `  area ${Number.isFinite(r.auc) ? r.auc.toFixed(1) : '-'}  cost to 80% ${r.costTo80 === null ? 'not reached' : r.costTo80.toFixed(0)}` +
              (r.humanSeconds > 0
                ? `  human ${r.humanSeconds.toFixed(0)} s, ${r.contextSwitches ?? 0} switches, to 80% ${r.humanSecondsTo80 === null ? 'not reached' : `${r.humanSecondsTo80.toFixed(0)} s`}, ${r.rohe === null ? '' : `${r.rohe.toPrecision(3)} per s`}` +
                  (r.secondsAreas
                    ? `, area over ${r.secondsAreas.map((a) => `${horizonText(a.horizon)} ${a.area.toFixed(1)}`).join(', ')}`
                    : '')
                : '') +
              `  (${r.seeds} seeds)`,
          )
        if (cross) io.out(`crossover: ${crossoverText(cross)}`)
        for (const x of crossovers)
          io.out(`${x.group}: ${crossoverText(x)}, STAGGER re-priced at C = ${x.ratios.join(', ')}`)
        io.out(`report in ${v.report} (${files.length} files)`)
      }
      io.out(
        JSON.stringify({
          study: name,
          task,
          budget,
          results,
          ...(name === 'cost-sweep' ? { crossover: cross } : {}),
          ...(name === 'person' ? { crossovers } : {}),
          expert: Object.fromEntries(variants),
          failed: failed.length,
          paused: paused.length,
          seconds: (Date.now() - started) / 1000,
          workspace: file,
        }),
      )
      return failed.length || paused.length ? 1 : 0

      /** The uniform mixture of each seed's saved policies, on its final evaluation's episodes. */
      async function mixtureResult(arm: StudyArm, curves: RunCurve[]): Promise<ArmResult> {
        const info = taskInfo(task)
        const pool = await RolloutPool.create(envTaskId(arm.configs[0]))
        const evaluator = poolEvaluator(pool)
        const perSeed: number[] = []
        try {
          for (const c of arm.configs) {
            const p = planOf(c)
            const run = curves.find((r) => r.seed === c.seed)
            if (!p || !run || run.evaluations.length === 0) continue
            const policies = ws
              .openSession(p.sessionId)
              .policies()
              .map((pol) => learnerSpec(pol.weights as MlpWeights, info))
            const last = run.evaluations[run.evaluations.length - 1]
            perSeed.push(mean(await mixtureReturns(c, last.labels, policies, evaluator)))
          }
        } finally {
          await evaluator.close()
        }
        const b = bootstrapBand(perSeed)
        return {
          algo: `${arm.algo} (mixture)`,
          costRatio: arm.costRatio,
          group: arm.group,
          fallAngle: arm.fallAngle,
          policy: arm.policy,
          seeds: perSeed.length,
          finalReturn: b.mean,
          band80: [b.lo, b.hi],
          // the mixture's episodes give returns only
          successRate: null,
          coverage: null,
          costTo80: null,
          costTo90: null,
          auc: NaN,
          aucBand80: [NaN, NaN],
          // the same sessions: the same person's effort
          ...humanEffortOf(
            curves.filter((r) => r.evaluations.length > 0),
            variantOf(arm.configs[0]).start,
            variantOf(arm.configs[0]).expert,
          ),
        }
      }
    } finally {
      ws.close()
    }
  },
}
