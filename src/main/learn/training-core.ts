// The training state that lives in the trainer's thread: the aggregated dataset, the input standardisation,
// the network, and the two update schedules.
//  - incremental (default): after new labels, a few Adam steps on minibatches drawn from all the data.
//  - scratch (the authors' schedule): a fresh network trained for many epochs on an 80/20 split, keeping the
//    weights with the best validation loss.
import type { Tf } from './backend'
import { GaussianMlp, type LossKind, type MlpState, type Standardisation } from './gaussian-mlp'
import type { MlpWeights } from '../sim/policy-spec'
import { createRng, type Rng, type RngState } from '../sim/rng'

export type Schedule = 'incremental' | 'scratch'

export interface TrainerOptions {
  obsDim: number
  actDim: number
  actionLow?: number[]
  actionHigh?: number[]
  loss?: LossKind
  schedule?: Schedule
  seed?: number
  /** Adam learning rate; default 1e-3 incremental, 2.5e-4 scratch (the authors') */
  learningRate?: number
  /** incremental: Adam steps per new label (default 8) */
  stepsPerLabel?: number
  /** minibatch size (default 64 incremental, 100 scratch) */
  batchSize?: number
  /** scratch: epochs per update (the authors used 2000; default 50) */
  epochs?: number
  hidden?: number[]
  /** fixed observation statistics (the expert's); absent: standardise from the labels, refreshed as they grow */
  standardisation?: Standardisation
}

/** The trainer's state apart from its data (which is rebuilt from the stored labels, in order). */
export interface TrainerState {
  labels: number
  net: MlpState
  rng: RngState
  normalisedAt: number
  scratchCount: number
}

export interface UpdateResult {
  weights: MlpWeights
  loss: number
  steps: number
  labels: number
}

const DEFAULTS = { stepsPerLabel: 8, incrementalLr: 1e-3, scratchLr: 2.5e-4, epochs: 50 }

export class TrainingCore {
  private obs: Float32Array
  private act: Float32Array
  private n = 0
  /** labels added since the last update */
  private fresh = 0
  private net: GaussianMlp
  private rng: Rng
  private normalisedAt = 0
  private scratchCount = 0
  readonly schedule: Schedule

  constructor(
    private readonly tf: Tf,
    readonly options: TrainerOptions,
  ) {
    this.schedule = options.schedule ?? 'incremental'
    this.obs = new Float32Array(1024 * options.obsDim)
    this.act = new Float32Array(1024 * options.actDim)
    this.rng = createRng((options.seed ?? 0) * 31 + 17)
    this.net = this.makeNet(options.seed ?? 0)
  }

  get size(): number {
    return this.n
  }

  private makeNet(seed: number): GaussianMlp {
    const o = this.options
    const lr = o.learningRate ?? (this.schedule === 'scratch' ? DEFAULTS.scratchLr : DEFAULTS.incrementalLr)
    return new GaussianMlp(this.tf, o.obsDim, o.actDim, {
      hidden: o.hidden,
      loss: o.loss,
      learningRate: lr,
      seed,
      actionLow: o.actionLow,
      actionHigh: o.actionHigh,
      standardisation: o.standardisation,
    })
  }

  add(obs: ArrayLike<number>, act: ArrayLike<number>, count: number): void {
    const { obsDim, actDim } = this.options
    if (obs.length !== count * obsDim || act.length !== count * actDim) throw new RangeError('label sizes do not match')
    while ((this.n + count) * obsDim > this.obs.length) {
      const o = new Float32Array(this.obs.length * 2)
      o.set(this.obs)
      this.obs = o
      const a = new Float32Array(this.act.length * 2)
      a.set(this.act)
      this.act = a
    }
    this.obs.set(obs as ArrayLike<number>, this.n * obsDim)
    this.act.set(act as ArrayLike<number>, this.n * actDim)
    this.n += count
    this.fresh += count
  }

  /** Standardisation from all data so far: std floored so near-constant inputs do not blow up. */
  private statistics(): { mean: number[]; std: number[] } {
    const d = this.options.obsDim
    const mean = new Array<number>(d).fill(0)
    const sq = new Array<number>(d).fill(0)
    for (let i = 0; i < this.n; i++)
      for (let j = 0; j < d; j++) {
        const v = this.obs[i * d + j]
        mean[j] += v
        sq[j] += v * v
      }
    const std = mean.map((m, j) => {
      const mu = m / this.n
      return Math.sqrt(Math.max(0, sq[j] / this.n - mu * mu) + 0.01)
    })
    return { mean: mean.map((m) => m / this.n), std }
  }

  /** Refresh the standardisation as the data grows (often early, then every doubling). */
  private maybeNormalise(net: GaussianMlp, force = false): void {
    if (this.n === 0 || this.options.standardisation) return
    if (force || this.n >= Math.max(10, 2 * this.normalisedAt) || (this.n < 100 && this.n - this.normalisedAt >= 10)) {
      const s = this.statistics()
      net.setNormalizer(s.mean, s.std)
      this.normalisedAt = this.n
    }
  }

