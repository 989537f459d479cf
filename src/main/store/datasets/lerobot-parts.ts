// What LeRobot's layouts v2.1 (lerobot-v21.ts) and v3.0 (lerobot-v3.ts) share: the frame columns a step becomes
// (features, Parquet schema, values), the statistics LeRobot normalises with, and reading a dataset's files by the
// rule of the workbench's own import (plain-file.ts: regular files inside the folder, each to its bound).
// Features: observation.state and action (float32, as LeRobot's policies take them), physics.state (float64: the
// full MuJoCo state before the action, so an episode replays exactly), next.reward (float32), next.done, and the
// index columns timestamp, frame_index, episode_index, index, task_index. What a person did (issue 26 item 3), when
// the dataset knows it: source (demonstration, query, intervention, policy), intervention (LeRobot's name for a
// takeover step), operator, human_seconds (null where none was measured), expert_action (float32, null where the
// expert was not asked; the column only when some step has one).
import { mkdirSync, existsSync, renameSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import type { FileMetaData } from 'hyparquet'
import { quantileSorted } from '../../../shared/stats'
import { StoreError } from '../errors'
import { openInside, readAtMost } from '../plain-file'
import { STEP_SOURCES, type StepSource } from '../types'
import { DATASET_LIMITS, type DatasetEpisode, type DatasetTask, type StepPeople } from './types'

export const CHUNKS_SIZE = 1000

/** A Parquet schema element of a list column (hyparquet-writer's SchemaElement, without its version's types). */
interface ListElement {
  name: string
  repetition_type: 'OPTIONAL' | 'REPEATED'
  converted_type?: 'LIST' | 'UTF8'
  num_children?: number
  type?: 'FLOAT' | 'DOUBLE' | 'BYTE_ARRAY' | 'INT64'
}

export function listColumn(name: string, type: 'FLOAT' | 'DOUBLE' | 'BYTE_ARRAY' | 'INT64', depth = 1): ListElement[] {
  const utf8 = type === 'BYTE_ARRAY' ? { converted_type: 'UTF8' as const } : {}
  // a list of lists (depth 3: an image statistic's (3, 1, 1)) nests the same three-level LIST group
  const level = (n: string): ListElement[] => [
    { name: n, repetition_type: 'OPTIONAL' as const, converted_type: 'LIST' as const, num_children: 1 },
    { name: 'list', repetition_type: 'REPEATED' as const, num_children: 1 },
  ]
  return [
    ...level(name),
    ...Array.from({ length: depth - 1 }, () => level('element')).flat(),
    { name: 'element', type, repetition_type: 'OPTIONAL' as const, ...utf8 },
  ]
}

export function scalarColumn(name: string, type: 'FLOAT' | 'DOUBLE' | 'INT64' | 'BOOLEAN' | 'BYTE_ARRAY') {
  const utf8 = type === 'BYTE_ARRAY' ? { converted_type: 'UTF8' as const } : {}
  return { name, type, repetition_type: 'OPTIONAL' as const, ...utf8 }
}

export interface Stats {
  min: number[]
  max: number[]
  mean: number[]
  std: number[]
  count: number[]
  /** v3.0: LeRobot's quantile normalisation reads these */
  q01?: number[]
  q10?: number[]
  q50?: number[]
  q90?: number[]
  q99?: number[]
}

export const QUANTILES = { q01: 0.01, q10: 0.1, q50: 0.5, q90: 0.9, q99: 0.99 } as const

/** min, max, mean, std (population), count of each dimension; with quantiles, numpy's linear ones too. */
export function stats(vectors: readonly ArrayLike<number>[], width: number, quantiles = false): Stats {
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
  const out: Stats = { min, max, mean, std, count: [n] }
  if (quantiles) {
    const sorted = Array.from({ length: width }, (_, j) => Float64Array.from(vectors, (v) => v[j]).sort())
    for (const [key, p] of Object.entries(QUANTILES) as [keyof typeof QUANTILES, number][])
      out[key] = sorted.map((col) => quantileSorted(col, p))
  }
  return out
}

/** Statistics over several episodes' (quantiles are not merged: overall ones are computed from all the values). */
export function mergeStats(all: Stats[]): Stats {
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

/** Which optional frame columns a dataset's episodes all carry (one schema for every file). */
export interface FrameShape {
  states: boolean
  people: boolean
  expert: boolean
}

export function frameShape(episodes: readonly DatasetEpisode[]): FrameShape {
  const people = episodes.every((ep) => ep.people !== undefined)
  return {
    // physics.state when every episode has states (a session's labels may have none)
    states: episodes.every((ep) => ep.states !== null),
    people,
    expert: people && episodes.some((ep) => ep.people!.expertActions.some((a) => a !== null)),
  }
}

/** One episode's frames as Parquet columns (values and schema) and the vectors its statistics are taken of. */
export function frameColumns(
  task: DatasetTask,
  ep: DatasetEpisode,
  episodeIndex: number,
  firstIndex: number,
  shape: FrameShape,
) {
  const withStates = shape.states
  const n = ep.actions.length
  const fps = task.controlHz
  const observations = ep.observations.map((v) => Array.from(Float32Array.from(v)))
  const actions = ep.actions.map((v) => Array.from(Float32Array.from(v)))
  const rewards = Float32Array.from(ep.rewards)
  const timestamps = Float32Array.from({ length: n }, (_, i) => i / fps)
  const frame = BigInt64Array.from({ length: n }, (_, i) => BigInt(i))
  const index = BigInt64Array.from({ length: n }, (_, i) => BigInt(firstIndex + i))
  const columnData = [
    { name: 'observation.state', data: observations },
    { name: 'action', data: actions },
    ...(withStates ? [{ name: 'physics.state', data: ep.states!.map((v) => Array.from(v)) }] : []),
    { name: 'next.reward', data: rewards },
    { name: 'next.done', data: Array.from({ length: n }, (_, i) => i === n - 1) },
    { name: 'timestamp', data: timestamps },
    { name: 'frame_index', data: frame },
    { name: 'episode_index', data: new BigInt64Array(n).fill(BigInt(episodeIndex)) },
    { name: 'index', data: index },
    { name: 'task_index', data: new BigInt64Array(n) },
    ...(shape.people ? peopleColumns(ep.people!, shape.expert) : []),
  ]
  const schema = [
    { name: 'schema', num_children: columnData.length },
    ...listColumn('observation.state', 'FLOAT'),
    ...listColumn('action', 'FLOAT'),
    ...(withStates ? listColumn('physics.state', 'DOUBLE') : []),
    scalarColumn('next.reward', 'FLOAT'),
    scalarColumn('next.done', 'BOOLEAN'),
    scalarColumn('timestamp', 'FLOAT'),
    scalarColumn('frame_index', 'INT64'),
    scalarColumn('episode_index', 'INT64'),
    scalarColumn('index', 'INT64'),
    scalarColumn('task_index', 'INT64'),
    ...(shape.people
      ? [
          scalarColumn('source', 'BYTE_ARRAY'),
          scalarColumn('intervention', 'BOOLEAN'),
          scalarColumn('operator', 'BYTE_ARRAY'),
          scalarColumn('human_seconds', 'DOUBLE'),
          ...(shape.expert ? listColumn('expert_action', 'FLOAT') : []),
        ]
      : []),
  ]
  const scalars = (xs: ArrayLike<number | bigint>) => Array.from(xs, (x) => [Number(x)])
  /** the features LeRobot keeps statistics of, as vectors (the physics state is left out: nothing normalises it) */
  const statVectors: Record<string, { vectors: ArrayLike<number>[]; width: number }> = {
    'observation.state': { vectors: observations, width: task.obsDim },
    action: { vectors: actions, width: task.actDim },
    'next.reward': { vectors: scalars(rewards), width: 1 },
    timestamp: { vectors: scalars(timestamps), width: 1 },
    frame_index: { vectors: scalars(frame), width: 1 },
    episode_index: { vectors: scalars(new Float64Array(n).fill(episodeIndex)), width: 1 },
    index: { vectors: scalars(index), width: 1 },
    task_index: { vectors: scalars(new Float64Array(n)), width: 1 },
  }
  return { columnData, schema, statVectors }
}

function peopleColumns(people: StepPeople, expert: boolean) {
  return [
    { name: 'source', data: people.sources },
    { name: 'intervention', data: people.sources.map((s) => s === 'intervention') },
    { name: 'operator', data: people.operators },
    { name: 'human_seconds', data: people.humanSeconds },
    ...(expert
      ? [
          {
            name: 'expert_action',
            data: people.expertActions.map((a) => (a ? Array.from(Float32Array.from(a)) : null)),
          },
        ]
      : []),
  ]
}

/** info.json's features: each column's dtype and shape. */
export function frameFeatures(task: DatasetTask, shape: FrameShape) {
  const withStates = shape.states
  const vec = (dtype: string, n: number, names: string[] | null = null) => ({ dtype, shape: [n], names })
  return {
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
    ...(shape.people
      ? {
          source: vec('string', 1),
          intervention: vec('bool', 1),
          operator: vec('string', 1),
          human_seconds: vec('float64', 1),
          ...(shape.expert ? { expert_action: vec('float32', task.actDim) } : {}),
        }
      : {}),
  }
}

/** Write a dataset folder under a temporary name beside `dir` and rename it when complete: a failure leaves nothing. */
export function writeFolder<T>(dir: string, fill: (partial: string) => T): T {
  if (existsSync(dir)) throw new StoreError('io', `${dir} exists; choose a new folder (an export never overwrites)`)
  const partial = `${dir}.partial-${process.pid}`
  try {
    mkdirSync(partial, { recursive: true })
    const written = fill(partial)
    renameSync(partial, dir)
    return written
  } catch (e) {
    rmSync(partial, { recursive: true, force: true })
    throw e
  }
}

/** writeFolder for a writer that waits (rendering images, encoding video). */
export async function writeFolderAsync<T>(dir: string, fill: (partial: string) => Promise<T>): Promise<T> {
  if (existsSync(dir)) throw new StoreError('io', `${dir} exists; choose a new folder (an export never overwrites)`)
  const partial = `${dir}.partial-${process.pid}`
  try {
    mkdirSync(partial, { recursive: true })
    const written = await fill(partial)
    renameSync(partial, dir)
    return written
  } catch (e) {
    rmSync(partial, { recursive: true, force: true })
    throw e
  }
}

// ---- reading ---------------------------------------------------------------------------------------------

export function bad(path: string, why: string): StoreError {
  return new StoreError('invalid-export', `${path}: ${why}; nothing was imported`)
}

/**
 * The bytes of one file of the dataset, at most `max`: a regular file inside `dir`, reached through no symlink
 * (file or folder), by the rule the workbench's own import follows (plain-file.ts). A link could lead anywhere
 * (/etc/passwd, /dev/zero), so it is refused in one line rather than followed (issue #27).
 */
export function readPart(dir: string, rel: string, max: number): Buffer<ArrayBuffer> {
  try {
    return readAtMost(openInside(dir, rel), max, rel)
  } catch (e) {
    if (!(e instanceof StoreError)) throw e
    throw bad(dir, / is missing$/.test(e.message) ? `no ${rel}` : e.message)
  }
}

export function readJson(dir: string, rel: string): unknown {
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

export const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v)

/** meta/info.json as an object: `null` or a list there is one clear line, not a TypeError further on. */
export function readInfo(dir: string): Record<string, unknown> {
  const info = readJson(dir, 'meta/info.json')
  if (!isObject(info)) throw bad(dir, `meta/info.json is ${describeJson(info)}, not a JSON object`)
  return info
}

/** Whether a folder looks like a LeRobot dataset: meta/info.json is there (any version; the readers check it). */
export function isLerobotFolder(dir: string): boolean {
  return existsSync(join(dir, 'meta', 'info.json'))
}

/** info.json's codebase_version, or null when it cannot be read (the reader says why, in one line). */
export function lerobotVersion(dir: string): string | null {
  try {
    const v = readInfo(dir).codebase_version
    return typeof v === 'string' ? v : null
  } catch {
    return null
  }
}

export function describeJson(v: unknown): string {
  if (v === null) return 'null'
  return Array.isArray(v) ? 'a list' : `a ${typeof v}`
}

export interface Feature {
  dtype: string
  shape: number[]
}

/** The task a dataset names (info.json's workbench.task_id, else its only task, else `taskId`), checked. */
export function datasetTask(
  dir: string,
  info: { features?: Record<string, Feature>; workbench?: { task_id?: unknown } },
  taskNames: readonly unknown[],
  tasks: ReadonlyMap<string, DatasetTask>,
  taskId: string | undefined,
): DatasetTask {
  const features = info.features ?? {}
  for (const f of ['observation.state', 'action'])
    if (!features[f]) throw bad(dir, `meta/info.json has no feature '${f}'`)
  const name =
    taskId ??
    (typeof info.workbench?.task_id === 'string'
      ? info.workbench.task_id
      : taskNames.length === 1 && typeof taskNames[0] === 'string'
        ? taskNames[0]
        : undefined)
  if (!name) throw bad(dir, 'no workbench task in meta/info.json or the tasks table (give the task with --task)')
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
  return task
}

/** info.json's image and video features: camera images, which the workspace does not keep (it draws them again
 * from the physics states on export), for the dataset read (Dataset.notImported). */
export function imagesNotImported(info: { features?: Record<string, Feature> }): { notImported?: string[] } {
  const keys = Object.entries(info.features ?? {})
    .filter(([, f]) => f?.dtype === 'image' || f?.dtype === 'video')
    .map(([k]) => k)
    .sort()
  return keys.length ? { notImported: keys } : {}
}

export function vectorOf(value: unknown, width: number, where: string, dir: string): Float64Array {
  const arr = value as ArrayLike<number> | null
  if (!arr || typeof arr !== 'object' || arr.length !== width)
    throw bad(dir, `${where} has ${arr && typeof arr === 'object' ? arr.length : 'no'} values, expected ${width}`)
  return Float64Array.from(arr, Number)
}

/** The frame columns an import uses; a dataset's other features are never decoded. */
export const READ_COLUMNS = [
  'observation.state',
  'action',
  'physics.state',
  'next.reward',
  'frame_index',
  'source',
  'intervention',
  'operator',
  'human_seconds',
  'expert_action',
]

/** Values a row holds in each column read: a vector's length, or 1. */
export function columnWidths(task: DatasetTask): Record<string, number> {
  return {
    'observation.state': task.obsDim,
    action: task.actDim,
    'physics.state': task.stateSize,
    expert_action: task.actDim,
  }
}

/**
 * The footer's row count, its row groups' counts and each read column's value count (at most rows x width)
 * against the declared rows: what decoding would produce, known before it starts (a file of 2,000,000 rows
 * declared as 20 grew to 3.9 GB while decoding, issue #27).
 */
export function checkFooter(
  dir: string,
  rel: string,
  metadata: FileMetaData,
  rows: number,
  declaredBy: string,
  widths: Record<string, number>,
  columns: readonly string[] = READ_COLUMNS,
): void {
  const declared = `${declaredBy} says ${rows}`
  if (Number(metadata.num_rows) !== rows)
    throw bad(dir, `${rel} holds ${metadata.num_rows} rows by its footer, ${declared}`)
  let grouped = 0
  for (const group of metadata.row_groups) {
    const n = Number(group.num_rows)
    grouped += n
    for (const chunk of group.columns) {
      const meta = chunk.meta_data
      const name = meta?.path_in_schema[0] ?? ''
      if (!meta || !columns.includes(name)) continue
      const most = n * (widths[name] ?? 1)
      if (Number(meta.num_values) > most)
        throw bad(dir, `${rel} column ${name} holds ${meta.num_values} values, more than ${most} for its ${n} rows`)
    }
  }
  if (grouped !== rows) throw bad(dir, `${rel} has ${grouped} rows in its row groups, ${declared}`)
}

/** An episode from its decoded frames (rows in frame order), each vector checked against the task. */
export function episodeOfFrames(
  dir: string,
  rel: string,
  frames: readonly Record<string, unknown>[],
  task: DatasetTask,
  source: { sourceId: number; operator: string | null; createdAt: string | null },
): DatasetEpisode {
  const hasState = frames.every((f) => f['physics.state'] != null)
  const observations: Float64Array[] = []
  const actions: Float64Array[] = []
  const states: Float64Array[] | null = hasState ? [] : null
  const rewards = new Float64Array(frames.length)
  // what a person did: read when the dataset has the source column (other LeRobot datasets do not)
  const people: StepPeople | undefined = frames.some((f) => f.source != null)
    ? { sources: [], operators: [], humanSeconds: [], expertActions: [] }
    : undefined
  frames.forEach((f, i) => {
    const where = `${rel} row ${i}`
    if (Number(f.frame_index) !== i) throw bad(dir, `${where} has frame_index ${String(f.frame_index)}`)
    observations.push(vectorOf(f['observation.state'], task.obsDim, `${where} observation.state`, dir))
    actions.push(vectorOf(f.action, task.actDim, `${where} action`, dir))
    states?.push(vectorOf(f['physics.state'], task.stateSize, `${where} physics.state`, dir))
    rewards[i] = f['next.reward'] == null ? 0 : Number(f['next.reward'])
    if (people) stepPeople(dir, where, f, task, people)
  })
  return { ...source, observations, actions, states, rewards, ...(people ? { people } : {}) }
}

/** One frame's person columns, each checked as the workspace would store it. */
function stepPeople(dir: string, where: string, f: Record<string, unknown>, task: DatasetTask, into: StepPeople): void {
  const source = f.source
  if (!STEP_SOURCES.includes(source as StepSource))
    throw bad(dir, `${where} source ${JSON.stringify(source)} is not one of ${STEP_SOURCES.join(', ')}`)
  if (f.intervention != null && Boolean(f.intervention) !== (source === 'intervention'))
    throw bad(dir, `${where} intervention ${String(f.intervention)} disagrees with source '${String(source)}'`)
  // operator, seconds and expert action are bounded with every format's in validateDataset
  const operator = f.operator == null ? null : String(f.operator)
  const seconds = f.human_seconds == null ? null : Number(f.human_seconds)
  const expert = f.expert_action == null ? null : vectorOf(f.expert_action, task.actDim, `${where} expert_action`, dir)
  into.sources.push(source as StepSource)
  into.operators.push(operator)
  into.humanSeconds.push(seconds)
  into.expertActions.push(expert)
}
