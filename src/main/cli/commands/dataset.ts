// `iwb dataset quality --db FILE --task T [--json]`: each complete demonstration's quality figures (length, idle
// seconds, jerk, return, success, distance from the expert's actions) with outliers among the task's flagged
// (store/datasets/quality.ts).
import { z } from 'zod'
import { expertFor } from '../../experts/registry'
import { policyFromSpec } from '../../sim/policy-spec'
import { makeEnv, taskInfo } from '../../sim/registry'
import { stepSuccess } from '../../sim/success'
import { DATASET_LIMITS, episodeQuality, flagOutliers, openWorkspace, type EpisodeQuality } from '../../store'
import { flag, parseCommandArgs } from '../args'
import { UsageError, type Command } from '../command'
import { registerTasksOf } from '../workspace-tasks'

const fmt = (v: number | null, d = 2) => (v === null ? '–' : v.toFixed(d))

const quality: Command = {
  name: 'quality',
  summary: "each demonstration's quality figures, outliers among its task's flagged",
  usage: 'iwb dataset quality --db FILE --task T [--json]',
  async run(argv, io) {
    const { values } = parseCommandArgs(argv, {
      options: { db: { type: 'string' }, task: { type: 'string' }, json: { type: 'boolean' } },
      schema: z.object({ db: flag.text(), task: z.string().min(1), json: z.boolean().default(false) }),
    })
    await registerTasksOf(values.db)
    const task = taskInfo(values.task) // unknown tasks: one line
    const ws = openWorkspace(values.db, { readonly: true })
    const env = await makeEnv(task.id)
    try {
      const infos = ws
        .listEpisodes({ taskId: task.id, kind: 'demonstration' })
        .filter((e) => e.complete && e.steps > 0)
        .reverse()
      const total = infos.reduce((a, e) => a + e.steps, 0)
      if (total > DATASET_LIMITS.totalSteps)
        throw new UsageError(`${total} steps is more than one pass reads (${DATASET_LIMITS.totalSteps})`)
      let expert: ReturnType<typeof policyFromSpec> | null = null
      try {
        expert = policyFromSpec(expertFor(task.id))
      } catch {
        // no expert (a task of your own): no distance from it
      }
      const figures: EpisodeQuality[] = infos.map((info) => {
        const { steps } = ws.loadEpisode(info.episodeId)
        const last = steps[steps.length - 1]
        ;(expert as { reset?: () => void } | null)?.reset?.()
        return episodeQuality({
          episodeId: info.episodeId,
          actions: steps.map((s) => s.action),
          rewards: Float64Array.from(steps, (s) => s.reward),
          controlHz: task.controlHz,
          success: stepSuccess(env, last.state, last.action),
          expertActions: expert ? steps.map((s) => Array.from(expert.act(s.observation))) : null,
        })
      })
      flagOutliers(figures)
      if (values.json) io.out(JSON.stringify({ taskId: task.id, episodes: figures }))
      else {
        io.out(`${figures.length} demonstration(s) of ${task.id}; ! marks an outlier among them`)
        io.out('episode  steps  idle s   jerk     return   success  expert distance')
        const mark = (e: EpisodeQuality, f: string, text: string) =>
          e.outliers.includes(f as never) ? `${text}!` : text
        for (const e of figures)
          io.out(
            [
              String(e.episodeId).padEnd(8),
              mark(e, 'steps', String(e.steps)).padEnd(6),
              mark(e, 'idleSeconds', fmt(e.idleSeconds)).padEnd(8),
              mark(e, 'jerk', fmt(e.jerk, 3)).padEnd(8),
              mark(e, 'ret', fmt(e.ret)).padEnd(8),
              (e.success === null ? '–' : e.success ? 'yes' : 'no').padEnd(8),
              mark(e, 'expertDistance', fmt(e.expertDistance, 3)),
            ].join(' '),
          )
      }
      return 0
    } finally {
      env.close()
      ws.close()
    }
  },
}

const subcommands: Record<string, Command> = { quality }

export const command: Command = {
  name: 'dataset',
  summary: "a workspace's demonstrations as a dataset: quality figures with outliers",
  usage: ['iwb dataset <quality> [options] [--json]', ...Object.values(subcommands).map((c) => `  ${c.usage}`)].join(
    '\n',
  ),
  subcommands,
  async run(argv, io) {
    const [which, ...rest] = argv
    const sub = which !== undefined && Object.hasOwn(subcommands, which) ? subcommands[which] : undefined
    if (!sub) throw new UsageError(`which? one of ${Object.keys(subcommands).join(', ')}`)
    return sub.run(rest, io)
  },
}
