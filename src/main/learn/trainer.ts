// The Trainer the algorithms talk to. WorkerTrainer runs TrainingCore in its own thread so training never
// blocks simulation or the API; LocalTrainer runs it in the calling thread (small jobs, sweeps that already
// run one session per worker).
import type { Worker } from 'node:worker_threads'
import { startWorker } from '../workers'
import { selectBackend, type BackendName } from './backend'
import type { LearnerWeights } from '../sim/policy-spec'
import { DEFAULT_POLICY, contextNeeds } from '../../shared/policy-config'
import { labelRows, type LabelLike } from './label-rows'
import type { TrainReply, TrainRequest } from './train-protocol'
import { TrainingCore, type TrainerOptions, type TrainerState, type UpdateResult } from './training-core'

export type { TrainerOptions, TrainerState, UpdateResult, Schedule } from './training-core'

export interface Trainer {
  /** the tfjs backend doing the work */
  readonly backend: string
  /** append labels (observations and expert actions, with their context); training happens in update() */
  add(labels: ReadonlyArray<LabelLike>): void
  /**
   * run the schedule on the labels added since the last update; extraSteps adds Adam steps (incremental);
   * weights: one per label added so far, rows drawn in proportion (IWR); absent: uniformly
   */
  update(extraSteps?: number, weights?: Float64Array | null): Promise<UpdateResult>
  load(weights: LearnerWeights): Promise<void>
  weights(): Promise<LearnerWeights>
  /** the whole training state after the last update, and continuing exactly from one (checkpoints) */
  state(): Promise<TrainerState>
  restore(state: TrainerState): Promise<void>
  close(): Promise<void>
}

/** The trainer's rows for labels, as wide as the session's policy class needs. */
function pack(labels: ReadonlyArray<LabelLike>, options: TrainerOptions) {
  return labelRows(labels, options.obsDim, options.actDim, contextNeeds(options.policy ?? DEFAULT_POLICY))
}

export class LocalTrainer implements Trainer {
  private constructor(
    private readonly core: TrainingCore,
    readonly backend: string,
  ) {}

  static async start(options: TrainerOptions, backend?: BackendName): Promise<LocalTrainer> {
    const { tf, name } = await selectBackend(backend)
    return new LocalTrainer(new TrainingCore(tf, options), name)
  }

  add(labels: ReadonlyArray<LabelLike>): void {
    if (labels.length === 0) return
    const { input, target, mask } = pack(labels, this.core.options)
    this.core.add(input, target, labels.length, mask)
  }
  async update(extraSteps = 0, weights?: Float64Array | null): Promise<UpdateResult> {
    return this.core.update(extraSteps, weights)
  }
  async load(weights: LearnerWeights): Promise<void> {
    this.core.load(weights)
  }
  async weights(): Promise<LearnerWeights> {
    return this.core.weights()
  }
  async state(): Promise<TrainerState> {
    return this.core.state()
  }
  async restore(state: TrainerState): Promise<void> {
    this.core.restore(state)
  }
  async close(): Promise<void> {
    this.core.dispose()
  }
}

export class WorkerTrainer implements Trainer {
  private nextId = 1
  private readonly waiting = new Map<number, { resolve: (r: TrainReply) => void; reject: (e: Error) => void }>()
  private failed: Error | null = null
  backend = ''

  private constructor(
    private readonly worker: Worker,
    private readonly options: TrainerOptions,
  ) {
    worker.on('message', (r: TrainReply) => {
      const w = this.waiting.get(r.id)
      if (!w) return
      this.waiting.delete(r.id)
      if (r.type === 'error') w.reject(new Error(`trainer: ${r.message}`))
      else w.resolve(r)
    })
    const fail = (e: Error): void => {
      this.failed = e
      for (const w of this.waiting.values()) w.reject(e)
      this.waiting.clear()
    }
    worker.on('error', fail)
    worker.on('exit', (code) => {
      if (this.waiting.size) fail(new Error(`trainer thread exited (code ${code})`))
    })
  }

  static async start(options: TrainerOptions, backend?: BackendName): Promise<WorkerTrainer> {
    const t = new WorkerTrainer(startWorker(new URL('./train-worker.ts', import.meta.url)), options)
    const r = await t.request({ type: 'init', id: 0, options, backend })
    if (r.type === 'ready') t.backend = r.backend
    return t
  }

  private request(m: TrainRequest & { id: number }): Promise<TrainReply> {
    if (this.failed) return Promise.reject(this.failed)
    const id = this.nextId++
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject })
      this.worker.postMessage({ ...m, id })
    })
  }

  add(labels: ReadonlyArray<LabelLike>): void {
    if (labels.length === 0) return
    const { input: obs, target: act, mask } = pack(labels, this.options)
    this.worker.postMessage({ type: 'add', obs, act, mask, count: labels.length } satisfies TrainRequest, [
      obs.buffer as ArrayBuffer,
      act.buffer as ArrayBuffer,
      mask.buffer as ArrayBuffer,
    ])
  }
  async update(extraSteps = 0, weights?: Float64Array | null): Promise<UpdateResult> {
    const r = await this.request({ type: 'update', id: 0, extraSteps, ...(weights ? { weights } : {}) })
    if (r.type !== 'updated') throw new Error(`trainer: unexpected reply ${r.type}`)
    return r.result
  }
  async load(weights: LearnerWeights): Promise<void> {
    await this.request({ type: 'load', id: 0, weights })
  }
  async weights(): Promise<LearnerWeights> {
    const r = await this.request({ type: 'weights', id: 0 })
    if (r.type !== 'weights') throw new Error(`trainer: unexpected reply ${r.type}`)
    return r.weights
  }
  async state(): Promise<TrainerState> {
    const r = await this.request({ type: 'state', id: 0 })
    if (r.type !== 'state') throw new Error(`trainer: unexpected reply ${r.type}`)
    return r.state
  }
  async restore(state: TrainerState): Promise<void> {
    await this.request({ type: 'restore', id: 0, state })
  }
  async close(): Promise<void> {
    if (!this.failed) await this.request({ type: 'close', id: 0 }).catch(() => undefined)
    await this.worker.terminate()
  }
}

/** A trainer in its own thread (default) or in this one. */
export function startTrainer(
  options: TrainerOptions,
  where: 'worker' | 'local' = 'worker',
  backend?: BackendName,
): Promise<Trainer> {
  return where === 'worker' ? WorkerTrainer.start(options, backend) : LocalTrainer.start(options, backend)
}
