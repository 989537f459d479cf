// robomimic's HDF5 layout (robomimic.github.io/docs/datasets/overview.html), written and read with h5wasm:
//   data/                 attrs total (steps), env_args (JSON: env_name, type, env_kwargs)
//   data/demo_N/          attrs num_samples, plus the workbench's episode_id, operator, created_at
//     obs/state           (n, obsDim) float64: the workbench's one flat observation vector
//     next_obs/state      (n, obsDim) the observation after each step (the last one repeated)
//     actions (n, actDim) rewards (n) dones (n, uint8, 1 on the last step) states (n, stateSize): the full
//     MuJoCo physics state before each action, so the episode replays exactly
//     source (n, text), intervention (n, uint8), human_seconds (n, NaN where none), expert_actions (n, actDim, a NaN
//     row where the expert was not asked; only when some step has one): what a person did (issue 26 item 3)
//   data/demo_N attrs tags (JSON list)
//   mask/train, mask/valid   byte strings of demo names (a seeded 90/10 split)
//   mask/<operator>, mask/<tag>   the demos of each operator and of each tag, as robomimic's multi-human datasets
//                                 filter theirs (a tag named like train, valid or an operator: mask/tag_<tag>)
import h5wasm, { ExternalLink } from 'h5wasm/node'
import { existsSync, renameSync, rmSync } from 'node:fs'
import { resolve } from 'node:path'
import { StoreError } from '../errors'
import { trainValidSplit } from './split'
import { STEP_SOURCES, type StepSource } from '../types'
import {
  DATASET_LIMITS,
  type Dataset,
  type DatasetImages,
  type DatasetEpisode,
  type DatasetTask,
  type DatasetTasks,
  type StepPeople,
} from './types'

/** robomimic's EnvType: 1 robosuite, 2 gym, 3 iGibson. Ours is a Gymnasium-style env, but only the workbench builds it. */
const GYM_TYPE = 2

type H5File = InstanceType<typeof h5wasm.File>
type H5Group = InstanceType<typeof h5wasm.Group>
type H5Dataset = InstanceType<typeof h5wasm.Dataset>

function rows(vectors: readonly Float64Array[], width: number): Float64Array {
  const out = new Float64Array(vectors.length * width)
  vectors.forEach((v, i) => out.set(v, i * width))
  return out
}

function addMatrix(group: H5Group, name: string, vectors: readonly Float64Array[], width: number): void {
  group.create_dataset({ name, data: rows(vectors, width), shape: [vectors.length, width], dtype: '<d' })
}

function envArgs(task: DatasetTask): string {
  return JSON.stringify({
    env_name: task.taskId,
    type: GYM_TYPE,
    env_kwargs: {
      control_freq: task.controlHz,
      model: task.model,
      obs_dim: task.obsDim,
      act_dim: task.actDim,
      state_size: task.stateSize,
    },
  })
}

function writeNames(group: H5Group, name: string, names: string[]): void {
  const width = Math.max(1, ...names.map((n) => n.length))
  group.create_dataset({ name, data: names, shape: [names.length], dtype: `S${width}` })
}

