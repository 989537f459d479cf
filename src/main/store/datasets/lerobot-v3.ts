// LeRobot's dataset layout codebase_version v3.0 (`iwb export --format lerobot`, LeRobot's own since 2025), written
// with hyparquet-writer and read with hyparquet. Many episodes share a file:
//   meta/info.json                               features, fps, totals, chunks_size, file size limits, path templates
//   meta/tasks.parquet                           task_index, task (pandas' index, as LeRobot writes it)
//   meta/episodes/chunk-000/file-000.parquet     a row per episode: episode_index, tasks, length, its data file
//                                                (data/chunk_index, data/file_index), its rows (dataset_from_index,
//                                                dataset_to_index), its own place, stats/<feature>/<stat>, and the
//                                                workbench's columns (workbench/episode_id, operator, created_at,
//                                                tags)
//   meta/stats.json                              the statistics over all episodes
//   data/chunk-000/file-000.parquet              the frames of consecutive episodes, one row group per episode,
//                                                a new file once one reaches the size limit (100 MB, LeRobot's)
import { mkdirSync, readdirSync, writeFileSync, lstatSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { ByteWriter, ParquetWriter } from 'hyparquet-writer'
import { parquetMetadata, parquetReadObjects, parquetSchema, type FileMetaData } from 'hyparquet'
import {
  CHUNKS_SIZE,
  QUANTILES,
  bad,
  checkFooter,
  columnWidths,
  datasetTask,
  imagesNotImported,
  episodeOfFrames,
  frameColumns,
  frameFeatures,
  frameShape,
  listColumn,
  mergeStats,
  readInfo,
  readPart,
  READ_COLUMNS,
  scalarColumn,
  stats,
  writeFolder,
  writeFolderAsync,
  type Feature,
  type Stats,
} from './lerobot-parts'
import {
  channelShaped,
  perChannel,
  imageWriter,
  videoColumns,
  type EpisodeImages,
  type ImagesInfo,
  type VideoPlace,
} from './lerobot-images'
import { DATASET_LIMITS, type Dataset, type DatasetEpisode, type DatasetTask, type DatasetTasks } from './types'

export const LEROBOT_V3 = 'v3.0'
const DATA_PATH = 'data/chunk-{chunk_index:03d}/file-{file_index:03d}.parquet'
const EPISODES_PATH = 'meta/episodes/chunk-{chunk_index:03d}/file-{file_index:03d}.parquet'
/** LeRobot's defaults (MB in info.json); a data file is closed once it reaches the first */
const DATA_FILE_MB = 100
const VIDEO_FILE_MB = 200
/** the most a file limit may be set to (tests set small ones to see several files) */
const MAX_FILE_BYTES = 2 ** 30

export interface LerobotV3Options {
  /** close a data file once it holds this many bytes (default 100 MB, LeRobot's; 1 KiB..1 GiB) */
  dataFileBytes?: number
}

/** A chunk-{c}/file-{f} path for the n-th file: chunks of CHUNKS_SIZE files each. */
function place(template: string, n: number): { chunk: number; file: number; rel: string } {
  const chunk = Math.floor(n / CHUNKS_SIZE)
  const file = n % CHUNKS_SIZE
  return { chunk, file, rel: formatPath(template, { chunk_index: chunk, file_index: file }) }
}

/** Python's str.format for the templates info.json holds: {name} and {name:03d}. */
function formatPath(template: string, values: Record<string, number>): string {
  return template.replace(/\{(\w+)(?::0(\d+)d)?\}/g, (whole, name: string, width?: string) => {
    const v = values[name]
    if (v === undefined) return whole
    return width ? String(v).padStart(Number(width), '0') : String(v)
  })
}

/** Whether a LeRobot folder says it is v3.x. */
export function isLerobotV3(version: string | null): boolean {
  return version !== null && /^v3\.\d+$/.test(version)
}

interface EpisodeRow {
  episode_index: number
  length: number
  data: { chunk: number; file: number }
  from: number
  to: number
  stats: Record<string, Stats>
  /** per video key: its file and the episode's span in it */
  videos?: Record<string, VideoPlace>
}

export function writeLerobotV3(
  dataset: Dataset,
  dir: string,
  options: LerobotV3Options = {},
): { episodes: number; steps: number; dataFiles: number } {
  if (dataset.images) throw new RangeError('a dataset with camera images is written by writeLerobotV3Images')
  const limit = fileLimit(options)
  return writeFolder(dir, (partial) => {
    const w = v3Writer(dataset, partial, limit)
    dataset.episodes.forEach((_, e) => w.episode(e))
    return w.finish()
  })
}

/** The same with the dataset's camera images: MP4 videos beside the data or PNG frames in it (lerobot-images.ts). */
export async function writeLerobotV3Images(
  dataset: Dataset,
  dir: string,
  options: LerobotV3Options = {},
): Promise<{ episodes: number; steps: number; dataFiles: number; videoFiles: number }> {
  const images = dataset.images
  if (!images) throw new RangeError('writeLerobotV3Images needs a dataset with images')
  const limit = fileLimit(options)
  return writeFolderAsync(dir, async (partial) => {
    const w = v3Writer(dataset, partial, limit)
    const episodeImages = imageWriter(images, partial, dataset.task.controlHz, place)
    try {
      for (let e = 0; e < dataset.episodes.length; e++)
        w.episode(e, await episodeImages.episode(e, dataset.episodes[e].actions.length))
      const videos = await episodeImages.finish()
      return { ...w.finish(episodeImages.info()), videoFiles: videos }
    } catch (err) {
      episodeImages.abort()
      throw err
    }
  })
}

function fileLimit(options: LerobotV3Options): number {
  const limit = options.dataFileBytes ?? DATA_FILE_MB * 2 ** 20
  if (!Number.isInteger(limit) || limit < 1024 || limit > MAX_FILE_BYTES)
    throw new RangeError(`dataFileBytes must be an integer of 1024..${MAX_FILE_BYTES}, got ${limit}`)
  return limit
}

/** The data files and meta of a v3.0 folder, an episode at a time (with its images' columns, statistics and video places). */
function v3Writer(dataset: Dataset, dir: string, limit: number) {
  const { task, episodes } = dataset
  const shape = frameShape(episodes)
  const rows: EpisodeRow[] = []
  let open: { writer: ByteWriter; parquet: ParquetWriter; at: ReturnType<typeof place> } | null = null
  let files = 0
  const close = () => {
    if (!open) return
    void open.parquet.finish() // synchronous with a ByteWriter
    const path = join(dir, open.at.rel)
    mkdirSync(dirname(path), { recursive: true })
    writeFileSync(path, new Uint8Array(open.writer.getBuffer()))
    open = null
  }
  let index = 0
  return {
    episode(e: number, images?: EpisodeImages) {
      const ep = episodes[e]
      const n = ep.actions.length
      const { columnData, schema, statVectors } = frameColumns(task, ep, e, index, shape)
      if (images) {
        columnData.push(...(images.columns as typeof columnData))
        schema.push(...(images.schema as typeof schema))
        schema[0] = { name: 'schema', num_children: columnData.length }
      }
      if (!open) {
        const writer = new ByteWriter()
        open = {
          writer,
          parquet: new ParquetWriter({ writer, schema: schema as never, statistics: false }),
          at: place(DATA_PATH, files++),
        }
      }
      // one row group per episode, as LeRobot writes them: a reader fetches an episode without the others
      void open.parquet.write({ columnData: columnData as never, rowGroupSize: n })
      rows.push({
        episode_index: e,
        length: n,
        data: { chunk: open.at.chunk, file: open.at.file },
        from: index,
        to: index + n,
        stats: {
          ...Object.fromEntries(
            Object.entries(statVectors).map(([k, { vectors, width }]) => [k, stats(vectors, width, true)]),
          ),
          ...images?.stats,
        },
        videos: images?.videos,
      })
      index += n
      if (open.writer.offset >= limit) close()
    },
    finish(media?: ImagesInfo) {
      close()
      writeEpisodes(dir, dataset, rows, media?.imageKeys ?? [])
      writeTasks(dir, task)
      const keys = Object.keys(rows[0]?.stats ?? {})
      const overall: Record<string, unknown> = Object.fromEntries(
        keys.map((k) => [k, overallStats(rows.map((r) => r.stats[k]))]),
      )
      // an image's statistics are per channel, shaped [3, 1, 1] as LeRobot keeps them
      for (const k of media?.imageKeys ?? []) if (overall[k]) overall[k] = channelShaped(overall[k] as Stats)
      writeFileSync(join(dir, 'meta', 'stats.json'), JSON.stringify(overall, null, 4) + '\n')
      const info = {
        codebase_version: LEROBOT_V3,
        robot_type: task.taskId,
        total_episodes: episodes.length,
        total_frames: index,
        total_tasks: 1,
        chunks_size: CHUNKS_SIZE,
        data_files_size_in_mb: Math.max(1, Math.round(limit / 2 ** 20)),
        video_files_size_in_mb: VIDEO_FILE_MB,
        fps: task.controlHz,
        // LeRobot's splits are episode ranges and its loaders read "train" (robomimic's mask holds the 90/10 split)
        splits: { train: `0:${episodes.length}` },
        data_path: DATA_PATH,
        // null without videos, as LeRobot writes it
        video_path: media?.videoPath ?? null,
        features: { ...frameFeatures(task, shape), ...media?.features },
        // The workbench's own keys (LeRobot ignores unknown ones): which task and model file replays the episodes.
        workbench: { task_id: task.taskId, model: task.model, control_hz: task.controlHz },
      }
      writeFileSync(join(dir, 'meta', 'info.json'), JSON.stringify(info, null, 4) + '\n')
      return { episodes: episodes.length, steps: index, dataFiles: files }
    },
  }
}

/** Over all episodes: exact min, max, mean, std, count; quantiles the count-weighted mean of the episodes' (as LeRobot aggregates them). */
function overallStats(all: Stats[]): Stats {
  const merged = mergeStats(all)
  const n = merged.count[0]
  for (const key of Object.keys(QUANTILES) as (keyof typeof QUANTILES)[])
    merged[key] = merged.mean.map((_, j) => all.reduce((a, s) => a + s[key]![j] * s.count[0], 0) / n)
  return merged
}

const STAT_KEYS: (keyof Stats)[] = [
  'min',
  'max',
  'mean',
  'std',
  'count',
  ...(Object.keys(QUANTILES) as (keyof typeof QUANTILES)[]),
]

/** meta/episodes: LeRobot's columns, then the workbench's; at most 10,000 episodes a file. */
function writeEpisodes(dir: string, dataset: Dataset, rows: EpisodeRow[], imageKeys: readonly string[]): void {
  const statColumns = Object.keys(rows[0]?.stats ?? {}).flatMap((feature) =>
    STAT_KEYS.map((stat) => ({
      feature,
      stat,
      name: `stats/${feature}/${stat}`,
      // an image's statistics are per channel, (3, 1, 1); every count is (1,)
      image: stat !== 'count' && imageKeys.includes(feature),
    })),
  )
  // a meta row is small (its statistics are most of it); a file of 10,000 rows stays a few MB
  const perFile = 10_000
  for (let start = 0, n = 0; start < rows.length; start += perFile, n++) {
    const part = rows.slice(start, start + perFile)
    const at = place(EPISODES_PATH, n)
    const big = (xs: number[]) => BigInt64Array.from(xs, (x) => BigInt(x))
    const eps = part.map((r) => dataset.episodes[r.episode_index])
    const columnData = [
      { name: 'episode_index', data: big(part.map((r) => r.episode_index)) },
      { name: 'tasks', data: part.map(() => [dataset.task.taskId]) },
      { name: 'length', data: big(part.map((r) => r.length)) },
      { name: 'data/chunk_index', data: big(part.map((r) => r.data.chunk)) },
      { name: 'data/file_index', data: big(part.map((r) => r.data.file)) },
      { name: 'dataset_from_index', data: big(part.map((r) => r.from)) },
      { name: 'dataset_to_index', data: big(part.map((r) => r.to)) },
      { name: 'meta/episodes/chunk_index', data: big(part.map(() => at.chunk)) },
      { name: 'meta/episodes/file_index', data: big(part.map(() => at.file)) },
      ...statColumns.map(({ feature, stat, name, image }) => ({
        name,
        data: part.map((r) =>
          stat === 'count'
            ? r.stats[feature].count.map((c) => BigInt(c))
            : image
              ? perChannel(r.stats[feature][stat]!)
              : r.stats[feature][stat]!,
        ),
      })),
      ...videoColumns(part.map((r) => r.videos)).map(({ name, data }) => ({
        name,
        data: name.endsWith('_index') ? big(data) : Float64Array.from(data),
      })),
      { name: 'workbench/episode_id', data: big(eps.map((ep) => ep.sourceId)) },
      { name: 'workbench/operator', data: eps.map((ep) => ep.operator) },
      { name: 'workbench/created_at', data: eps.map((ep) => ep.createdAt) },
      { name: 'workbench/tags', data: eps.map((ep) => ep.tags ?? []) },
    ]
    const schema = [
      { name: 'schema', num_children: columnData.length },
      scalarColumn('episode_index', 'INT64'),
      ...listColumn('tasks', 'BYTE_ARRAY'),
      ...[
        'length',
        'data/chunk_index',
        'data/file_index',
        'dataset_from_index',
        'dataset_to_index',
        'meta/episodes/chunk_index',
        'meta/episodes/file_index',
      ].map((c) => scalarColumn(c, 'INT64')),
      ...statColumns.flatMap(({ stat, name, image }) =>
        listColumn(name, stat === 'count' ? 'INT64' : 'DOUBLE', image ? 3 : 1),
      ),
      ...videoColumns(part.map((r) => r.videos)).map(({ name }) =>
        scalarColumn(name, name.endsWith('_index') ? 'INT64' : 'DOUBLE'),
      ),
      scalarColumn('workbench/episode_id', 'INT64'),
      scalarColumn('workbench/operator', 'BYTE_ARRAY'),
      scalarColumn('workbench/created_at', 'BYTE_ARRAY'),
      ...listColumn('workbench/tags', 'BYTE_ARRAY'),
    ]
    writeParquet(join(dir, at.rel), columnData, schema)
  }
}

/** meta/tasks.parquet as pandas writes LeRobot's (the task text is the frame's index, task_index its column). */
function writeTasks(dir: string, task: DatasetTask): void {
  const pandas = {
    index_columns: ['task'],
    column_indexes: [],
    columns: [
      { name: 'task_index', field_name: 'task_index', pandas_type: 'int64', numpy_type: 'int64', metadata: null },
      { name: 'task', field_name: 'task', pandas_type: 'unicode', numpy_type: 'object', metadata: null },
    ],
    creator: { library: 'imitation-workbench' },
    pandas_version: '2.2.3',
  }
  writeParquet(
    join(dir, 'meta', 'tasks.parquet'),
    [
      { name: 'task_index', data: BigInt64Array.of(0n) },
      { name: 'task', data: [task.taskId] },
    ],
    [{ name: 'schema', num_children: 2 }, scalarColumn('task_index', 'INT64'), scalarColumn('task', 'BYTE_ARRAY')],
    [{ key: 'pandas', value: JSON.stringify(pandas) }],
  )
}

function writeParquet(
  path: string,
  columnData: { name: string; data: unknown }[],
  schema: object[],
  kvMetadata?: { key: string; value: string }[],
): void {
  const writer = new ByteWriter()
  const parquet = new ParquetWriter({ writer, schema: schema as never, statistics: false, kvMetadata })
  void parquet.write({ columnData: columnData as never })
  void parquet.finish() // synchronous with a ByteWriter
  mkdirSync(dirname(path), { recursive: true })
  writeFileSync(path, new Uint8Array(writer.getBuffer()))
}

// ---- reading ---------------------------------------------------------------------------------------------

const unreadable = (dir: string, rel: string, err: unknown) =>
  bad(dir, `${rel} is not a readable Parquet file (${(err as Error).message})`)

/** A Parquet file's footer, and the rows of the named columns it has (after `check` saw the footer). */
async function readTable(
  dir: string,
  rel: string,
  max: number,
  columns: readonly string[],
  check: (metadata: FileMetaData) => void,
): Promise<Record<string, unknown>[]> {
  const bytes = readPart(dir, rel, max)
  const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)
  let metadata: FileMetaData
  let present: Set<string>
  try {
    metadata = parquetMetadata(file)
    present = new Set(parquetSchema(metadata).children.map((c) => c.element.name))
  } catch (err) {
    throw unreadable(dir, rel, err)
  }
  check(metadata)
  try {
    return (await parquetReadObjects({
      file,
      metadata,
      columns: columns.filter((c) => present.has(c)),
    })) as Record<string, unknown>[]
  } catch (err) {
    throw unreadable(dir, rel, err)
  }
}

