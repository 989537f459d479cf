// Worker threads that run episodes of one task (evaluation, ARS perturbations, STAGGER rollouts) and a
// vectorised env that steps K copies of a task in one worker. Both use both cores by default.
import type { Worker } from 'node:worker_threads'
import { meanStd } from '../../shared/stats'
import { startWorker } from '../workers'
import { taskCarry } from './registry'
import type { EpisodeRequest, EpisodeResult, WorkerReply, WorkerRequest } from './rollout-protocol'
import { successShare } from './rollout'

export type { EpisodeRequest, EpisodeResult, ObsStats } from './rollout-protocol'

class WorkerHandle {
  private pending = new Map<number, { resolve: (r: WorkerReply) => void; reject: (e: Error) => void }>()
  private nextId = 1
  private failed: Error | null = null
  readonly ready: Promise<void>

  constructor(
    readonly worker: Worker,
    init: WorkerRequest,
  ) {
    this.ready = new Promise((resolve, reject) => {
      const onFirst = (m: WorkerReply): void => {
        if (m.type === 'ready') resolve()
        else if (m.type === 'error') reject(new Error(`rollout worker: ${m.message}`))
      }
      worker.once('message', onFirst)
      worker.once('error', reject)
    })
    worker.on('message', (m: WorkerReply) => {
      if (m.id === undefined) return
      const p = this.pending.get(m.id)
      if (!p) return
      this.pending.delete(m.id)
      if (m.type === 'error') p.reject(new Error(`rollout worker: ${m.message}`))
      else p.resolve(m)
    })
    const fail = (e: Error): void => {
      this.failed = e
      for (const p of this.pending.values()) p.reject(e)
      this.pending.clear()
    }
    worker.on('error', fail)
    worker.on('exit', (code) => {
      if (this.pending.size) fail(new Error(`rollout worker exited (code ${code})`))
    })
    worker.postMessage(init)
  }

  /** requests sent and not yet answered */
  get busy(): number {
    return this.pending.size
  }

  request<T extends WorkerReply>(make: (id: number) => WorkerRequest, transfer: ArrayBuffer[] = []): Promise<T> {
    if (this.failed) return Promise.reject(this.failed)
    const id = this.nextId++
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (r: WorkerReply) => void, reject })
      this.worker.postMessage(make(id), transfer)
    })
  }

  async close(): Promise<void> {
    try {
      this.worker.postMessage({ type: 'close' } satisfies WorkerRequest)
    } catch {
      /* already gone */
    }
    await Promise.race([
      new Promise<void>((r) => this.worker.once('exit', () => r())),
      new Promise<void>((r) => setTimeout(r, 2000).unref()),
    ])
    await this.worker.terminate()
  }
}

const workerUrl = (): URL => new URL('./rollout-worker.ts', import.meta.url)

export interface PoolOptions {
  /** worker threads, default 2 (the project's machines have two cores) */
  workers?: number
}

/** Episodes a worker runs between two looks at a stoppable run's signal. */
const STOPPABLE_CHUNK = 8

/** A pool of rollout workers for one task. Results come back in request order. */
export class RolloutPool {
  private closed = false

  private constructor(
    readonly taskId: string,
    private readonly handles: WorkerHandle[],
  ) {}

  static async create(taskId: string, options: PoolOptions = {}): Promise<RolloutPool> {
    const n = Math.max(1, options.workers ?? 2)
    const handles: WorkerHandle[] = []
    for (let i = 0; i < n; i++)
      handles.push(
        new WorkerHandle(startWorker(workerUrl()), { type: 'init', taskId, envs: 1, folderTask: taskCarry(taskId) }),
      )
    try {
      await Promise.all(handles.map((h) => h.ready))
    } catch (e) {
      await Promise.all(handles.map((h) => h.close()))
      throw e
    }
    return new RolloutPool(taskId, handles)
  }

  get size(): number {
    return this.handles.length
  }