export async function writeRobomimic(dataset: Dataset, file: string): Promise<{ demos: number; steps: number }> {
  if (existsSync(file)) throw new StoreError('io', `${file} exists; choose a new file (an export never overwrites)`)
  await ready()
  const { task, episodes } = dataset
  // Written beside under a temporary name and renamed when complete: a failed export leaves nothing.
  const partial = `${file}.partial-${process.pid}`
  const f = new h5wasm.File(partial, 'w')
  let total = 0
  let ok = false
  try {
    const data = f.create_group('data')
    for (const [i, ep] of episodes.entries()) {
      const n = ep.actions.length
      total += n
      const demo = data.create_group(`demo_${i}`)
      demo.create_attribute('num_samples', n, null, '<i8')
      demo.create_attribute('episode_id', ep.sourceId, null, '<i8')
      if (ep.operator !== null) demo.create_attribute('operator', ep.operator)
      if (ep.createdAt !== null) demo.create_attribute('created_at', ep.createdAt)
      const obs = demo.create_group('obs')
      addMatrix(obs, 'state', ep.observations, task.obsDim)
      if (dataset.images) await addImages(obs, dataset.images, i, n)
      addMatrix(
        demo.create_group('next_obs'),
        'state',
        [...ep.observations.slice(1), ep.observations[n - 1]],
        task.obsDim,
      )
      addMatrix(demo, 'actions', ep.actions, task.actDim)
      demo.create_dataset({ name: 'rewards', data: ep.rewards, shape: [n], dtype: '<d' })
      const dones = new Uint8Array(n)
      dones[n - 1] = 1
      demo.create_dataset({ name: 'dones', data: dones, shape: [n], dtype: '<B' })
      if (ep.states) addMatrix(demo, 'states', ep.states, task.stateSize)
      if (ep.people) writePeople(demo, ep.people, task.actDim)
      if (ep.tags?.length) demo.create_attribute('tags', JSON.stringify(ep.tags))
    }
    data.create_attribute('total', total, null, '<i8')
    data.create_attribute('env_args', envArgs(task))
    const split = trainValidSplit(episodes.length)
    const mask = f.create_group('mask')
    writeNames(
      mask,
      'train',
      split.train.map((i) => `demo_${i}`),
    )
    if (split.valid.length)
      writeNames(
        mask,
        'valid',
        split.valid.map((i) => `demo_${i}`),
      )
    for (const [name, demos] of filterMasks(episodes)) writeNames(mask, name, demos)
    ok = true
  } finally {
    f.close()
    if (ok) renameSync(partial, file)
    else rmSync(partial, { force: true })
  }
  return { demos: episodes.length, steps: total }
}

/** obs/<camera>_image: (n, height, width, 3) uint8 per camera, as robomimic's image observations; written a batch at a time. */
async function addImages(obs: H5Group, images: DatasetImages, episode: number, n: number): Promise<void> {
  const { width, height } = images
  const shape = [n, height, width, 3]
  const sets = images.cameras.map((camera) =>
    obs.create_dataset({
      name: `${camera}_image`,
      data: new Uint8Array(0),
      shape: [0, height, width, 3],
      maxshape: shape,
      chunks: [Math.min(n, images.batch), height, width, 3],
      dtype: '<B',
    }),
  )
  for (const d of sets) d.resize(shape)
  for (let from = 0; from < n; from += images.batch) {
    const to = Math.min(n, from + images.batch)
    const rendered = await images.render(episode, from, to)
    sets.forEach((d, c) => d.write_slice([[from, to]], rendered[c]))
  }
}

function writePeople(demo: H5Group, people: StepPeople, actDim: number): void {
  const n = people.sources.length
  writeNames(demo, 'source', people.sources)
  demo.create_dataset({
    name: 'intervention',
    data: Uint8Array.from(people.sources, (s) => (s === 'intervention' ? 1 : 0)),
    shape: [n],
    dtype: '<B',
  })
  demo.create_dataset({
    name: 'human_seconds',
    data: Float64Array.from(people.humanSeconds, (s) => s ?? NaN),
    shape: [n],
    dtype: '<d',
  })
  if (people.expertActions.some((a) => a !== null))
    addMatrix(
      demo,
      'expert_actions',
      people.expertActions.map((a) => a ?? new Float64Array(actDim).fill(NaN)),
      actDim,
    )
}