/** meta/episodes/chunk-*\/file-*.parquet, in order: plain folders and files only (no links). */
function episodeFiles(dir: string): string[] {
  const list = (rel: string, pattern: RegExp, folders: boolean): string[] => {
    let names: string[]
    try {
      names = readdirSync(join(dir, rel))
    } catch {
      throw bad(dir, `no ${rel}`)
    }
    const picked = names.filter((n) => pattern.test(n)).sort()
    for (const n of picked) {
      const st = lstatSync(join(dir, rel, n))
      if (folders ? !st.isDirectory() : !st.isFile())
        throw bad(dir, `${rel}/${n} is not a plain ${folders ? 'folder' : 'file'}`)
    }
    return picked.map((n) => `${rel}/${n}`)
  }
  if (lstatSync(join(dir, 'meta')).isSymbolicLink()) throw bad(dir, 'meta is a symbolic link; refused')
  const files = list('meta/episodes', /^chunk-\d+$/, true).flatMap((c) => list(c, /^file-\d+\.parquet$/, false))
  if (files.length === 0) throw bad(dir, 'meta/episodes holds no file-*.parquet')
  if (files.length > DATASET_LIMITS.episodes) throw bad(dir, `more than ${DATASET_LIMITS.episodes} episode files`)
  return files
}

