// LeRobot's dataset layout, codebase_version v2.1 (one Parquet file per episode; github.com/huggingface/lerobot,
// lerobot/common/datasets/utils.py), written with hyparquet-writer and read with hyparquet:
//   meta/info.json              features (dtype, shape, names), fps, totals, path templates, splits
//   meta/tasks.jsonl            {"task_index": 0, "task": "<task id>"}
//   meta/episodes.jsonl         {"episode_index", "tasks", "length"} (+ "workbench": source episode, operator, date)
//   meta/episodes_stats.jsonl   per-episode min/max/mean/std/count of every numeric feature; meta/stats.json overall
//   data/chunk-000/episode_000000.parquet   one row a step
// Features: observation.state and action (float32, as LeRobot's policies take them), physics.state (float64: the
// full MuJoCo state before the action, so an episode replays exactly), next.reward (float32), next.done, and the
// index columns timestamp, frame_index, episode_index, index, task_index. Images have their place but are not
// written yet: features "observation.images.<camera>" of dtype "video" with files at info.json's video_path.
import { mkdirSync, existsSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { parquetWriteBuffer } from 'hyparquet-writer'
import { parquetMetadata, parquetReadObjects, parquetSchema, type FileMetaData } from 'hyparquet'
import { StoreError } from '../errors'
import { openInside, readAtMost } from '../plain-file'
import { DATASET_LIMITS, type Dataset, type DatasetEpisode, type DatasetTask, type DatasetTasks } from './types'

export const LEROBOT_VERSION = 'v2.1'
const CHUNKS_SIZE = 1000
const DATA_PATH = 'data/chunk-{episode_chunk:03d}/episode_{episode_index:06d}.parquet'
const VIDEO_PATH = 'videos/chunk-{episode_chunk:03d}/{video_key}/episode_{episode_index:06d}.mp4'

function dataPath(episodeIndex: number): string {
  const chunk = Math.floor(episodeIndex / CHUNKS_SIZE)
  return `data/chunk-${String(chunk).padStart(3, '0')}/episode_${String(episodeIndex).padStart(6, '0')}.parquet`
}

function listColumn(name: string, type: 'FLOAT' | 'DOUBLE') {
  return [
    { name, repetition_type: 'OPTIONAL' as const, converted_type: 'LIST' as const, num_children: 1 },
    { name: 'list', repetition_type: 'REPEATED' as const, num_children: 1 },
    { name: 'element', type, repetition_type: 'OPTIONAL' as const },
  ]
}

interface Stats {
  min: number[]
  max: number[]
  mean: number[]
  std: number[]
  count: number[]
}

function stats(vectors: readonly ArrayLike<number>[], width: number): Stats {
  const min = new Array<number>(width).fill(Infinity)
  const max = new Array<number>(width).fill(-Infinity)
  const sum = new Array<number>(width).fill(0)
  const sq = new Array<number>(width).fill(0)
  for (const v of vectors)
    for (let j = 0; j < width; j++) {
      const x = v[j]
      if (x < min[j]) min[j] = x
      if (x > max[j]) max[j] = x
      sum[j] += x
      sq[j] += x * x
    }
  const n = vectors.length
  const mean = sum.map((s) => s / n)
  const std = sq.map((s, j) => Math.sqrt(Math.max(0, s / n - mean[j] * mean[j])))
  return { min, max, mean, std, count: [n] }
}

function mergeStats(all: Stats[]): Stats {
  const n = all.reduce((a, s) => a + s.count[0], 0)
  const width = all[0].mean.length
  const mean = Array.from({ length: width }, (_, j) => all.reduce((a, s) => a + s.mean[j] * s.count[0], 0) / n)
  const std = Array.from({ length: width }, (_, j) =>
    Math.sqrt(all.reduce((a, s) => a + s.count[0] * (s.std[j] ** 2 + (s.mean[j] - mean[j]) ** 2), 0) / n),
  )
  return {
    min: Array.from({ length: width }, (_, j) => Math.min(...all.map((s) => s.min[j]))),
    max: Array.from({ length: width }, (_, j) => Math.max(...all.map((s) => s.max[j]))),
    mean,
    std,
    count: [n],
  }
}

const jsonl = (rows: unknown[]): string => rows.map((r) => JSON.stringify(r) + '\n').join('')

export function writeLerobot(dataset: Dataset, dir: string): { episodes: number; steps: number } {
  if (existsSync(dir)) throw new StoreError('io', `${dir} exists; choose a new folder (an export never overwrites)`)
  // Written beside under a temporary name and renamed when complete: a failed export leaves nothing.
  const partial = `${dir}.partial-${process.pid}`
  try {
    const written = writeLerobotInto(dataset, partial)
    renameSync(partial, dir)
    return written
  } catch (e) {
    rmSync(partial, { recursive: true, force: true })
    throw e
  }
}

function writeLerobotInto(dataset: Dataset, dir: string): { episodes: number; steps: number } {
  const { task, episodes } = dataset
  const fps = task.controlHz
  mkdirSync(join(dir, 'meta'), { recursive: true })
  const episodeStats: { episode_index: number; stats: Record<string, Stats> }[] = []
  // physics.state when every episode has states (a session's labels may have none)
  const withStates = episodes.every((ep) => ep.states !== null)
  let index = 0
  episodes.forEach((ep, e) => {
    const n = ep.actions.length
    const file = join(dir, dataPath(e))
    mkdirSync(join(file, '..'), { recursive: true })
    const frame = BigInt64Array.from({ length: n }, (_, i) => BigInt(i))
    const done = Array.from({ length: n }, (_, i) => i === n - 1)
    const observations = ep.observations.map((v) => Array.from(Float32Array.from(v)))
    const actions = ep.actions.map((v) => Array.from(Float32Array.from(v)))
    const rewards = Float32Array.from(ep.rewards)
    const timestamps = Float32Array.from({ length: n }, (_, i) => i / fps)
    const columns = [
      { name: 'observation.state', data: observations },
      { name: 'action', data: actions },
      ...(withStates ? [{ name: 'physics.state', data: ep.states!.map((v) => Array.from(v)) }] : []),
      { name: 'next.reward', data: rewards },
      { name: 'next.done', data: done },
      { name: 'timestamp', data: timestamps },
      { name: 'frame_index', data: frame },
      { name: 'episode_index', data: new BigInt64Array(n).fill(BigInt(e)) },
      { name: 'index', data: BigInt64Array.from({ length: n }, (_, i) => BigInt(index + i)) },
      { name: 'task_index', data: new BigInt64Array(n) },
    ]
    const buf = parquetWriteBuffer({
      columnData: columns,
      schema: [
        { name: 'schema', num_children: columns.length },
        ...listColumn('observation.state', 'FLOAT'),
        ...listColumn('action', 'FLOAT'),
        ...(withStates ? listColumn('physics.state', 'DOUBLE') : []),
        { name: 'next.reward', type: 'FLOAT', repetition_type: 'OPTIONAL' },
        { name: 'next.done', type: 'BOOLEAN', repetition_type: 'OPTIONAL' },
        { name: 'timestamp', type: 'FLOAT', repetition_type: 'OPTIONAL' },
        { name: 'frame_index', type: 'INT64', repetition_type: 'OPTIONAL' },
        { name: 'episode_index', type: 'INT64', repetition_type: 'OPTIONAL' },
        { name: 'index', type: 'INT64', repetition_type: 'OPTIONAL' },
        { name: 'task_index', type: 'INT64', repetition_type: 'OPTIONAL' },
      ],
      statistics: false,
    })
    writeFileSync(file, new Uint8Array(buf))
    episodeStats.push({
      episode_index: e,
      stats: {
        'observation.state': stats(observations, task.obsDim),
        action: stats(actions, task.actDim),
        'next.reward': stats(
          Array.from(rewards, (r) => [r]),
          1,
        ),
        timestamp: stats(
          Array.from(timestamps, (t) => [t]),
          1,
        ),
      },
    })
    index += n
  })
  const vec = (dtype: string, n: number, names: string[] | null = null) => ({ dtype, shape: [n], names })
  const info = {
    codebase_version: LEROBOT_VERSION,
    robot_type: task.taskId,
    total_episodes: episodes.length,
    total_frames: index,
    total_tasks: 1,
    total_videos: 0,
    total_chunks: Math.ceil(episodes.length / CHUNKS_SIZE),
    chunks_size: CHUNKS_SIZE,
    fps,
    splits: splits(episodes.length),
    data_path: DATA_PATH,
    video_path: VIDEO_PATH,
    features: {
      'observation.state': vec('float32', task.obsDim),
      action: vec('float32', task.actDim),
      ...(withStates ? { 'physics.state': vec('float64', task.stateSize) } : {}),
      'next.reward': vec('float32', 1),
      'next.done': vec('bool', 1),
      timestamp: vec('float32', 1),
      frame_index: vec('int64', 1),
      episode_index: vec('int64', 1),
      index: vec('int64', 1),
      task_index: vec('int64', 1),
    },
    // The workbench's own keys (LeRobot ignores unknown ones): which task and model file replays the episodes.
    workbench: { task_id: task.taskId, model: task.model, control_hz: task.controlHz },
  }
  writeFileSync(join(dir, 'meta', 'info.json'), JSON.stringify(info, null, 4) + '\n')
  writeFileSync(join(dir, 'meta', 'tasks.jsonl'), jsonl([{ task_index: 0, task: task.taskId }]))
  writeFileSync(
    join(dir, 'meta', 'episodes.jsonl'),
    jsonl(
      episodes.map((ep, e) => ({
        episode_index: e,
        tasks: [task.taskId],
        length: ep.actions.length,
        workbench: { episode_id: ep.sourceId, operator: ep.operator, created_at: ep.createdAt },
      })),
    ),
  )
  writeFileSync(join(dir, 'meta', 'episodes_stats.jsonl'), jsonl(episodeStats))
  const keys = Object.keys(episodeStats[0]?.stats ?? {})
  const overall = Object.fromEntries(keys.map((k) => [k, mergeStats(episodeStats.map((s) => s.stats[k]))]))
  writeFileSync(join(dir, 'meta', 'stats.json'), JSON.stringify(overall) + '\n')
  return { episodes: episodes.length, steps: index }
}

/** LeRobot's splits are episode ranges and its loaders read "train": every episode (robomimic's mask holds the 90/10 split). */
function splits(n: number): Record<string, string> {
  return { train: `0:${n}` }
}

function bad(path: string, why: string): StoreError {
  return new StoreError('invalid-export', `${path}: ${why}; nothing was imported`)
}

/**
 * The bytes of one file of the dataset, at most `max`: a regular file inside `dir`, reached through no symlink
 * (file or folder), by the rule the workbench's own import follows (plain-file.ts). A link could lead anywhere
 * (/etc/passwd, /dev/zero), so it is refused in one line rather than followed (issue #27).
 */
function readPart(dir: string, rel: string, max: number): Buffer<ArrayBuffer> {
  try {
    return readAtMost(openInside(dir, rel), max, rel)
  } catch (e) {
    if (!(e instanceof StoreError)) throw e
    throw bad(dir, / is missing$/.test(e.message) ? `no ${rel}` : e.message)
  }
}

function readJson(dir: string, rel: string): unknown {
  const text = readPart(dir, rel, DATASET_LIMITS.metaBytes).toString('utf8')
  try {
    return rel.endsWith('.jsonl')
      ? text
          .split('\n')
          .filter((l) => l.trim())
          .map((l) => JSON.parse(l) as unknown)
      : (JSON.parse(text) as unknown)
  } catch (e) {
    throw bad(dir, `${rel} is not valid JSON (${(e as Error).message})`)
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

/** meta/info.json as an object: `null` or a list there is one clear line, not a TypeError further on. */
function readInfo(dir: string): Record<string, unknown> {
  const info = readJson(dir, 'meta/info.json')
  if (!isObject(info)) throw bad(dir, `meta/info.json is ${describeJson(info)}, not a JSON object`)
  return info
}

/** The rows of a .jsonl file of meta/, each an object (a `null` row is refused by its number). */
function readRows(dir: string, rel: string): Record<string, unknown>[] {
  const rows = readJson(dir, rel) as unknown[]
  const i = rows.findIndex((r) => !isObject(r))
  if (i >= 0) throw bad(dir, `${rel} row ${i + 1} is ${describeJson(rows[i])}, not a JSON object`)
  return rows as Record<string, unknown>[]
}

function describeJson(v: unknown): string {
  if (v === null) return 'null'
  return Array.isArray(v) ? 'a list' : `a ${typeof v}`
}

/** Whether a folder looks like a LeRobot dataset (meta/info.json with a codebase_version). */
export function isLerobotFolder(dir: string): boolean {
  return existsSync(join(dir, 'meta', 'info.json'))
}

interface Feature {
  dtype: string
  shape: number[]
}

function vectorOf(value: unknown, width: number, where: string, dir: string): Float64Array {
  const arr = value as ArrayLike<number> | null
  if (!arr || typeof arr !== 'object' || arr.length !== width)
    throw bad(dir, `${where} has ${arr && typeof arr === 'object' ? arr.length : 'no'} values, expected ${width}`)
  return Float64Array.from(arr, Number)
}

/** The columns an import uses; a dataset's other features are never decoded. */
const READ_COLUMNS = ['observation.state', 'action', 'physics.state', 'next.reward', 'frame_index']

/**
 * The rows of one episode file. Its footer is checked against the length meta/episodes.jsonl declares before any
 * row is decoded: a file of 2,000,000 rows declared as 20 grew to 3.9 GB while decoding (issue #27).
 */
async function readFrames(
  dir: string,
  rel: string,
  bytes: Buffer<ArrayBuffer>,
  length: number,
  task: DatasetTask,
): Promise<Record<string, unknown>[]> {
  const unreadable = (err: unknown) => bad(dir, `${rel} is not a readable Parquet file (${(err as Error).message})`)
  const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)
  let metadata: FileMetaData
  let present: Set<string>
  try {
    metadata = parquetMetadata(file)
    present = new Set(parquetSchema(metadata).children.map((c) => c.element.name))
  } catch (err) {
    throw unreadable(err)
  }
  checkFooter(dir, rel, metadata, length, columnWidths(task))
  try {
    const columns = READ_COLUMNS.filter((c) => present.has(c))
    return (await parquetReadObjects({ file, metadata, columns, rowEnd: length })) as Record<string, unknown>[]
  } catch (err) {
    throw unreadable(err)
  }
}

/** Values a row holds in each column read: a vector's length, or 1. */
function columnWidths(task: DatasetTask): Record<string, number> {
  return { 'observation.state': task.obsDim, action: task.actDim, 'physics.state': task.stateSize }
}

/**
 * The footer's row count, its row groups' counts and each read column's value count (at most rows x width)
 * against the declared length: what decoding would produce, known before it starts.
 */
function checkFooter(
  dir: string,
  rel: string,
  metadata: FileMetaData,
  length: number,
  widths: Record<string, number>,
): void {
  const declared = `meta/episodes.jsonl says ${length}`
  if (Number(metadata.num_rows) !== length)
    throw bad(dir, `${rel} holds ${metadata.num_rows} rows by its footer, ${declared}`)
  let grouped = 0
  for (const group of metadata.row_groups) {
    const rows = Number(group.num_rows)
    grouped += rows
    for (const chunk of group.columns) {
      const meta = chunk.meta_data
      const name = meta?.path_in_schema[0] ?? ''
      if (!meta || !READ_COLUMNS.includes(name)) continue
      const most = rows * (widths[name] ?? 1)
      if (Number(meta.num_values) > most)
        throw bad(dir, `${rel} column ${name} holds ${meta.num_values} values, more than ${most} for its ${rows} rows`)
    }
  }
  if (grouped !== length) throw bad(dir, `${rel} has ${grouped} rows in its row groups, ${declared}`)
}

/** Read a LeRobot v2.x folder into a dataset of a known task (info.json's workbench.task_id, tasks.jsonl, or `taskId`). */
export async function readLerobot(dir: string, tasks: DatasetTasks, taskId?: string): Promise<Dataset> {
  const info = readInfo(dir) as {
    codebase_version?: unknown
    features?: Record<string, Feature>
    data_path?: unknown
    workbench?: { task_id?: unknown }
  }
  const version = String(info.codebase_version ?? '')
  if (!/^v2\.[01]$/.test(version))
    throw bad(dir, `codebase_version '${version}' is not one this workbench reads (v2.0, v2.1)`)
  const features = info.features ?? {}
  for (const f of ['observation.state', 'action'])
    if (!features[f]) throw bad(dir, `meta/info.json has no feature '${f}'`)
  const tasksTable = readRows(dir, 'meta/tasks.jsonl') as { task?: unknown }[]
  const name =
    taskId ??
    (typeof info.workbench?.task_id === 'string'
      ? info.workbench.task_id
      : tasksTable.length === 1 && typeof tasksTable[0].task === 'string'
        ? tasksTable[0].task
        : undefined)
  if (!name) throw bad(dir, 'no workbench task in meta/info.json or meta/tasks.jsonl (give the task with --task)')
  const task = tasks.get(name)
  if (!task) throw bad(dir, `unknown task '${name}' (known: ${[...tasks.keys()].join(', ')})`)
  const shapeOf = (f: string) => features[f]?.shape?.[0]
  if (shapeOf('observation.state') !== task.obsDim)
    throw bad(
      dir,
      `observation.state has shape [${features['observation.state'].shape}], task '${name}' has ${task.obsDim}`,
    )
  if (shapeOf('action') !== task.actDim)
    throw bad(dir, `action has shape [${features.action.shape}], task '${name}' has ${task.actDim}`)
  if (features['physics.state'] && shapeOf('physics.state') !== task.stateSize)
    throw bad(dir, `physics.state has shape [${features['physics.state'].shape}], task '${name}' has ${task.stateSize}`)
  const episodesTable = readRows(dir, 'meta/episodes.jsonl') as {
    episode_index?: unknown
    length?: unknown
    workbench?: { episode_id?: unknown; operator?: unknown; created_at?: unknown }
  }[]
  if (episodesTable.length === 0) throw bad(dir, 'meta/episodes.jsonl lists no episodes')
  if (episodesTable.length > DATASET_LIMITS.episodes) throw bad(dir, `more than ${DATASET_LIMITS.episodes} episodes`)
  const episodes: DatasetEpisode[] = []
  let total = 0
  for (const row of episodesTable) {
    const e = Number(row.episode_index)
    const length = Number(row.length)
    if (
      !Number.isInteger(e) ||
      e < 0 ||
      !Number.isInteger(length) ||
      length < 1 ||
      length > DATASET_LIMITS.stepsPerEpisode
    )
      throw bad(
        dir,
        `meta/episodes.jsonl row ${JSON.stringify(row).slice(0, 120)} needs an episode_index and a length of 1..${DATASET_LIMITS.stepsPerEpisode}`,
      )
    total += length
    if (total > DATASET_LIMITS.totalSteps) throw bad(dir, `more than ${DATASET_LIMITS.totalSteps} steps in all`)
    const rel = dataPath(e)
    const bytes = readPart(dir, rel, DATASET_LIMITS.dataFileBytes)
    const frames = await readFrames(dir, rel, bytes, length, task)
    if (frames.length !== length) throw bad(dir, `${rel} has ${frames.length} rows, meta/episodes.jsonl says ${length}`)
    const hasState = frames.every((f) => f['physics.state'] != null)
    const observations: Float64Array[] = []
    const actions: Float64Array[] = []
    const states: Float64Array[] | null = hasState ? [] : null
    const rewards = new Float64Array(length)
    frames.forEach((f, i) => {
      if (Number(f.frame_index) !== i) throw bad(dir, `${rel} row ${i} has frame_index ${String(f.frame_index)}`)
      observations.push(vectorOf(f['observation.state'], task.obsDim, `${rel} row ${i} observation.state`, dir))
      actions.push(vectorOf(f.action, task.actDim, `${rel} row ${i} action`, dir))
      states?.push(vectorOf(f['physics.state'], task.stateSize, `${rel} row ${i} physics.state`, dir))
      rewards[i] = f['next.reward'] == null ? 0 : Number(f['next.reward'])
    })
    const wb = row.workbench ?? {}
    episodes.push({
      sourceId: typeof wb.episode_id === 'number' ? wb.episode_id : e,
      operator: typeof wb.operator === 'string' ? wb.operator : null,
      createdAt: typeof wb.created_at === 'string' ? wb.created_at : null,
      observations,
      actions,
      states,
      rewards,
    })
  }
  return { task, episodes }
}
