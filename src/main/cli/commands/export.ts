// `iwb export --db FILE [--format jsonl|robomimic|lerobot] --out PATH ...`: the workbench's own JSON lines (a
// session or the whole workspace), or demonstrations / a session's labels as a robomimic HDF5 file or a LeRobot
// dataset folder.
import {
  checkFfmpeg,
  collectEpisodes,
  collectSessionLabels,
  collectSessionQueries,
  datasetFormat,
  EXPORT_FORMATS,
  exportWorkspace,
  openWorkspace,
  type Workspace,
} from '../../store'
import { z } from 'zod'
import { flag, parseCommandArgs } from '../args'
import { UsageError, type Command, type CommandIO } from '../command'
import { datasetTasks } from '../task-shapes'
import { DatasetImageSettings, IMAGE_LIMITS } from '../../../shared/dataset-images'
import { datasetImages } from '../../frames/dataset-images'
import { makeEnv } from '../../sim/registry'
import { progressBar } from '../progress'
import type { Dataset } from '../../store'

const names = flag.parsed((text) => {
  const list = text.split(',').map((t) => t.trim())
  if (!list.every((t) => /^[\w.-]{1,100}$/.test(t))) throw new Error('names')
  return list
}, 'camera names separated by commas (e.g. free,track or a model camera)')

const size = flag.parsed((text) => {
  const m = /^(\d{1,4})(?:x(\d{1,4}))?$/.exec(text.trim())
  if (!m) throw new Error('size')
  return { width: Number(m[1]), height: Number(m[2] ?? m[1]) }
}, `WIDTHxHEIGHT or one side (${IMAGE_LIMITS.minSide}..${IMAGE_LIMITS.maxSide}, even)`)

const ids = flag.parsed((text) => {
  const list = text.split(',').map((t) => t.trim())
  if (!list.every((t) => /^[1-9]\d{0,15}$/.test(t))) throw new Error('ids')
  return list.map(Number)
}, 'episode ids separated by commas (e.g. 3,4,9)')

export const command: Command = {
  name: 'export',
  summary: 'export sessions (JSON lines), or demonstrations / labels as a robomimic HDF5 file or LeRobot dataset',
  usage: `iwb export --db FILE [--format ${EXPORT_FORMATS.join('|')}] --out PATH [--session N]... [--task T] [--episodes IDS] [--queries] [--cameras NAME,...] [--image-size 96|WxH] [--image-format mp4|png] [--renderers N] [--json]`,
  async run(argv, io) {
    const { values } = parseCommandArgs(argv, {
      options: {
        db: { type: 'string' },
        out: { type: 'string' },
        format: { type: 'string' },
        session: { type: 'string', multiple: true },
        task: { type: 'string' },
        episodes: { type: 'string' },
        queries: { type: 'boolean' },
        cameras: { type: 'string' },
        'image-size': { type: 'string' },
        'image-format': { type: 'string' },
        renderers: { type: 'string' },
        json: { type: 'boolean' },
      },
      schema: z.object({
        db: flag.text(),
        out: flag.text(),
        format: flag.oneOf(EXPORT_FORMATS).default('jsonl'),
        session: z.array(flag.int(1, Number.MAX_SAFE_INTEGER)).default([]),
        task: flag.task().optional(),
        episodes: ids.optional(),
        queries: z.boolean().default(false),
        cameras: names.optional(),
        'image-size': size.optional(),
        'image-format': flag.oneOf(['mp4', 'png'] as const).optional(),
        renderers: flag.int(1, IMAGE_LIMITS.renderers).optional(),
        json: z.boolean().default(false),
      }),
    })
    const { db, out, format, session: sessions, json } = values
    if (format === 'jsonl' && (values.task || values.episodes))
      throw new UsageError(
        `--task and --episodes choose demonstrations for --format ${EXPORT_FORMATS.slice(1).join(', ')}`,
      )
    if (format !== 'jsonl' && sessions.length > 1)
      throw new UsageError(`--format ${format} exports one session's labels at a time`)
    if (format !== 'jsonl' && sessions.length && (values.task || values.episodes))
      throw new UsageError("--session exports a session's labels; --task/--episodes export demonstrations: give one")
    if (values.queries && (format === 'jsonl' || sessions.length !== 1))
      throw new UsageError("--queries exports one session's answered queries: give --session N and a dataset --format")
    const images = imageSettings(values)
    if (images && !datasetFormat(format === 'jsonl' ? 'lerobot' : format).images)
      throw new UsageError(`--cameras writes images into --format robomimic or lerobot (v3.0), not ${format}`)
    if (!images && (values['image-size'] || values['image-format'] || values.renderers))
      throw new UsageError('--image-size, --image-format and --renderers go with --cameras')
    const ws = openWorkspace(db, { readonly: true })
    try {
      if (format === 'jsonl') return exportJsonl(ws, out, sessions, json, io)
      const tasks = await datasetTasks()
      const dataset = values.queries
        ? collectSessionQueries(ws, tasks, sessions[0])
        : sessions.length
          ? collectSessionLabels(ws, tasks, sessions[0])
          : collectEpisodes(ws, tasks, { taskId: values.task, episodeIds: values.episodes })
      // MP4 video needs ffmpeg: said before a single image is drawn
      if (images?.format === 'mp4' && format === 'lerobot') checkFfmpeg()
      const written = images
        ? await writeWithImages(dataset, images, (d) => datasetFormat(format).write(d, out), json)
        : await datasetFormat(format).write(dataset, out)
      const what = values.queries
        ? `${written.episodes} answered queries of session ${sessions[0]} (one-step episodes)`
        : sessions.length
          ? `the labels of session ${sessions[0]}`
          : `${written.episodes} demonstration(s)`
      if (json)
        io.out(
          JSON.stringify({
            out,
            format,
            taskId: dataset.task.taskId,
            episodes: written.episodes,
            steps: written.steps,
          }),
        )
      else io.out(`exported ${what} of task ${dataset.task.taskId} (${written.steps} steps) as ${format} to ${out}`)
      return 0
    } finally {
      ws.close()
    }
  },
}

