// `iwb dataset quality --db FILE --task T [--json]`: each complete demonstration's quality figures (length, idle
// seconds, jerk, return, success, distance from the expert's actions) with outliers among the task's flagged
// (store/datasets/quality.ts). `iwb dataset trim|split|mark-bad|merge|undo`: edits that make new versions of a
// demonstration and keep the old one (store/episode-edits.ts, episode-merge.ts); `purge`, the one that deletes,
// says what it would remove and needs --yes (store/episode-purge.ts).
import { z } from 'zod'
import { qualityExpert, storedEpisodeQuality } from '../../api/dataset-quality'
import { makeEnv, taskInfo } from '../../sim/registry'
import {
  DATASET_LIMITS,
  flagOutliers,
  markBad,
  mergeWorkspace,
  openWorkspace,
  purgePlan,
  purgeReplaced,
  splitEpisode,
  trimEpisode,
  undoEdit,
  type EpisodeEdit,
  type EpisodeQuality,
} from '../../store'
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
      const expert = qualityExpert(task.id)
      const figures: EpisodeQuality[] = infos.map((info) => storedEpisodeQuality(ws, info, env, task.controlHz, expert))
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

const step = flag.int(0, Number.MAX_SAFE_INTEGER)

/** Run an edit on the workspace and say what it made (one line, or --json). */
function editCommand(
  name: string,
  summary: string,
  usage: string,
  options: Record<string, { type: 'string' | 'boolean' }>,
  schema: z.ZodType<{ db: string; json: boolean }>,
  edit: (ws: ReturnType<typeof openWorkspace>, values: never) => EpisodeEdit,
  say: (e: EpisodeEdit) => string,
): Command {
  return {
    name,
    summary,
    usage,
    async run(argv, io) {
      const { values } = parseCommandArgs(argv, {
        options: { ...options, db: { type: 'string' }, json: { type: 'boolean' } },
        schema,
      })
      const ws = openWorkspace(values.db)
      try {
        const e = edit(ws, values as never)
        io.out(values.json ? JSON.stringify(e) : say(e))
        return 0
      } finally {
        ws.close()
      }
    },
  }
}

const trim = editCommand(
  'trim',
  "keep a demonstration's steps START..END (END not included) as its new version",
  'iwb dataset trim --db FILE --episode N [--start S] [--end E] [--json]',
  { episode: { type: 'string' }, start: { type: 'string' }, end: { type: 'string' } },
  z.object({
    db: flag.text(),
    episode: flag.int(1, Number.MAX_SAFE_INTEGER),
    start: step.optional(),
    end: step.optional(),
    json: z.boolean().default(false),
  }),
  (ws, v: { episode: number; start?: number; end?: number }) => trimEpisode(ws, v.episode, v),
  (e) =>
    `edit ${e.id}: episode ${e.replaced[0]} trimmed into episode ${e.made[0]} (the old one is kept; iwb dataset undo takes it back)`,
)

const split = editCommand(
  'split',
  'split a demonstration in two at step AT',
  'iwb dataset split --db FILE --episode N --at AT [--json]',
  { episode: { type: 'string' }, at: { type: 'string' } },
  z.object({
    db: flag.text(),
    episode: flag.int(1, Number.MAX_SAFE_INTEGER),
    at: flag.int(1, Number.MAX_SAFE_INTEGER),
    json: z.boolean().default(false),
  }),
  (ws, v: { episode: number; at: number }) => splitEpisode(ws, v.episode, v.at),
  (e) => `edit ${e.id}: episode ${e.replaced[0]} split into episodes ${e.made.join(' and ')} (the old one is kept)`,
)

const undo = editCommand(
  'undo',
  'take the last edit back',
  'iwb dataset undo --db FILE [--json]',
  {},
  z.object({ db: flag.text(), json: z.boolean().default(false) }),
  (ws) => undoEdit(ws),
  (e) => `undid edit ${e.id} (${e.kind}): episodes ${e.made.join(', ')} removed, episode ${e.replaced.join(', ')} back`,
)

