// Worker thread: holds environments of one task and runs episodes (RolloutPool) or steps K envs in lockstep
// (VectorEnv) on request.
import { parentPort } from 'node:worker_threads'
import type { MujocoEnv } from './mujoco-env'
import { policyFromSpec, samplePolicy, type PolicySpec, type SpecPolicy } from './policy-spec'
import { adoptTask, makeEnv, taskDef } from './registry'
import { createRng } from './rng'
import { rollout } from './rollout'
import type { EpisodeRequest, EpisodeResult, WorkerReply, WorkerRequest } from './rollout-protocol'

const port = parentPort
if (!port) throw new Error('rollout-worker must run in a worker thread')

let envs: MujocoEnv[] = []
let survival = 0
let nextSeeds: number[] = []

const flat = (rows: Float64Array[], width: number): Float64Array => {
  const out = new Float64Array(rows.length * width)
  rows.forEach((r, i) => out.set(r, i * width))
  return out
}

// Rebuilding a policy per episode is cheap, but ARS sends many specs: reuse when the object is the same.
let lastSpec: PolicySpec | null = null
let lastPolicy: SpecPolicy | null = null
const policyFor = (spec: PolicySpec): SpecPolicy => {
  if (spec !== lastSpec) {
    lastPolicy = policyFromSpec(spec)
    lastSpec = spec
  }
  return lastPolicy!
}

function runEpisode(req: EpisodeRequest): EpisodeResult {
  const env = envs[0]
  const policy = policyFor(req.spec)
  const obsDim = env.task.obsDim
  let stats: { n: number; sum: Float64Array; sumSq: Float64Array } | null = null
  if (req.obsStats) stats = { n: 0, sum: new Float64Array(obsDim), sumSq: new Float64Array(obsDim) }
  const rng = req.sampleSeed !== undefined ? createRng(req.sampleSeed) : undefined
  const r = rollout(env, policy, {
    seed: req.seed,
    maxSteps: req.maxSteps,
    rng,
    sample: rng
      ? (o, g) => samplePolicy(policy, o, g, req.sampleSigma ?? 0, env.task.actionLow, env.task.actionHigh)
      : undefined,
    rewardOffset: req.subtractSurvival ? survival : 0,
    record: req.record,
    states: req.states,
    statesFrom: req.statesFrom,
    onObservation: stats
      ? (o) => {
          stats!.n++
          for (let i = 0; i < obsDim; i++) {
            stats!.sum[i] += o[i]
            stats!.sumSq[i] += o[i] * o[i]
          }
        }
      : undefined,
  })
  const out: EpisodeResult = { seed: req.seed, ret: r.ret, length: r.length, terminated: r.terminated }
  if (r.success !== undefined) out.success = r.success
  if (r.coverage !== undefined) out.coverage = r.coverage
  if (r.observations) {
    out.observations = flat(r.observations, obsDim)
    out.actions = flat(r.actions!, env.task.actDim)
    out.rewards = Float64Array.from(r.rewards!)
  }
  if (r.states?.length) out.states = flat(r.states, r.states[0].length)
  if (stats) out.obsStats = { n: stats.n, sum: Array.from(stats.sum), sumSq: Array.from(stats.sumSq) }
  return out
}

function transferables(results: EpisodeResult[]): ArrayBuffer[] {
  const list: ArrayBuffer[] = []
  for (const r of results)
    for (const a of [r.observations, r.actions, r.rewards, r.states]) if (a) list.push(a.buffer as ArrayBuffer)
  return list
}

const handle = async (msg: WorkerRequest): Promise<void> => {
  const reply = (m: WorkerReply, transfer: ArrayBuffer[] = []): void => port.postMessage(m, transfer)
  try {
    switch (msg.type) {
      case 'init': {
        adoptTask(msg.folderTask)
        survival = taskDef(msg.taskId).survivalBonus
        for (let i = 0; i < Math.max(1, msg.envs); i++) envs.push(await makeEnv(msg.taskId))
        reply({ type: 'ready' })
        break
      }
      case 'run': {
        const results = msg.requests.map(runEpisode)
        reply({ type: 'run', id: msg.id, results }, transferables(results))
        break
      }
      case 'vec.reset': {
        const d = envs[0].task.obsDim
        const obs = new Float64Array(envs.length * d)
        nextSeeds = msg.seeds.slice()
        envs.forEach((e, i) => obs.set(e.reset(msg.seeds[i] ?? i), i * d))
        reply({ type: 'vec.reset', id: msg.id, observations: obs }, [obs.buffer])
        break
      }
      case 'vec.step': {
        const d = envs[0].task.obsDim
        const a = envs[0].task.actDim
        const k = envs.length
        const obs = new Float64Array(k * d)
        const rewards = new Float64Array(k)
        const terminated = new Uint8Array(k)
        const truncated = new Uint8Array(k)
        for (let i = 0; i < k; i++) {
          const r = envs[i].step(msg.actions.subarray(i * a, (i + 1) * a))
          rewards[i] = r.reward
          terminated[i] = r.terminated ? 1 : 0
          truncated[i] = r.truncated ? 1 : 0
          // Finished envs reset at once (seed + K each time), so the batch never stalls.
          if (r.terminated || r.truncated) {
            nextSeeds[i] = (nextSeeds[i] ?? i) + k
            obs.set(envs[i].reset(nextSeeds[i]), i * d)
          } else obs.set(r.observation, i * d)
        }
        reply({ type: 'vec.step', id: msg.id, observations: obs, rewards, terminated, truncated }, [
          obs.buffer,
          rewards.buffer,
        ])
        break
      }
      case 'close': {
        for (const e of envs) e.close()
        envs = []
        port.close()
        break
      }
    }
  } catch (e) {
    reply({ type: 'error', id: 'id' in msg ? msg.id : undefined, message: e instanceof Error ? e.message : String(e) })
  }
}

// handle() answers every failure with an 'error' reply, so not awaiting it here loses nothing.
port.on('message', (msg: WorkerRequest) => void handle(msg))