const EPISODE_COLUMNS = [
  'episode_index',
  'length',
  'data/chunk_index',
  'data/file_index',
  'workbench/episode_id',
  'workbench/operator',
  'workbench/created_at',
  'workbench/tags',
]

interface EpisodeMeta {
  e: number
  length: number
  data: string
  sourceId: number
  operator: string | null
  createdAt: string | null
  tags: string[] | undefined
}

async function readEpisodeMeta(dir: string, dataTemplate: string): Promise<EpisodeMeta[]> {
  const out: EpisodeMeta[] = []
  for (const rel of episodeFiles(dir)) {
    const rows = await readTable(dir, rel, DATASET_LIMITS.metaBytes, EPISODE_COLUMNS, (m) => {
      if (out.length + Number(m.num_rows) > DATASET_LIMITS.episodes)
        throw bad(dir, `more than ${DATASET_LIMITS.episodes} episodes`)
    })
    for (const [i, row] of rows.entries()) {
      const e = Number(row.episode_index)
      const length = Number(row.length)
      const chunk = Number(row['data/chunk_index'])
      const file = Number(row['data/file_index'])
      if (
        ![e, chunk, file].every((x) => Number.isSafeInteger(x) && x >= 0) ||
        !Number.isInteger(length) ||
        length < 1 ||
        length > DATASET_LIMITS.stepsPerEpisode
      )
        throw bad(
          dir,
          `${rel} row ${i} needs an episode_index, data/chunk_index, data/file_index and a length of 1..${DATASET_LIMITS.stepsPerEpisode}`,
        )
      const data = formatPath(dataTemplate, { chunk_index: chunk, file_index: file })
      // the template comes from the dataset: its paths stay inside the folder
      if (data.split('/').some((p) => p === '' || p === '.' || p === '..'))
        throw bad(dir, `data_path gives '${data}', not a path inside the dataset`)
      const text = (v: unknown) => (typeof v === 'string' ? v : null)
      const id = row['workbench/episode_id']
      out.push({
        e,
        length,
        data,
        sourceId: id == null ? e : Number(id),
        operator: text(row['workbench/operator']),
        createdAt: text(row['workbench/created_at']),
        tags: Array.isArray(row['workbench/tags']) ? (row['workbench/tags'] as unknown[]).map(String) : undefined,
      })
    }
  }
  out.sort((a, b) => a.e - b.e)
  if (out.some((m, i) => i > 0 && out[i - 1].e === m.e)) throw bad(dir, 'meta/episodes lists an episode_index twice')
  return out
}

