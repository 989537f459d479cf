// `iwb compare --task T --algos a,b,... [...] --report DIR`: algorithms x seeds with the shipped expert as oracle,
// each session hosted like every other (src/main/session), a few at a time, then the report. Sessions stored with
// exactly the same configuration are reused when finished and resumed when not, so a sweep can be extended.
import { z } from 'zod'
import { algoLabel, SESSION_LIMITS } from '../../../shared/session-config'
import { expertFor } from '../../experts/registry'
import { expertReturn, poolEvaluator } from '../../learn/evaluation'
import { writeReport } from '../../learn/report/report'
import { RolloutPool } from '../../sim/rollout-pool'
import { ensureDefaultWorkspaceFile, openWorkspace } from '../../store'
import { flag, parseCommandArgs, queueFlag } from '../args'
import { UsageError, type Command } from '../command'
import { runConfigs } from '../run-configs'
import { algoFlag, configFromFlags, SESSION_OPTIONS, SESSION_SCHEMA } from '../session-flags'
import { mean } from '../../../shared/stats'
import { POLICY_CLASSES, policyLabel } from '../../../shared/policy-config'
import { algorithm } from '../../../shared/algorithms'

const DEFAULT_ALGOS = 'bc,dagger,stagger,warm-stagger:0.25,warm-stagger:0.5'

function parseCompareArgs(argv: string[]) {
  return parseCommandArgs(argv, {
    options: {
      ...SESSION_OPTIONS,
      algos: { type: 'string' },
      seeds: { type: 'string' },
      'seed-base': { type: 'string' },
      parallel: { type: 'string' },
      queue: { type: 'string' },
      report: { type: 'string' },
      'report-only': { type: 'boolean' },
    },
    schema: z
      .object({
        ...SESSION_SCHEMA,
        algos: flag.list(algoFlag(), 32).prefault(DEFAULT_ALGOS),
        seeds: flag.int(1, 1000).default(5),
        'seed-base': flag.int(0, SESSION_LIMITS.seed).default(0),
        parallel: flag.int(1, 64).default(2),
        // checked by queueFlag below, whose message does not repeat a password
        queue: flag.text().optional(),
        report: flag.text(),
        'report-only': z.boolean().default(false),
      })
      .refine((v) => v['seed-base'] + v.seeds - 1 <= SESSION_LIMITS.seed, {
        message: `--seed-base + --seeds must stay within ${SESSION_LIMITS.seed}`,
      }),
  }).values
}