  private batch(indices: ArrayLike<number>): { obs: Float32Array; act: Float32Array } {
    const { obsDim, actDim } = this.options
    const bo = new Float32Array(indices.length * obsDim)
    const ba = new Float32Array(indices.length * actDim)
    for (let i = 0; i < indices.length; i++) {
      const k = indices[i]
      bo.set(this.obs.subarray(k * obsDim, (k + 1) * obsDim), i * obsDim)
      ba.set(this.act.subarray(k * actDim, (k + 1) * actDim), i * actDim)
    }
    return { obs: bo, act: ba }
  }

  /** Train on what was added since the last update; returns the exported policy. */
  update(extraSteps = 0): UpdateResult {
    if (this.n === 0) return { weights: this.net.exportWeights(), loss: NaN, steps: 0, labels: 0 }
    const r = this.schedule === 'scratch' ? this.scratch() : this.incremental(extraSteps)
    this.fresh = 0
    return r
  }

  private incremental(extraSteps: number): UpdateResult {
    this.maybeNormalise(this.net)
    const perLabel = this.options.stepsPerLabel ?? DEFAULTS.stepsPerLabel
    const steps = perLabel * this.fresh + extraSteps
    const bs = Math.min(this.options.batchSize ?? 64, this.n)
    let loss = NaN
    const idx = new Int32Array(bs)
    for (let s = 0; s < steps; s++) {
      for (let i = 0; i < bs; i++) idx[i] = this.rng.int(this.n)
      // Always include the newest labels in the first steps, so a single new state is seen at once.
      if (s < this.fresh && bs > 1) idx[0] = this.n - 1 - (s % this.fresh)
      const b = this.batch(idx)
      loss = this.net.trainBatch(b.obs, b.act, bs)
    }
    return { weights: this.net.exportWeights(), loss, steps, labels: this.n }
  }

  private scratch(): UpdateResult {
    // A fresh network each time, as the authors did.
    this.net.dispose()
    this.scratchCount++
    this.net = this.makeNet((this.options.seed ?? 0) + 1000 * this.scratchCount)
    this.normalisedAt = 0
    this.maybeNormalise(this.net, true)
    const order = Array.from({ length: this.n }, (_, i) => i)
    for (let i = order.length - 1; i > 0; i--) {
      const j = this.rng.int(i + 1)
      ;[order[i], order[j]] = [order[j], order[i]]
    }
    const nVal = this.n >= 5 ? Math.max(1, Math.round(this.n * 0.2)) : 0
    const val = nVal > 0 ? order.slice(0, nVal) : order
    const train = nVal > 0 ? order.slice(nVal) : order
    const vb = this.batch(val)
    const bs = Math.min(this.options.batchSize ?? 100, train.length)
    const epochs = this.options.epochs ?? DEFAULTS.epochs
    let best = Infinity
    let bestWeights = this.net.exportWeights()
    let steps = 0
    for (let e = 0; e < epochs; e++) {
      for (let i = train.length - 1; i > 0; i--) {
        const j = this.rng.int(i + 1)
        ;[train[i], train[j]] = [train[j], train[i]]
      }
      for (let start = 0; start < train.length; start += bs) {
        const idx = train.slice(start, start + bs)
        const b = this.batch(idx)
        this.net.trainBatch(b.obs, b.act, idx.length)
        steps++
      }
      const v = this.net.lossValue(vb.obs, vb.act, val.length)
      if (v < best) {
        best = v
        bestWeights = this.net.exportWeights()
      }
    }
    this.net.loadWeights(bestWeights)
    this.normalisedAt = 0
    return { weights: bestWeights, loss: best, steps, labels: this.n }
  }

  /** Continue from stored weights (resume). The standardisation is already folded into them. */
  load(weights: MlpWeights): void {
    this.net.loadWeights(weights)
    // Fixed statistics: unfold them from the first layer again (the same function), so training sees them.
    if (this.options.standardisation)
      this.net.setNormalizer(this.options.standardisation.mean, this.options.standardisation.std)
    this.normalisedAt = 0
    this.fresh = 0
  }

  weights(): MlpWeights {
    return this.net.exportWeights()
  }

  /** The training state after the last update (call between updates: labels added since are not in it). */
  state(): TrainerState {
    if (this.fresh) throw new Error('trainer state asked for with labels not yet trained on')
    return {
      labels: this.n,
      net: this.net.state(),
      rng: this.rng.state(),
      normalisedAt: this.normalisedAt,
      scratchCount: this.scratchCount,
    }
  }

  /** Continue exactly from state(), with the same labels already added in the same order. */
  restore(state: TrainerState): void {
    if (state.labels !== this.n)
      throw new RangeError(`trainer state is for ${state.labels} labels, ${this.n} are loaded`)
    if (this.schedule === 'scratch' && state.scratchCount > 0) {
      // The scratch schedule's network is the one it made at its last retraining.
      this.net.dispose()
      this.net = this.makeNet((this.options.seed ?? 0) + 1000 * state.scratchCount)
    }
    this.net.restore(state.net)
    this.rng = createRng(0, state.rng)
    this.normalisedAt = state.normalisedAt
    this.scratchCount = state.scratchCount
    this.fresh = 0
  }

  dispose(): void {
    this.net.dispose()
  }
}
