// robomimic's HDF5 layout (robomimic.github.io/docs/datasets/overview.html), written and read with h5wasm:
//   data/                 attrs total (steps), env_args (JSON: env_name, type, env_kwargs)
//   data/demo_N/          attrs num_samples, plus the workbench's episode_id, operator, created_at
//     obs/state           (n, obsDim) float64: the workbench's one flat observation vector
//     next_obs/state      (n, obsDim) the observation after each step (the last one repeated)
//     actions (n, actDim) rewards (n) dones (n, uint8, 1 on the last step) states (n, stateSize): the full
//     MuJoCo physics state before each action, so the episode replays exactly
//   mask/train, mask/valid   byte strings of demo names (a seeded 90/10 split)
import h5wasm from 'h5wasm/node'
import { existsSync, renameSync, rmSync } from 'node:fs'
import { StoreError } from '../errors'
import { trainValidSplit } from './split'
import { DATASET_LIMITS, type Dataset, type DatasetEpisode, type DatasetTask, type DatasetTasks } from './types'

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
    episodes.forEach((ep, i) => {
      const n = ep.actions.length
      total += n
      const demo = data.create_group(`demo_${i}`)
      demo.create_attribute('num_samples', n, null, '<i8')
      demo.create_attribute('episode_id', ep.sourceId, null, '<i8')
      if (ep.operator !== null) demo.create_attribute('operator', ep.operator)
      if (ep.createdAt !== null) demo.create_attribute('created_at', ep.createdAt)
      addMatrix(demo.create_group('obs'), 'state', ep.observations, task.obsDim)
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
    })
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
    ok = true
  } finally {
    f.close()
    if (ok) renameSync(partial, file)
    else rmSync(partial, { force: true })
  }
  return { demos: episodes.length, steps: total }
}

const HDF5_MAGIC = Buffer.from([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a])

/** HDF5's signature at offset 0 (files written by h5py and h5wasm put the superblock there). */
export function isHdf5(head: Buffer): boolean {
  return head.subarray(0, 8).equals(HDF5_MAGIC)
}

function bad(file: string, why: string): StoreError {
  return new StoreError('invalid-export', `${file}: ${why}; nothing was imported`)
}

function matrix(file: string, ds: H5Dataset | null, path: string, n: number | null, width: number): Float64Array[] {
  if (!ds || !(ds instanceof h5wasm.Dataset)) throw bad(file, `no dataset ${path}`)
  const shape = ds.shape ?? []
  if (shape.length !== 2 || shape[1] !== width || (n !== null && shape[0] !== n))
    throw bad(file, `${path} has shape [${shape.join(', ')}], expected [${n ?? 'n'}, ${width}]`)
  if (shape[0] > DATASET_LIMITS.stepsPerEpisode)
    throw bad(file, `${path} has more than ${DATASET_LIMITS.stepsPerEpisode} steps`)
  const flat = ds.value as ArrayLike<number> | null
  if (!flat || typeof flat === 'string') throw bad(file, `${path} is not numeric`)
  const out: Float64Array[] = []
  for (let i = 0; i < shape[0]; i++)
    out.push(Float64Array.from(Array.prototype.slice.call(flat, i * width, (i + 1) * width) as number[]))
  return out
}

function demoOrder(name: string): number {
  const m = /^demo_(\d+)$/.exec(name)
  return m ? Number(m[1]) : NaN
}

/** Read a robomimic file into a dataset of a known task (env_args.env_name, or `taskId` when given). */
export async function readRobomimic(file: string, tasks: DatasetTasks, taskId?: string): Promise<Dataset> {
  await ready()
  let f: H5File
  try {
    f = new h5wasm.File(file, 'r')
  } catch (e) {
    throw bad(file, `not a readable HDF5 file (${describe(e)})`)
  }
  // A damaged file can open with an invalid id (HDF5 prints its error stack) rather than throw.
  if (f.file_id < 0n) throw bad(file, 'not a readable HDF5 file')
  try {
    const data = f.get('data')
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
      if (typeof args.env_name !== 'string') throw bad(file, 'env_args has no env_name (give the task with --task)')
      name = args.env_name
    }
    const task = tasks.get(name)
    if (!task) throw bad(file, `unknown task '${name}' (known: ${[...tasks.keys()].join(', ')})`)
    const names = data.keys().filter((k) => !Number.isNaN(demoOrder(k)))
    if (names.length === 0) throw bad(file, 'no data/demo_N groups')
    if (names.length > DATASET_LIMITS.episodes) throw bad(file, `more than ${DATASET_LIMITS.episodes} demos`)
    names.sort((a, b) => demoOrder(a) - demoOrder(b))
    const episodes: DatasetEpisode[] = []
    let total = 0
    for (const demoName of names) {
      const demo = data.get(demoName)
      if (!(demo instanceof h5wasm.Group)) throw bad(file, `data/${demoName} is not a group`)
      const where = `data/${demoName}`
      const actions = matrix(file, demo.get('actions') as H5Dataset | null, `${where}/actions`, null, task.actDim)
      const n = actions.length
      if (n === 0) throw bad(file, `${where} has no steps`)
      total += n
      if (total > DATASET_LIMITS.totalSteps) throw bad(file, `more than ${DATASET_LIMITS.totalSteps} steps in all`)
      const observations = matrix(file, demo.get('obs/state') as H5Dataset | null, `${where}/obs/state`, n, task.obsDim)
      const statesDs = demo.get('states') as H5Dataset | null
      const states = statesDs ? matrix(file, statesDs, `${where}/states`, n, task.stateSize) : null
      const rewardsDs = demo.get('rewards') as H5Dataset | null
      let rewards = new Float64Array(n)
      if (rewardsDs) {
        const shape = rewardsDs.shape ?? []
        if (shape.length !== 1 || shape[0] !== n)
          throw bad(file, `${where}/rewards has shape [${shape.join(', ')}], expected [${n}]`)
        rewards = Float64Array.from(rewardsDs.value as ArrayLike<number>)
      }
      const attr = (k: string): unknown => demo.attrs[k]?.value
      const id = attr('episode_id')
      episodes.push({
        sourceId: typeof id === 'number' || typeof id === 'bigint' ? Number(id) : demoOrder(demoName),
        operator: typeof attr('operator') === 'string' ? (attr('operator') as string) : null,
        createdAt: typeof attr('created_at') === 'string' ? (attr('created_at') as string) : null,
        observations,
        actions,
        states,
        rewards,
      })
    }
    return { task, episodes }
  } catch (e) {
    if (e instanceof StoreError) throw e
    throw bad(file, `not a readable robomimic file (${describe(e)})`)
  } finally {
    f.close()
  }
}

/** HDF5's errors as exceptions (by default its library prints its error stack on stderr and carries on). */
async function ready(): Promise<void> {
  const module = await h5wasm.ready
  module.activate_throwing_error_handler()
}

/** One line from what h5wasm throws (strings as well as Errors; HDF5's stack: its innermost message). */
function describe(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e)
  const frames = [...text.matchAll(/#\d+: .* in [\w_]+\(\): (.*)$/gm)]
  return (frames.length ? frames[frames.length - 1][1] : text.split('\n')[0]).trim()
}