  /**
   * Run the episodes on all workers, in chunks handed out as workers free up. With `stop`, chunks are at most
   * STOPPABLE_CHUNK episodes and none is handed out once its signal is aborted: the run throws stop.stopped().
   */
  async run(
    requests: EpisodeRequest[],
    stop?: { signal: AbortSignal; stopped: () => Error },
  ): Promise<EpisodeResult[]> {
    if (this.closed) throw new Error('RolloutPool is closed')
    const results: EpisodeResult[] = new Array(requests.length)
    const even = Math.max(1, Math.floor(requests.length / (this.handles.length * 4)))
    const chunk = stop ? Math.min(STOPPABLE_CHUNK, even) : even
    let next = 0
    await Promise.all(
      this.handles.map(async (h) => {
        while (next < requests.length) {
          if (stop?.signal.aborted) throw stop.stopped()
          const start = next
          next = Math.min(requests.length, next + chunk)
          const slice = requests.slice(start, next)
          const reply = await h.request<Extract<WorkerReply, { type: 'run' }>>((id) => ({
            type: 'run',
            id,
            requests: slice,
          }))
          reply.results.forEach((r, i) => (results[start + i] = r))
        }
      }),
    )
    return results
  }

  /**
   * One episode on the least busy worker, on its own: for a stream of draws whose results are looked at one by
   * one as they come (a batch through run() waits for its slowest episode).
   */
  async runOne(request: EpisodeRequest): Promise<EpisodeResult> {
    if (this.closed) throw new Error('RolloutPool is closed')
    const h = this.handles.reduce((a, b) => (b.busy < a.busy ? b : a))
    const reply = await h.request<Extract<WorkerReply, { type: 'run' }>>((id) => ({
      type: 'run',
      id,
      requests: [request],
    }))
    return reply.results[0]
  }

  /** Mean and standard deviation of the returns of deterministic episodes with the given seeds. */
  async evaluate(
    spec: EpisodeRequest['spec'],
    seeds: number[],
  ): Promise<{
    meanReturn: number
    stdReturn: number
    returns: number[]
    lengths: number[]
    /** share of episodes that succeeded; null for tasks without a success condition */
    successRate: number | null
  }> {
    const res = await this.run(seeds.map((seed) => ({ spec, seed })))
    const returns = res.map((r) => r.ret)
    const { mean, std } = meanStd(returns)
    const successRate = successShare(res.map((r) => r.success))
    return { meanReturn: mean, stdReturn: std, returns, lengths: res.map((r) => r.length), successRate }
  }

  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    await Promise.all(this.handles.map((h) => h.close()))
  }
}

export interface VecStep {
  /** K x obsDim row-major; finished envs are already reset (their next episode's first observation) */
  observations: Float64Array
  rewards: Float64Array
  terminated: Uint8Array
  truncated: Uint8Array
}

/** K environments of one task stepped in lockstep inside one worker thread. */
export class VectorEnv {
  private closed = false

  private constructor(
    readonly taskId: string,
    readonly k: number,
    private readonly handle: WorkerHandle,
  ) {}

  static async create(taskId: string, k: number): Promise<VectorEnv> {
    const h = new WorkerHandle(startWorker(workerUrl()), {
      type: 'init',
      taskId,
      envs: k,
      folderTask: taskCarry(taskId),
    })
    try {
      await h.ready
    } catch (e) {
      await h.close()
      throw e
    }
    return new VectorEnv(taskId, k, h)
  }

  /** Reset every env (seed i for env i); returns K x obsDim observations. */
  async reset(seeds: number[]): Promise<Float64Array> {
    const r = await this.handle.request<Extract<WorkerReply, { type: 'vec.reset' }>>((id) => ({
      type: 'vec.reset',
      id,
      seeds,
    }))
    return r.observations
  }

  /** actions: K x actDim row-major. Envs that finish are reset with seed + K. */
  async step(actions: Float64Array): Promise<VecStep> {
    const copy = Float64Array.from(actions)
    const r = await this.handle.request<Extract<WorkerReply, { type: 'vec.step' }>>(
      (id) => ({ type: 'vec.step', id, actions: copy }),
      [copy.buffer],
    )
    return { observations: r.observations, rewards: r.rewards, terminated: r.terminated, truncated: r.truncated }
  }

  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    await this.handle.close()
  }
}