/** HDF5 names a mask by path: a '/' in a name would make a group. */
const maskName = (name: string) => name.replace(/\//g, '_')

/** mask/<operator> and mask/<tag>: the demos of each, in demo order. */
function filterMasks(episodes: readonly DatasetEpisode[]): Map<string, string[]> {
  const masks = new Map<string, string[]>()
  const add = (name: string, i: number) => {
    const list = masks.get(name) ?? []
    list.push(`demo_${i}`)
    masks.set(name, list)
  }
  episodes.forEach((ep, i) => {
    if (ep.operator) add(maskName(ep.operator), i)
  })
  const taken = new Set(['train', 'valid', ...masks.keys()])
  episodes.forEach((ep, i) => {
    for (const tag of new Set(ep.tags ?? [])) {
      const name = maskName(tag)
      add(taken.has(name) ? `tag_${name}` : name, i)
    }
  })
  return masks
}

function bad(file: string, why: string): StoreError {
  return new StoreError('invalid-export', `${file}: ${why}; nothing was imported`)
}

function matrix(
  file: string,
  ds: H5Dataset,
  path: string,
  n: number | null,
  width: number,
  inside: Inside,
): Float64Array[] {
  const shape = ds.shape ?? []
  if (shape.length !== 2 || shape[1] !== width || (n !== null && shape[0] !== n))
    throw bad(file, `${path} has shape [${shape.join(', ')}], expected [${n ?? 'n'}, ${width}]`)
  if (shape[0] > DATASET_LIMITS.stepsPerEpisode)
    throw bad(file, `${path} has more than ${DATASET_LIMITS.stepsPerEpisode} steps`)
  const flat = inside.value(ds, path) as ArrayLike<number> | null
  if (!flat || typeof flat === 'string') throw bad(file, `${path} is not numeric`)
  const out: Float64Array[] = []
  for (let i = 0; i < shape[0]; i++)
    out.push(Float64Array.from(Array.prototype.slice.call(flat, i * width, (i + 1) * width) as number[]))
  return out
}

/**
 * While a file is read, the HDF5 library may open no other file. External links, external raw storage (h5py's
 * `external=`) and virtual datasets all name other files, absolute paths included (issue #27: /etc/passwd came in
 * as actions); h5wasm shows only the virtual sources, so every open goes through this gate, which refuses any
 * path but the file's own and remembers it. Install and release within one synchronous stretch of code.
 */
interface Confinement {
  /** the paths refused so far */
  outside: string[]
  release(): void
}

/** What Emscripten's FS needs from us: its open, and the error its system calls turn into an errno. */
interface EmscriptenFs {
  open: (path: string, ...rest: unknown[]) => unknown
  ErrnoError: new (errno: number) => Error
}
/** EACCES in Emscripten's (WASI) numbering: HDF5 sees "permission denied" and fails that open. */
const WASI_EACCES = 2
/** O_CREAT | O_EXCL and O_DIRECTORY (musl's values, which Emscripten uses). */
const CREATE_NEW = 0o100 | 0o200
const DIRECTORY = 0o200000

/**
 * An open that must make a new file reads nothing that exists: HDF5's throwing error handler writes its error
 * stack through such a temporary file, and refusing it traps the wasm.
 */
function createsFresh(flags: unknown): boolean {
  return typeof flags === 'number' && (flags & CREATE_NEW) === CREATE_NEW
}

/** A folder opened to list it holds no data: HDF5 lists its own plugin folders (not named by the file). */
function listsFolder(flags: unknown): boolean {
  return typeof flags === 'number' && (flags & DIRECTORY) === DIRECTORY
}

function confineTo(module: Awaited<typeof h5wasm.ready>, file: string): Confinement {
  const fs = module.FS as unknown as EmscriptenFs
  const own = resolve(file)
  const open = fs.open
  const outside: string[] = []
  fs.open = function (this: unknown, path: string, flags: unknown, ...rest: unknown[]) {
    if (resolve(String(path)) !== own && !createsFresh(flags) && !listsFolder(flags)) {
      outside.push(String(path))
      throw new fs.ErrnoError(WASI_EACCES)
    }
    return open.call(this, path, flags, ...rest)
  }
  return { outside, release: () => void (fs.open = open) }
}

/** Objects and values of one file, refused in one line when they lead out of it. */
interface Inside {
  dataset(group: H5Group, name: string, path: string): H5Dataset | null
  value(ds: H5Dataset, path: string): unknown
}

function insideReader(file: string, gate: Confinement): Inside {
  const refuse = (path: string, why: string): StoreError => bad(file, `${path} ${why}`)
  // Anything the gate refused while `run` ran: the object at `path` reaches another file.
  const guarded = <T>(path: string, run: () => T): T => {
    const before = gate.outside.length
    let result: T
    try {
      result = run()
    } catch (e) {
      if (!(e instanceof StoreError) && gate.outside.length > before)
        throw refuse(path, 'keeps its data in another file')
      throw e
    }
    if (gate.outside.length > before) throw refuse(path, 'keeps its data in another file')
    return result
  }
  return {
    dataset(group, name, path) {
      const entity = guarded(path, () => {
        const e = group.get(name) // the gate makes a link out of the file unresolvable: h5wasm returns the link
        if (e instanceof ExternalLink) throw refuse(path, 'is an external link to another file')
        return e
      })
      if (entity === null) return null
      if (!(entity instanceof h5wasm.Dataset)) throw bad(file, `${path} is not a dataset`)
      return entity
    },
    value(ds, path) {
      // A virtual dataset whose source cannot be opened reads as fill values, so it is refused before reading.
      if (guarded(path, () => ds.metadata.virtual_sources?.length))
        throw refuse(path, 'is a virtual dataset (its data is in another file)')
      return guarded(path, () => ds.value)
    },
  }
}

function demoOrder(name: string): number {
  const m = /^demo_(\d+)$/.exec(name)
  return m ? Number(m[1]) : NaN
}

/** Read a robomimic file into a dataset of a known task (env_args.env_name, or `taskId` when given). */
export async function readRobomimic(file: string, tasks: DatasetTasks, taskId?: string): Promise<Dataset> {
  const module = await ready()
  // From here on synchronous: the gate is released before anything else can use h5wasm.
  const gate = confineTo(module, file)
  try {
    return readConfined(file, tasks, taskId, gate)
  } finally {
    gate.release()
  }
}

function readConfined(file: string, tasks: DatasetTasks, taskId: string | undefined, gate: Confinement): Dataset {
  let f: H5File
  try {
    f = new h5wasm.File(file, 'r')
  } catch (e) {
    throw bad(file, `not a readable HDF5 file (${describe(e)})`)
  }
  // A damaged file can open with an invalid id (HDF5 prints its error stack) rather than throw.
  if (f.file_id < 0n) throw bad(file, 'not a readable HDF5 file')
  const inside = insideReader(file, gate)
  try {
    const data = f.get('data')
    if (data instanceof ExternalLink) throw bad(file, 'data is an external link to another file')
    if (!(data instanceof h5wasm.Group)) throw bad(file, 'no data group (not a robomimic file)')
    let name = taskId
    if (!name) {
      const raw = data.attrs['env_args']?.value
      let args: { env_name?: unknown } = {}
      try {
        args = JSON.parse(String(raw)) as { env_name?: unknown }
      } catch {
        throw bad(file, 'data.attrs.env_args is not JSON (give the task with --task)')
      }
      if (typeof args?.env_name !== 'string') throw bad(file, 'env_args has no env_name (give the task with --task)')
      name = args.env_name
    }
    const task = tasks.get(name)
    if (!task) throw bad(file, `unknown task '${name}' (known: ${[...tasks.keys()].join(', ')})`)
    const names = data.keys().filter((k) => !Number.isNaN(demoOrder(k)))
    if (names.length === 0) throw bad(file, 'no data/demo_N groups')
    if (names.length > DATASET_LIMITS.episodes) throw bad(file, `more than ${DATASET_LIMITS.episodes} demos`)
    names.sort((a, b) => demoOrder(a) - demoOrder(b))
    const episodes: DatasetEpisode[] = []
    /** obs/<key> besides obs/state: camera images and other observations the workspace does not keep */
    const notImported = new Set<string>()
    let total = 0
    for (const demoName of names) {
      const demo = data.get(demoName)
      if (demo instanceof ExternalLink) throw bad(file, `data/${demoName} is an external link to another file`)
      if (!(demo instanceof h5wasm.Group)) throw bad(file, `data/${demoName} is not a group`)
      const where = `data/${demoName}`
      const required = (rel: string): H5Dataset => {
        const ds = inside.dataset(demo, rel, `${where}/${rel}`)
        if (!ds) throw bad(file, `no dataset ${where}/${rel}`)
        return ds
      }
      const actions = matrix(file, required('actions'), `${where}/actions`, null, task.actDim, inside)
      const n = actions.length
      if (n === 0) throw bad(file, `${where} has no steps`)
      total += n
      if (total > DATASET_LIMITS.totalSteps) throw bad(file, `more than ${DATASET_LIMITS.totalSteps} steps in all`)
      const observations = matrix(file, required('obs/state'), `${where}/obs/state`, n, task.obsDim, inside)
      const obs = demo.get('obs')
      if (obs instanceof h5wasm.Group) for (const k of obs.keys()) if (k !== 'state') notImported.add(`obs/${k}`)
      const statesDs = inside.dataset(demo, 'states', `${where}/states`)
      const states = statesDs ? matrix(file, statesDs, `${where}/states`, n, task.stateSize, inside) : null
      const rewardsDs = inside.dataset(demo, 'rewards', `${where}/rewards`)
      let rewards = new Float64Array(n)
      if (rewardsDs) {
        const shape = rewardsDs.shape ?? []
        if (shape.length !== 1 || shape[0] !== n)
          throw bad(file, `${where}/rewards has shape [${shape.join(', ')}], expected [${n}]`)
        rewards = Float64Array.from(inside.value(rewardsDs, `${where}/rewards`) as ArrayLike<number>)
      }
      const attr = (k: string): unknown => demo.attrs[k]?.value
      const id = attr('episode_id')
      const operator = typeof attr('operator') === 'string' ? (attr('operator') as string) : null
      const people = readPeople(file, demo, where, n, task.actDim, operator, inside)
      const tags = readTags(file, attr('tags'), where)
      episodes.push({
        sourceId: typeof id === 'number' || typeof id === 'bigint' ? Number(id) : demoOrder(demoName),
        operator,
        createdAt: typeof attr('created_at') === 'string' ? (attr('created_at') as string) : null,
        observations,
        actions,
        states,
        rewards,
        ...(people ? { people } : {}),
        ...(tags ? { tags } : {}),
      })
    }
    // Nothing may have been opened besides the file, even where no read failed (a group behind an external link).
    if (gate.outside.length) throw bad(file, 'an object in it leads to another file')
    return { task, episodes, ...(notImported.size ? { notImported: [...notImported].sort() } : {}) }
  } catch (e) {
    if (e instanceof StoreError) throw e
    if (gate.outside.length) throw bad(file, 'an object in it leads to another file')
    throw bad(file, `not a readable robomimic file (${describe(e)})`)
  } finally {
    f.close()
  }
}

/** A demo's person datasets (source, human_seconds, expert_actions), when it has them. */
function readPeople(
  file: string,
  demo: H5Group,
  where: string,
  n: number,
  actDim: number,
  operator: string | null,
  inside: Inside,
): StepPeople | undefined {
  const sourceDs = inside.dataset(demo, 'source', `${where}/source`)
  if (!sourceDs) return undefined
  if ((sourceDs.shape ?? []).join() !== String(n))
    throw bad(file, `${where}/source has shape [${(sourceDs.shape ?? []).join(', ')}], expected [${n}]`)
  const raw = inside.value(sourceDs, `${where}/source`) as unknown
  const sources = (Array.isArray(raw) ? raw : [raw]).map((v) => String(v))
  const badSource = sources.findIndex((s) => !STEP_SOURCES.includes(s as StepSource))
  if (badSource >= 0)
    throw bad(file, `${where}/source[${badSource}] '${sources[badSource]}' is not one of ${STEP_SOURCES.join(', ')}`)
  let humanSeconds: (number | null)[] = sources.map(() => null)
  const secondsDs = inside.dataset(demo, 'human_seconds', `${where}/human_seconds`)
  if (secondsDs) {
    if ((secondsDs.shape ?? []).join() !== String(n))
      throw bad(file, `${where}/human_seconds has shape [${(secondsDs.shape ?? []).join(', ')}], expected [${n}]`)
    const values = inside.value(secondsDs, `${where}/human_seconds`) as ArrayLike<number>
    humanSeconds = Array.from(values, (v) => (Number.isNaN(v) ? null : Number(v)))
  }
  const expertDs = inside.dataset(demo, 'expert_actions', `${where}/expert_actions`)
  const expertActions = expertDs
    ? matrix(file, expertDs, `${where}/expert_actions`, n, actDim, inside).map((a) => (a.some(Number.isNaN) ? null : a))
    : sources.map(() => null)
  return {
    sources: sources as StepSource[],
    operators: sources.map((s) => (s === 'policy' ? null : operator)),
    humanSeconds,
    expertActions,
  }
}

/** A demo's tags attribute (JSON list of texts), bounded. */
function readTags(file: string, raw: unknown, where: string): string[] | undefined {
  if (raw === undefined) return undefined
  let tags: unknown
  try {
    tags = JSON.parse(String(raw))
  } catch {
    throw bad(file, `${where} attrs tags is not JSON`)
  }
  if (!Array.isArray(tags) || !tags.every((t) => typeof t === 'string'))
    throw bad(file, `${where} attrs tags is not a list of texts`)
  return tags as string[] // bounded with every format's in validateDataset
}

/** HDF5's errors as exceptions (by default its library prints its error stack on stderr and carries on). */
async function ready(): Promise<Awaited<typeof h5wasm.ready>> {
  const module = await h5wasm.ready
  module.activate_throwing_error_handler()
  return module
}

/** One line from what h5wasm throws (strings as well as Errors; HDF5's stack: its innermost message). */
function describe(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e)
  const frames = [...text.matchAll(/#\d+: .* in [\w_]+\(\): (.*)$/gm)]
  return (frames.length ? frames[frames.length - 1][1] : text.split('\n')[0]).trim()
}