function imageSettings(values: {
  format: string
  cameras?: string[]
  'image-size'?: { width: number; height: number }
  'image-format'?: 'mp4' | 'png'
  renderers?: number
}): DatasetImageSettings | null {
  if (!values.cameras) return null
  if (values.format === 'jsonl') throw new UsageError('--cameras writes images into --format robomimic or lerobot')
  const parsed = DatasetImageSettings.safeParse({
    cameras: values.cameras,
    ...values['image-size'],
    format: values['image-format'],
    renderers: values.renderers,
  })
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    throw new UsageError(`--${issue.path[0] === 'cameras' ? 'cameras' : 'image-size'}: ${issue.message}`)
  }
  return parsed.data
}

/** Render the dataset's states into camera images while the format writes them, a progress bar over the states. */
async function writeWithImages<T>(
  dataset: Dataset,
  settings: DatasetImageSettings,
  write: (d: Dataset) => Promise<T>,
  quiet: boolean,
): Promise<T> {
  const env = await makeEnv(dataset.task.taskId)
  const total = dataset.episodes.reduce((a, ep) => a + ep.actions.length, 0)
  const bar = progressBar(`images ${settings.cameras.join(',')} ${settings.width}x${settings.height}`, total)
  let done = 0
  try {
    const open = await datasetImages(dataset, env, settings, (n) => bar.update((done += n)))
    try {
      return await write({ ...dataset, images: open.images })
    } finally {
      await open.close()
    }
  } finally {
    if (done) bar.finish(quiet ? undefined : `${done} states rendered`)
    env.close()
  }
}

function exportJsonl(ws: Workspace, out: string, sessions: number[], json: boolean, io: CommandIO): number {
  const { manifest } = exportWorkspace(ws, out, sessions.length ? { sessionIds: sessions } : {})
  const rows = Object.fromEntries(Object.entries(manifest.files).map(([f, e]) => [f.replace('.jsonl', ''), e.rows]))
  if (json) io.out(JSON.stringify({ out, scope: manifest.scope, sessionIds: manifest.sessionIds, rows }))
  else {
    io.out(
      `exported ${manifest.scope === 'workspace' ? 'the workspace' : `session(s) ${sessions.join(', ')}`} to ${out}`,
    )
    for (const [t, n] of Object.entries(rows)) io.out(`  ${t.padEnd(12)} ${n}`)
  }
  return 0
}
