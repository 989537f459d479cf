// `iwb policy export|eval`: a trained policy leaves the workbench as model.safetensors + config.json
// (learn/policy-file.ts; docs/POLICIES.md), and a policy folder is evaluated with the sessions' own episode routine:
// given the session's seed and evalEpisodes (config.json's), it gives the returns the session stored.
import { existsSync } from 'node:fs'
import { z } from 'zod'
import { registerWorkspaceTasks } from '../../api/workspace-tasks'
import { learnerSpec } from '../../learn/algorithm'
import { evaluationEpisodes, localEvaluator } from '../../learn/evaluation'
import { exportPolicy, sizeMismatch } from '../../learn/policy-file'
import { readPolicyFolder, writePolicyFolder } from '../policy-folder'
import { makeEnv, taskInfo } from '../../sim/registry'
import { openWorkspace } from '../../store'
import { envTaskId } from '../../../shared/session-config'
import { mean } from '../../../shared/stats'
import { MAX_SEED, flag, parseCommandArgs } from '../args'
import { UsageError, type Command } from '../command'
import type { TaskInfo } from '../../../shared/contract'
import { registerTasksOf, workspaceOfArgs } from '../workspace-tasks'

const EXPORT_USAGE = `iwb policy export --db FILE --session N [--labels K] --out DIR [--json]
  writes the session's policy (the one saved with its evaluation at K labels; default the latest) to DIR as
  model.safetensors (every weight array a named F32 tensor, F64 where F32 would round it) and config.json (class
  and parameters, task, sizes, action bounds, standardisation, history and chunk lengths, activation, labels, the
  session's evaluation seed and evalEpisodes and its stored returns); docs/POLICIES.md reads them from Python`

const EVAL_USAGE = `iwb policy eval --from DIR [--task T] [--episodes E] [--seed S] [--db FILE] [--json]
  loads DIR's policy, checks its sizes against task T (default: the session's, from config.json) and runs E
  evaluation episodes (default config.json's evalEpisodes) of seed S (default config.json's seed) with the
  sessions' episode routine; with the session's seed and evalEpisodes it gives the session's stored returns
  --db FILE   the workspace whose own tasks T may name (default the default workspace)`

/** The task an id names, among the shipped ones or the workspace's own; a usage error when none. */
async function resolveTask(taskId: string, workspace: string): Promise<TaskInfo> {
  try {
    return taskInfo(taskId)
  } catch {
    await registerTasksOf(workspace)
  }
  try {
    return taskInfo(taskId)
  } catch (err) {
    throw new UsageError(`--task: ${(err as Error).message}`)
  }
}

const exportCommand: Command = {
  name: 'export',
  summary: "write a session's policy as model.safetensors + config.json",
  usage: EXPORT_USAGE,
  async run(argv, io) {
    const { values: v } = parseCommandArgs(argv, {
      options: {
        db: { type: 'string' },
        session: { type: 'string' },
        labels: { type: 'string' },
        out: { type: 'string' },
        json: { type: 'boolean' },
      },
      schema: z.object({
        db: flag.text(),
        session: flag.int(1, Number.MAX_SAFE_INTEGER),
        labels: flag.int(0, Number.MAX_SAFE_INTEGER).optional(),
        out: flag.text(),
        json: z.boolean().default(false),
      }),
    })
    if (!existsSync(v.db)) throw new Error(`no workspace ${v.db}`)
    const ws = openWorkspace(v.db, { readonly: true })
    try {
      const log = ws.openSession(v.session)
      const config = log.config
      const saved = log.policies()
      if (!saved.length)
        throw new Error(`session ${v.session} has no saved policy yet (a policy is saved with each evaluation)`)
      const at = v.labels ?? saved[saved.length - 1].labels
      const policy = saved.filter((p) => p.labels === at).pop()
      if (!policy) {
        const known = [...new Set(saved.map((p) => p.labels))]
        throw new Error(
          `session ${v.session} has no policy saved at ${at} labels (saved at ${known.slice(0, 20).join(', ')}${known.length > 20 ? ', ...' : ''})`,
        )
      }
      const evaluation = log
        .evaluations()
        .filter((e) => e.labels === at)
        .pop()
      try {
        await registerWorkspaceTasks(ws)
      } catch {
        /* an older schema without task_files: only the shipped tasks */
      }
      const task = taskInfo(envTaskId(config))
      const files = exportPolicy(
        policy.weights,
        {
          sessionId: v.session,
          algo: config.algo,
          backend: policy.backend,
          taskId: config.taskId,
          envTaskId: envTaskId(config),
          policy: config.policy,
          labels: at,
          seed: config.seed,
          evalEpisodes: config.evalEpisodes,
          returns: evaluation?.returns ?? null,
          successRate: evaluation?.successRate ?? null,
        },
        task,
      )
      const written = writePolicyFolder(v.out, files)
      const c = files.config
      if (v.json)
        io.out(
          JSON.stringify({
            out: v.out,
            files: written,
            session: v.session,
            labels: at,
            class: c.class,
            taskId: c.taskId,
            tensors: Object.keys(c.tensors).length,
            bytes: files.model.length,
          }),
        )
      else
        io.out(
          `exported the ${c.class} policy of session ${v.session} at ${at} labels (task ${c.envTaskId}, ${Object.keys(c.tensors).length} tensors, ${files.model.length} bytes) to ${v.out}`,
        )
      return 0
    } finally {
      ws.close()
    }
  },
}