/** Read a LeRobot v3.0 folder into a dataset of a known task. */
export async function readLerobotV3(dir: string, tasks: DatasetTasks, taskId?: string): Promise<Dataset> {
  const info = readInfo(dir) as {
    codebase_version?: unknown
    data_path?: unknown
    features?: Record<string, Feature>
    workbench?: { task_id?: unknown }
  }
  const version = String(info.codebase_version ?? '')
  if (version !== LEROBOT_V3)
    throw bad(dir, `codebase_version '${version}' is not one this workbench reads (v2.0, v2.1, v3.0)`)
  const template = typeof info.data_path === 'string' ? info.data_path : DATA_PATH
  const taskRows = await readTable(
    dir,
    'meta/tasks.parquet',
    DATASET_LIMITS.metaBytes,
    ['task', '__index_level_0__'],
    (m) => {
      if (Number(m.num_rows) > 10_000) throw bad(dir, `meta/tasks.parquet holds ${m.num_rows} tasks`)
    },
  )
  const task = datasetTask(
    dir,
    info,
    taskRows.map((r) => r.task ?? r.__index_level_0__),
    tasks,
    taskId,
  )
  const metas = await readEpisodeMeta(dir, template)
  let total = 0
  for (const m of metas) {
    total += m.length
    if (total > DATASET_LIMITS.totalSteps) throw bad(dir, `more than ${DATASET_LIMITS.totalSteps} steps in all`)
  }
  // each data file once, holding exactly the rows of the episodes that name it
  const byFile = new Map<string, EpisodeMeta[]>()
  for (const m of metas) byFile.set(m.data, [...(byFile.get(m.data) ?? []), m])
  const episodes = new Map<number, DatasetEpisode>()
  const columns = [...READ_COLUMNS, 'episode_index']
  for (const [rel, inFile] of byFile) {
    const rows = inFile.reduce((a, m) => a + m.length, 0)
    const frames = await readTable(dir, rel, DATASET_LIMITS.dataFileBytes, columns, (metadata) =>
      checkFooter(dir, rel, metadata, rows, 'meta/episodes', columnWidths(task), columns),
    )
    const of = new Map<number, Record<string, unknown>[]>(inFile.map((m) => [m.e, []]))
    for (const [i, f] of frames.entries()) {
      const list = of.get(Number(f.episode_index))
      if (!list)
        throw bad(
          dir,
          `${rel} row ${i} is of episode ${String(f.episode_index)}, which meta/episodes does not place there`,
        )
      list.push(f)
    }
    for (const m of inFile) {
      const mine = of.get(m.e)!
      if (mine.length !== m.length)
        throw bad(dir, `${rel} holds ${mine.length} rows of episode ${m.e}, meta/episodes says ${m.length}`)
      const source = { sourceId: m.sourceId, operator: m.operator, createdAt: m.createdAt }
      const ep = episodeOfFrames(dir, `${rel} episode ${m.e}`, mine, task, source)
      episodes.set(m.e, m.tags ? { ...ep, tags: m.tags } : ep)
    }
  }
  return { task, episodes: metas.map((m) => episodes.get(m.e)!), ...imagesNotImported(info) }
}
