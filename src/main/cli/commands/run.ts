// `iwb run --task T --algo A [...]`: one learning session with the shipped expert as oracle, hosted like every
// other session (src/main/session): stored in the workspace, resumed when an unfinished one with the same
// configuration exists, refused while it runs elsewhere, and reported from the store when it already finished.
import { z } from 'zod'
import { algoLabel, offlineLabel, SESSION_LIMITS, type SessionConfig } from '../../../shared/session-config'
import { policyLabel } from '../../../shared/policy-config'
import { ALGORITHMS, algorithm, algoUsage } from '../../../shared/algorithms'
import { expertFor, hasExpert } from '../../experts/registry'
import { expertReturn, poolEvaluator } from '../../learn/evaluation'
import { SessionHost, type HostOutcome } from '../../session/host'
import { planSession } from '../../session/sweep'
import { folderTaskSpec } from '../../sim/registry'
import { RolloutPool } from '../../sim/rollout-pool'
import {
  ensureDefaultWorkspaceFile,
  openWorkspace,
  resolveDemonstrations,
  sessionEffort,
  type Workspace,
} from '../../store'
import { flag, parseCommandArgs } from '../args'
import type { Command, CommandIO } from '../command'
import { progressBar } from '../progress'
import { algoFlag, configFromFlags, SESSION_OPTIONS, SESSION_SCHEMA } from '../session-flags'
import { mean } from '../../../shared/stats'
import { humanEffort } from '../../../shared/human-effort'
import { FORK_PHASE } from '../../../shared/warm-fork'

/** The algorithms that take offline labels ('BC / WARM-STAGGER'), and those of them that ask no oracle (BC). */
const OFFLINE_NAMES = ALGORITHMS.filter((a) => a.offline !== null)
  .map((a) => a.name)
  .join(' / ')
const ASKS_NONE = ALGORITHMS.filter((a) => a.offline !== null && !a.oracle)

export interface RunArgs {
  config: SessionConfig
  /** the workspace file; null: the default workspace (the page's) */
  db: string | null
  json: boolean
  /** start another session even when one with this configuration is stored */
  fresh: boolean
}

export function parseRunArgs(argv: string[]): RunArgs {
  const { values: v } = parseCommandArgs(argv, {
    options: { ...SESSION_OPTIONS, algo: { type: 'string' }, seed: { type: 'string' }, new: { type: 'boolean' } },
    schema: z.object({
      ...SESSION_SCHEMA,
      algo: algoFlag().default({ algo: 'stagger', algoParams: {} }),
      seed: flag.int(0, SESSION_LIMITS.seed).optional(),
      new: z.boolean().default(false),
    }),
  })
  const config = configFromFlags(v, { ...v.algo, seed: v.seed })
  return { config, db: v.db ?? null, json: v.json, fresh: v.new }
}

function storedResult(
  ws: Workspace,
  sessionId: number,
): {
  labels: number
  cost: number
  finalReturn: number | null
  successRate: number | null
  coverage: number | null
  status: string
} {
  const info = ws.sessionInfo(sessionId)
  const evals = ws.openSession(sessionId).evaluations()
  const last = evals[evals.length - 1]
  return {
    labels: info.labels,
    cost: info.cost,
    finalReturn: last ? mean(last.returns) : null,
    successRate: last?.successRate ?? null,
    coverage: last?.coverage ?? null,
    status: info.status,
  }
}

