// LeRobot's dataset layout codebase_version v2.1, one Parquet file per episode (`iwb export --format
// lerobot-v2.1`; import reads v2.0 and v2.1), written with hyparquet-writer and read with hyparquet:
//   meta/info.json              features (dtype, shape, names), fps, totals, path templates, splits
//   meta/tasks.jsonl            {"task_index": 0, "task": "<task id>"}
//   meta/episodes.jsonl         {"episode_index", "tasks", "length"} (+ "workbench": source episode, operator, date)
//   meta/episodes_stats.jsonl   per-episode min/max/mean/std/count of every numeric feature; meta/stats.json overall
//   data/chunk-000/episode_000000.parquet   one row a step (the frame columns of lerobot-parts.ts)
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { parquetWriteBuffer } from 'hyparquet-writer'
import { parquetMetadata, parquetReadObjects, parquetSchema, type FileMetaData } from 'hyparquet'
import {
  CHUNKS_SIZE,
  bad,
  checkFooter,
  columnWidths,
  datasetTask,
  imagesNotImported,
  describeJson,
  episodeOfFrames,
  frameColumns,
  frameFeatures,
  frameShape,
  isObject,
  mergeStats,
  readInfo,
  readJson,
  readPart,
  READ_COLUMNS,
  stats,
  writeFolder,
  type Feature,
  type Stats,
} from './lerobot-parts'
import { DATASET_LIMITS, type Dataset, type DatasetEpisode, type DatasetTask, type DatasetTasks } from './types'

export const LEROBOT_V21 = 'v2.1'
const DATA_PATH = 'data/chunk-{episode_chunk:03d}/episode_{episode_index:06d}.parquet'
const VIDEO_PATH = 'videos/chunk-{episode_chunk:03d}/{video_key}/episode_{episode_index:06d}.mp4'

function dataPath(episodeIndex: number): string {
  const chunk = Math.floor(episodeIndex / CHUNKS_SIZE)
  return `data/chunk-${String(chunk).padStart(3, '0')}/episode_${String(episodeIndex).padStart(6, '0')}.parquet`
}

const jsonl = (rows: unknown[]): string => rows.map((r) => JSON.stringify(r) + '\n').join('')

export function writeLerobotV21(dataset: Dataset, dir: string): { episodes: number; steps: number } {
  return writeFolder(dir, (partial) => writeInto(dataset, partial))
}

function writeInto(dataset: Dataset, dir: string): { episodes: number; steps: number } {
  const { task, episodes } = dataset
  mkdirSync(join(dir, 'meta'), { recursive: true })
  const episodeStats: { episode_index: number; stats: Record<string, Stats> }[] = []
  const shape = frameShape(episodes)
  let index = 0
  episodes.forEach((ep, e) => {
    const file = join(dir, dataPath(e))
    mkdirSync(join(file, '..'), { recursive: true })
    const { columnData, schema, statVectors } = frameColumns(task, ep, e, index, shape)
    writeFileSync(file, new Uint8Array(parquetWriteBuffer({ columnData, schema, statistics: false })))
    // v2.1's episodes_stats.jsonl as LeRobot's converters wrote it: the vectors and the time
    const kept = ['observation.state', 'action', 'next.reward', 'timestamp']
    episodeStats.push({
      episode_index: e,
      stats: Object.fromEntries(kept.map((k) => [k, stats(statVectors[k].vectors, statVectors[k].width)])),
    })
    index += ep.actions.length
  })
  const info = {
    codebase_version: LEROBOT_V21,
    robot_type: task.taskId,
    total_episodes: episodes.length,
    total_frames: index,
    total_tasks: 1,
    total_videos: 0,
    total_chunks: Math.ceil(episodes.length / CHUNKS_SIZE),
    chunks_size: CHUNKS_SIZE,
    fps: task.controlHz,
    // LeRobot's splits are episode ranges and its loaders read "train" (robomimic's mask holds the 90/10 split)
    splits: { train: `0:${episodes.length}` },
    data_path: DATA_PATH,
    video_path: VIDEO_PATH,
    features: frameFeatures(task, shape),
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
        workbench: { episode_id: ep.sourceId, operator: ep.operator, created_at: ep.createdAt, tags: ep.tags ?? [] },
      })),
    ),
  )
  writeFileSync(join(dir, 'meta', 'episodes_stats.jsonl'), jsonl(episodeStats))
  const keys = Object.keys(episodeStats[0]?.stats ?? {})
  const overall = Object.fromEntries(keys.map((k) => [k, mergeStats(episodeStats.map((s) => s.stats[k]))]))
  writeFileSync(join(dir, 'meta', 'stats.json'), JSON.stringify(overall) + '\n')
  return { episodes: episodes.length, steps: index }
}

/** The rows of a .jsonl file of meta/, each an object (a `null` row is refused by its number). */
function readRows(dir: string, rel: string): Record<string, unknown>[] {
  const rows = readJson(dir, rel) as unknown[]
  const i = rows.findIndex((r) => !isObject(r))
  if (i >= 0) throw bad(dir, `${rel} row ${i + 1} is ${describeJson(rows[i])}, not a JSON object`)
  return rows as Record<string, unknown>[]
}

/** The rows of one episode file, its footer checked against the length meta/episodes.jsonl declares first. */
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
  checkFooter(dir, rel, metadata, length, 'meta/episodes.jsonl', columnWidths(task))
  try {
    const columns = READ_COLUMNS.filter((c) => present.has(c))
    return (await parquetReadObjects({ file, metadata, columns, rowEnd: length })) as Record<string, unknown>[]
  } catch (err) {
    throw unreadable(err)
  }
}

/** Read a LeRobot v2.0 / v2.1 folder into a dataset of a known task. */
export async function readLerobotV21(dir: string, tasks: DatasetTasks, taskId?: string): Promise<Dataset> {
  const info = readInfo(dir) as {
    codebase_version?: unknown
    features?: Record<string, Feature>
    workbench?: { task_id?: unknown }
  }
  const version = String(info.codebase_version ?? '')
  if (!/^v2\.[01]$/.test(version))
    throw bad(dir, `codebase_version '${version}' is not one this workbench reads (v2.0, v2.1, v3.0)`)
  const tasksTable = readRows(dir, 'meta/tasks.jsonl')
  const task = datasetTask(
    dir,
    info,
    tasksTable.map((t) => t.task),
    tasks,
    taskId,
  )
  const episodesTable = readRows(dir, 'meta/episodes.jsonl') as {
    episode_index?: unknown
    length?: unknown
    workbench?: { episode_id?: unknown; operator?: unknown; created_at?: unknown; tags?: unknown }
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
    const frames = await readFrames(dir, rel, readPart(dir, rel, DATASET_LIMITS.dataFileBytes), length, task)
    if (frames.length !== length) throw bad(dir, `${rel} has ${frames.length} rows, meta/episodes.jsonl says ${length}`)
    const wb = row.workbench ?? {}
    const ep = episodeOfFrames(dir, rel, frames, task, {
      sourceId: typeof wb.episode_id === 'number' ? wb.episode_id : e,
      operator: typeof wb.operator === 'string' ? wb.operator : null,
      createdAt: typeof wb.created_at === 'string' ? wb.created_at : null,
    })
    episodes.push(Array.isArray(wb.tags) ? { ...ep, tags: wb.tags.map(String) } : ep)
  }
  return { task, episodes, ...imagesNotImported(info) }
}