const evalCommand: Command = {
  name: 'eval',
  summary: 'evaluate a policy folder on a task with the sessions’ episode routine',
  usage: EVAL_USAGE,
  async run(argv, io) {
    const { values: v } = parseCommandArgs(argv, {
      options: {
        from: { type: 'string' },
        task: { type: 'string' },
        episodes: { type: 'string' },
        seed: { type: 'string' },
        db: { type: 'string' },
        json: { type: 'boolean' },
      },
      schema: z.object({
        from: flag.text(),
        task: flag.text().optional(),
        episodes: flag.int(1, 100_000).optional(),
        seed: flag.int(0, MAX_SEED).optional(),
        db: flag.text().optional(),
        json: z.boolean().default(false),
      }),
    })
    const { config, weights } = readPolicyFolder(v.from)
    const taskId = v.task ?? config.envTaskId
    const task = await resolveTask(taskId, workspaceOfArgs(argv))
    const mismatch = sizeMismatch(weights, task)
    if (mismatch) throw new Error(mismatch)
    const bounds = (xs: number[]): string => xs.join(',')
    if (bounds(task.actionLow) !== bounds(config.actionLow) || bounds(task.actionHigh) !== bounds(config.actionHigh))
      io.err(`note: task ${task.id}'s action bounds are not the ones the policy was trained within`)
    const seed = v.seed ?? config.evaluation.seed
    const episodes = v.episodes ?? config.evaluation.evalEpisodes
    const evaluator = localEvaluator(await makeEnv(taskId))
    let outcome
    try {
      outcome = await evaluator.evaluate(
        learnerSpec(weights, task),
        evaluationEpisodes({ seed, evalEpisodes: episodes }, config.labels),
      )
    } finally {
      await evaluator.close()
    }
    // The session's own episodes: its stored returns, to compare with.
    const own =
      seed === config.evaluation.seed &&
      episodes === config.evaluation.evalEpisodes &&
      taskId === config.envTaskId &&
      config.evaluation.returns !== null
    const stored = own ? config.evaluation.returns : null
    const reproduced = stored
      ? stored.length === outcome.returns.length && stored.every((r, i) => r === outcome.returns[i])
      : null
    const result = {
      from: v.from,
      taskId,
      class: config.class,
      labels: config.labels,
      seed,
      episodes,
      returns: outcome.returns,
      meanReturn: mean(outcome.returns),
      successRate: outcome.successRate,
      coverage: outcome.coverage,
      steps: outcome.steps,
      storedReturns: stored,
      reproduced,
    }
    if (v.json) io.out(JSON.stringify(result))
    else {
      io.out(
        `${config.class} policy (${config.labels} labels) on ${taskId}, seed ${seed}, ${episodes} episodes: mean return ${result.meanReturn.toFixed(3)}${outcome.successRate === null ? '' : `, success ${(outcome.successRate * 100).toFixed(0)}%`}${outcome.coverage === null ? '' : `, coverage ${(outcome.coverage * 100).toFixed(0)}%`}`,
      )
      if (reproduced !== null)
        io.out(
          reproduced
            ? "the session's stored returns, reproduced exactly"
            : "differs from the session's stored returns (another workbench version or machine?)",
        )
    }
    return 0
  },
}

const subcommands: Record<string, Command> = { export: exportCommand, eval: evalCommand }

export const command: Command = {
  name: 'policy',
  summary: "a session's policy as model.safetensors + config.json (export), and such a folder evaluated (eval)",
  usage: ['iwb policy <export|eval> [options]', EXPORT_USAGE, EVAL_USAGE].join('\n'),
  subcommands,
  async run(argv, io) {
    const [which, ...rest] = argv
    const sub = which !== undefined && Object.hasOwn(subcommands, which) ? subcommands[which] : undefined
    if (!sub) throw new UsageError(`which? one of ${Object.keys(subcommands).join(', ')}`)
    return sub.run(rest, io)
  },
}