const markBadCommand = editCommand(
  'mark-bad',
  "mark a demonstration's steps START..END (END not included) bad in a new version: learners skip them",
  'iwb dataset mark-bad --db FILE --episode N --start S --end E [--json]',
  { episode: { type: 'string' }, start: { type: 'string' }, end: { type: 'string' } },
  z.object({
    db: flag.text(),
    episode: flag.int(1, Number.MAX_SAFE_INTEGER),
    start: step,
    end: step,
    json: z.boolean().default(false),
  }),
  (ws, v: { episode: number; start: number; end: number }) => markBad(ws, v.episode, v),
  (e) =>
    `edit ${e.id}: episode ${e.replaced[0]} with steps marked bad is episode ${e.made[0]} (the old one is kept; iwb dataset undo takes it back)`,
)

const merge: Command = {
  name: 'merge',
  summary: "bring another workspace's demonstrations into this one as new episodes that name where they came from",
  usage: 'iwb dataset merge --db FILE --from OTHER [--task T] [--json]',
  async run(argv, io) {
    const { values } = parseCommandArgs(argv, {
      options: {
        db: { type: 'string' },
        from: { type: 'string' },
        task: { type: 'string' },
        json: { type: 'boolean' },
      },
      schema: z.object({
        db: flag.text(),
        from: flag.text(),
        task: z.string().min(1).optional(),
        json: z.boolean().default(false),
      }),
    })
    const ws = openWorkspace(values.db)
    try {
      const r = mergeWorkspace(ws, values.from, { taskId: values.task })
      if (values.json) io.out(JSON.stringify(r))
      else if (!r.edit) io.out(`nothing new: the ${r.alreadyMerged} demonstration(s) there were merged here before`)
      else
        io.out(
          `edit ${r.edit.id}: ${r.edit.made.length} demonstration(s) of ${r.taskIds.join(', ')} merged as episodes ${r.edit.made.join(', ')}` +
            (r.alreadyMerged ? ` (${r.alreadyMerged} merged before were left out)` : '') +
            '; iwb dataset undo takes them back',
        )
      return 0
    } finally {
      ws.close()
    }
  },
}

const purge: Command = {
  name: 'purge',
  summary: 'delete the versions edits replaced that no session uses (the one edit that cannot be undone); needs --yes',
  usage: 'iwb dataset purge --db FILE [--yes] [--json]',
  async run(argv, io) {
    const { values } = parseCommandArgs(argv, {
      options: { db: { type: 'string' }, yes: { type: 'boolean' }, json: { type: 'boolean' } },
      schema: z.object({ db: flag.text(), yes: z.boolean().default(false), json: z.boolean().default(false) }),
    })
    const ws = openWorkspace(values.db, { readonly: !values.yes })
    try {
      const plan = values.yes ? purgeReplaced(ws) : purgePlan(ws)
      if (values.json) io.out(JSON.stringify({ removed: values.yes, ...plan }))
      else {
        const kept = plan.kept.length ? `; kept because a session uses them: ${plan.kept.join(', ')}` : ''
        const undo = plan.edits.length ? `; edits ${plan.edits.join(', ')} can no longer be undone` : ''
        const what = `${plan.episodes.length} replaced version(s), ${plan.steps} steps: episodes ${plan.episodes.map((e) => e.episodeId).join(', ')}${kept}${undo}`
        if (plan.episodes.length === 0) io.out(`no replaced versions to remove${kept}`)
        else if (values.yes) io.out(`removed ${what}`)
        else io.out(`would remove ${what}. Run again with --yes to remove them`)
      }
      return 0
    } finally {
      ws.close()
    }
  },
}

const subcommands: Record<string, Command> = {
  quality,
  trim,
  split,
  'mark-bad': markBadCommand,
  merge,
  undo,
  purge,
}

export const command: Command = {
  name: 'dataset',
  summary:
    "a workspace's demonstrations as a dataset: quality figures with outliers, edits that keep old versions, purge",
  usage: [
    'iwb dataset <quality|trim|split|mark-bad|merge|undo|purge> [options] [--json]',
    ...Object.values(subcommands).map((c) => `  ${c.usage}`),
  ].join('\n'),
  subcommands,
  async run(argv, io) {
    const [which, ...rest] = argv
    const sub = which !== undefined && Object.hasOwn(subcommands, which) ? subcommands[which] : undefined
    if (!sub) throw new UsageError(`which? one of ${Object.keys(subcommands).join(', ')}`)
    return sub.run(rest, io)
  },
}