async function hostOne(ws: Workspace, sessionId: number, config: SessionConfig, io: CommandIO): Promise<HostOutcome> {
  const bar = progressBar(`${config.taskId} ${algoLabel(config)} seed ${config.seed}`, config.budget, {
    from: ws.sessionInfo(sessionId).cost,
  })
  const host = new SessionHost({
    ws,
    sessionId,
    owner: 'iwb run',
    evalWorkers: 2,
    onProgress: (p) => {
      // once: why the first part of a WARM-STAGGER session was instant
      if (FORK_PHASE.test(p.phase)) io.err(p.phase)
      bar.update(
        p.cost,
        p.lastReturn === null
          ? p.phase
          : `return ${p.lastReturn.toFixed(0)}` +
              (p.lastSuccessRate != null ? `, success ${(100 * p.lastSuccessRate).toFixed(0)} %` : ''),
      )
    },
  })
  const onSignal = (): void => {
    io.err('pausing at the end of this round (resume with the same command)')
    void host.stop('pause')
  }
  process.once('SIGINT', onSignal)
  try {
    const outcome = await host.done
    bar.finish(outcome.status)
    return outcome
  } finally {
    process.off('SIGINT', onSignal)
  }
}

export const command: Command = {
  name: 'run',
  summary: `run one learning session (${ALGORITHMS.map((a) => a.name).join(', ')}) with the shipped expert as oracle`,
  usage:
    `iwb run --task T --algo ${ALGORITHMS.map(algoUsage).join('|')} [--budget N] [--seed S] [--cost-ratio C]\n` +
    '        [--schedule incremental|scratch [--epochs N]] [--loss nll|mse] [--standardise data|expert] [--eval-every K] [--eval-episodes E]\n' +
    '        [--offline expert|demos[:ID,ID,...] [--operator O]] [--policy mlp|gmm|chunk|diffusion [--policy-params JSON]]\n' +
    '        [--algo-params JSON] [--db FILE] [--new] [--json]\n' +
    '        [--oracle expert|person:noise=N,lag=L,...|person:FILE]\n' +
    '  --algo-params: the algorithm\'s parameters as JSON, e.g. \'{"members":3,"spread":0.01}\' for ensemble-dagger or\n' +
    "  '{\"states\":10}' for dagger (each algorithm's schema in src/shared/algorithms.ts: defaults and bounds)\n" +
    '  budget is annotation cost (offline label 1, query C); defaults: budget 1000, seed 0, C 1, eval every 50 over\n' +
    '  25 episodes. The session is stored in --db (default: the workspace the page uses). The same command again\n' +
    '  resumes it when unfinished and prints its stored result when finished; --new starts another.\n' +
    `  --offline demos: ${OFFLINE_NAMES} draw their offline labels from recorded demonstrations of the task (the\n` +
    '  episodes named, or all complete ones, of --operator O only), without replacement; the oracle stays the expert.\n' +
    `  ${ASKS_NONE.map((a) => a.name).join(', ')} on demos asks no oracle, so it runs on a task of your own without an` +
    ' expert (iwb tasks add; docs/TASKS.md).\n' +
    '  --oracle person:...: a simulated person answers (the expert corrupted by its noise and bias, its skips, lag\n' +
    "  and seconds drawn from the session's generator; docs/PERSON.md lists the parameters); person:FILE reads a\n" +
    '  model iwb person --json wrote. The JSON line adds humanSeconds, contextSwitches, humanSecondsToExpert, rohe.\n' +
    "  --policy: the learner's class (default mlp, the paper's Gaussian MLP); --policy-params sets its parameters as\n" +
    '  JSON, e.g. \'{"modes":5,"history":2}\' for gmm (docs/POLICIES.md lists each class\'s parameters and bounds).',
  async run(argv, io) {
    const args = parseRunArgs(argv)
    const { config } = args
    // The oracle is the expert: a task without one is refused before anything is stored, except for BC on
    // recorded demonstrations, which asks no oracle (your own task folder's robot learns from your demonstrations).
    const asks = algorithm(config.algo).oracle
    const demosOnly = !asks && config.offline.kind === 'demos'
    if (!demosOnly && folderTaskSpec(config.taskId))
      throw new Error(
        `task '${config.taskId}' is your own model (a task folder) and has no expert, which ${config.algo}` +
          (asks ? ' needs to answer its queries' : ' needs for its offline labels') +
          `: --algo ${ASKS_NONE.map((a) => a.id).join('|')} --offline demos learns from your demonstrations alone` +
          ' (in the page a person answers queries)',
      )
    if (!demosOnly) expertFor(config.taskId)
    const file = args.db ?? ensureDefaultWorkspaceFile()
    if (!args.db) io.err(`workspace ${file} (the page's default; --db FILE for another)`)
    const ws = openWorkspace(file)
    const started = Date.now()
    try {
      // A bad choice of demonstrations is refused in one line before any session is stored.
      if (config.offline.kind === 'demos') resolveDemonstrations(ws, config.taskId, config.offline)
      const plan = planSession(ws, config, { fresh: args.fresh })!
      let outcome: HostOutcome | null = null
      if (plan.kind === 'finished')
        io.err(
          `session ${plan.sessionId} already finished with this configuration: its stored result follows (--new runs another)`,
        )
      else {
        if (plan.kind === 'resume') io.err(`resuming session ${plan.sessionId} (${plan.storedLabels} labels stored)`)
        try {
          outcome = await hostOne(ws, plan.sessionId, config, io)
        } catch (e) {
          io.err(`iwb run: ${(e as Error).message}`)
          return 1
        }
        if (outcome.error) io.err(`iwb run: session ${plan.sessionId} ${outcome.status}: ${outcome.error}`)
      }
      const stored = storedResult(ws, plan.sessionId)
      // A task without an expert (BC on demonstrations of your own model) has no expert's return: null.
      let expert: { mean: number | null; successRate: number | null; coverage: number | null } = {
        mean: null,
        successRate: null,
        coverage: null,
      }
      if (hasExpert(config.taskId)) {
        const pool = await RolloutPool.create(config.taskId)
        expert = await expertReturn(expertFor(config.taskId), [config], poolEvaluator(pool)).finally(() => pool.close())
      }
      // the person's seconds and context switches, and what they bought (shared/human-effort.ts)
      const effort = humanEffort(ws.curve(plan.sessionId), sessionEffort(ws, plan.sessionId), expert.mean)
      const line = {
        task: config.taskId,
        algo: algoLabel(config),
        policy: policyLabel(config.policy),
        offline: offlineLabel(config.offline),
        seed: config.seed,
        labels: stored.labels,
        cost: stored.cost,
        finalReturn: stored.finalReturn,
        successRate: stored.successRate,
        coverage: stored.coverage,
        expertReturn: expert.mean,
        expertSuccessRate: expert.successRate,
        expertCoverage: expert.coverage,
        oracle: config.oracle,
        humanSeconds: effort.humanSeconds,
        contextSwitches: effort.contextSwitches,
        humanSecondsToExpert: effort.secondsToExpert,
        rohe: effort.rohe,
        seconds: (Date.now() - started) / 1000,
        status: stored.status,
        reused: plan.kind === 'finished',
        backend: outcome?.result?.backend ?? null,
        sessionId: plan.sessionId,
        note: ws.sessionNote(plan.sessionId),
        workspace: file,
      }
      if (!args.json) {
        io.out(
          `${line.algo} (${line.policy}) on ${line.task} (session ${plan.sessionId}): ${line.labels} labels, cost ${line.cost}, final return ${line.finalReturn?.toFixed(1)}` +
            (line.successRate !== null ? `, success ${(100 * line.successRate).toFixed(0)} %` : ''),
        )
        if (line.note) io.out(`note: ${line.note}`)
        io.out(
          (expert.mean === null
            ? `no expert for ${line.task}`
            : `expert return ${expert.mean.toFixed(1)} on the same evaluation episodes`) +
            `; ${line.seconds.toFixed(1)} s${line.backend ? ` (${line.backend})` : ''}`,
        )
      }
      io.out(JSON.stringify(line))
      return stored.status === 'finished' ? 0 : 1
    } finally {
      ws.close()
    }
  },
}