export const command: Command = {
  name: 'compare',
  summary: 'run algorithms x seeds with the shipped expert and write a report (plots, CSV, HTML)',
  usage:
    'iwb compare --task T --algos bc,stagger,warm-stagger:0.25,... [--budget N] [--seeds K] [--cost-ratio C] --report DIR\n' +
    '            [--db FILE] [--eval-every K] [--eval-episodes E] [--schedule S [--epochs N]] [--loss L] [--standardise data|expert]\n' +
    '            [--offline expert|demos[:ID,ID,...] [--operator O]] [--parallel P] [--seed-base S] [--report-only] [--json]\n' +
    '            [--queue redis://[:PASSWORD@]HOST[:PORT]] [--algo-params JSON]\n' +
    `            [--policy ${POLICY_CLASSES.map((c) => c.id).join('|')} [--policy-params JSON]] [--oracle expert|person:noise=N,...|person:FILE]\n` +
    '  --policy is the learner of every session (docs/POLICIES.md); --oracle a simulated person instead of the expert\n' +
    '  --algo-params sets parameters (JSON) of every algorithm named; each must take them\n' +
    '  --queue sends the sessions to `iwb worker` processes through Redis (docs/QUEUE.md) instead of running them here\n' +
    '  sessions are stored in --db (default: the workspace the page uses); --report-only writes the report from\n' +
    '  the sessions stored there without running anything',
  async run(argv, io) {
    const v = parseCompareArgs(argv)
    const reportDir = v.report
    const { seeds, parallel } = v
    const queue = queueFlag(v.queue)
    // --offline names the offline labels of the algorithms that take them (bc, warm-stagger); the others ask only.
    const flagsFor = (algo: string) =>
      algorithm(algo).offline !== null ? v : { ...v, offline: undefined, operator: undefined }
    const configs = v.algos.flatMap((algo) =>
      Array.from({ length: seeds }, (_, s) =>
        configFromFlags(flagsFor(algo.algo), { ...algo, seed: v['seed-base'] + s }),
      ),
    )
    const reportOnly = v['report-only']
    if (!reportOnly) expertFor(v.task) // the oracle is the expert: a task without one is refused before anything is stored
    const file = v.db ?? ensureDefaultWorkspaceFile()
    if (!v.db) io.err(`workspace ${file} (the page's default; --db FILE for another)`)
    const ws = openWorkspace(file)
    const started = Date.now()
    try {
      const { plans, reused, failed, paused } = await runConfigs(ws, configs, io, {
        owner: 'iwb compare',
        label: `compare ${configs[0].taskId}`,
        parallel,
        queue,
        reportOnly,
      })
      if (plans.length === 0) throw new UsageError(`no stored sessions of this sweep in ${file}`)
      const task = configs[0].taskId
      const budget = configs[0].budget
      // The expert on every session's evaluation episodes, each seed once.
      const pool = await RolloutPool.create(task)
      const expert = await expertReturn(expertFor(task), configs, poolEvaluator(pool)).finally(() => pool.close())
      const runs = plans.map((p) => ({
        algo: algoLabel(p.config),
        policy: policyLabel(p.config.policy),
        seed: p.config.seed,
        sessionId: p.sessionId,
        evaluations: ws.openSession(p.sessionId).evaluations(),
      }))
      const report = await writeReport(reportDir, {
        task,
        costRatio: configs[0].costRatio,
        budget,
        expertReturn: expert.mean,
        expertRates: { successRate: expert.successRate, coverage: expert.coverage },
        runs,
        notes: [
          `${plans.length} sessions (${reused} reused from the store), ${((Date.now() - started) / 1000).toFixed(0)} s wall clock, ${queue ? 'through the study queue' : `${parallel} at a time`}.`,
          `Expert return ${expert.mean.toFixed(1)} over the ${expert.returns.length} evaluation episodes of these sessions.`,
          ...[...failed, ...paused].map(
            ({ outcome: o, plan: p }) =>
              `${algoLabel(p.config)} seed ${p.config.seed}: ${o.status}${o.error ? `: ${o.error}` : ''}`,
          ),
        ],
      })
      if (!v.json) {
        for (const f of report.finals)
          io.out(
            `${f.name.padEnd(18)} final return ${f.meanReturn.toFixed(1)} [${f.lo.toFixed(1)}, ${f.hi.toFixed(1)}]` +
              (f.successRate === null ? '' : `, success ${(100 * f.successRate).toFixed(0)} %`) +
              (f.coverage === null ? '' : `, coverage ${(100 * f.coverage).toFixed(0)} %`) +
              ` over ${f.seeds} seeds`,
          )
        io.out(`expert ${expert.mean.toFixed(1)}; report in ${reportDir} (PNG by ${report.pngRenderer})`)
      }
      io.out(
        JSON.stringify({
          task,
          budget,
          costRatio: configs[0].costRatio,
          seeds,
          expertReturn: expert.mean,
          finals: report.finals,
          sessions: runs.map((r) => {
            const last = r.evaluations.length ? r.evaluations[r.evaluations.length - 1] : null
            return {
              algo: r.algo,
              policy: r.policy,
              seed: r.seed,
              sessionId: r.sessionId,
              finalReturn: last ? mean(last.returns) : null,
              successRate: last?.successRate ?? null,
              coverage: last?.coverage ?? null,
            }
          }),
          report: report.files,
          failed: failed.length,
          paused: paused.length,
          seconds: (Date.now() - started) / 1000,
          workspace: file,
        }),
      )
      return failed.length || paused.length ? 1 : 0
    } finally {
      ws.close()
    }
  },
}
