// The training state that lives in the trainer's thread: the aggregated dataset, the input standardisation,
// the network, and the two update schedules.
//  - incremental (default): after new labels, a few Adam steps on minibatches drawn from all the data.
//  - scratch (the authors' schedule): a fresh network trained for many epochs on an 80/20 split, keeping the
//    weights with the best validation loss.
//  With per-row weights (IWR's, from the algorithm) both schedules draw rows in proportion to their weight instead
//  of uniformly: weighted regression by sampling, the same for every policy class, from the core's own generator.
//  The policy class (shared/policy-config.ts) decides the rows' widths (a history of observations in, a chunk of
//  actions out with a mask of the known ones) and may set its own learning rate, steps per label and batch size.
import type { Tf } from './backend'
import type { LossKind, Standardisation } from './gaussian-mlp'
import type { LearnerWeights } from '../sim/policy-spec'
import { createRng, type Rng, type RngState } from '../sim/rng'
import { DEFAULT_POLICY, contextNeeds, policyClass, policyVersion, type PolicyChoice } from '../../shared/policy-config'
import { makePolicyNet } from './policies/registry'
import type { PolicyNet } from './policies/net'

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
  /** the learner's class and parameters; default the Gaussian MLP */
  policy?: PolicyChoice
}

/** The trainer's state apart from its data (which is rebuilt from the stored labels, in order). */
export interface TrainerState {
  labels: number
  /** the class's network state (MlpState for the Gaussian MLP) */
  net: unknown
  rng: RngState
  normalisedAt: number
  scratchCount: number
  /** refits so far and the label count that brings the next (absent in states stored before refits existed) */
  refits?: number
  nextRefit?: number
}

export interface UpdateResult {
  weights: LearnerWeights
  loss: number
  steps: number
  labels: number
}

const DEFAULTS = { stepsPerLabel: 8, incrementalLr: 1e-3, scratchLr: 2.5e-4, epochs: 50 }
/** A class's first refit (refitEpochs) comes at this many labels, the next at twice the count of the last. */
export const FIRST_REFIT = 1024
/** A refit's fresh network: the session's seed plus this times the refit's number (apart from scratch's 1000s). */
const REFIT_SEED = 7919

export class TrainingCore {
  /** rows: a history of observations (inW wide), a chunk of actions (outW wide) and its mask (chunk wide) */
  private obs: Float32Array
  private act: Float32Array
  private mask: Float32Array
  private readonly inW: number
  private readonly outW: number
  private readonly chunk: number
  readonly policy: PolicyChoice
  private n = 0
  /** labels added since the last update */
  private fresh = 0
  private net: PolicyNet
  private rng: Rng
  private normalisedAt = 0
  private scratchCount = 0
  private refits = 0
  private nextRefit = FIRST_REFIT
  /** the running sum of the rows' weights during a weighted update (null: uniform) */
  private cumulative: Float64Array | null = null
  readonly schedule: Schedule

  constructor(
    private readonly tf: Tf,
    readonly options: TrainerOptions,
  ) {
    this.schedule = options.schedule ?? 'incremental'
    this.policy = options.policy ?? DEFAULT_POLICY
    // A session learned by another version of its class cannot be continued by this one.
    const runs = policyClass(this.policy.id).version
    if (policyVersion(this.policy) !== runs)
      throw new RangeError(
        `this session learned with the ${this.policy.id} class version ${policyVersion(this.policy)}; this workbench runs version ${runs} and cannot continue it (start a new session)`,
      )
    const needs = contextNeeds(this.policy)
    this.inW = needs.history * options.obsDim
    this.outW = needs.chunk * options.actDim
    this.chunk = needs.chunk
    this.obs = new Float32Array(1024 * this.inW)
    this.act = new Float32Array(1024 * this.outW)
    this.mask = new Float32Array(1024 * this.chunk)
    this.rng = createRng((options.seed ?? 0) * 31 + 17)
    this.net = this.makeNet(options.seed ?? 0)
  }

  get size(): number {
    return this.n
  }

  private makeNet(seed: number): PolicyNet {
    const o = this.options
    const lr = o.learningRate ?? (this.schedule === 'scratch' ? DEFAULTS.scratchLr : DEFAULTS.incrementalLr)
    const low = o.actionLow ?? new Array<number>(o.actDim).fill(-1)
    const high = o.actionHigh ?? new Array<number>(o.actDim).fill(1)
    const net = makePolicyNet(this.tf, this.policy, {
      obsDim: o.obsDim,
      actDim: o.actDim,
      seed,
      actionLow: low,
      actionHigh: high,
      mlp: {
        hidden: o.hidden,
        loss: o.loss,
        learningRate: lr,
        seed,
        actionLow: o.actionLow,
        actionHigh: o.actionHigh,
        standardisation: o.standardisation,
      },
    })
    if (this.policy.id !== 'mlp' && o.standardisation) net.setNormalizer(o.standardisation.mean, o.standardisation.std)
    return net
  }

  /** The class's own training settings where it has them (every class but the MLP). */
  private get classTraining(): { stepsPerLabel: number; batchSize: number; refitEpochs?: number } | null {
    return this.policy.id === 'mlp' ? null : this.policy.params
  }

  /** count rows: observations (history x obsDim each), actions (chunk x actDim) and, for chunks, the mask. */
  add(obs: ArrayLike<number>, act: ArrayLike<number>, count: number, mask?: ArrayLike<number>): void {
    if (obs.length !== count * this.inW || act.length !== count * this.outW)
      throw new RangeError('label sizes do not match')
    if (mask && mask.length !== count * this.chunk) throw new RangeError('label mask size does not match')
    while ((this.n + count) * this.inW > this.obs.length) {
      const o = new Float32Array(this.obs.length * 2)
      o.set(this.obs)
      this.obs = o
      const a = new Float32Array(this.act.length * 2)
      a.set(this.act)
      this.act = a
      const m = new Float32Array(this.mask.length * 2)
      m.set(this.mask)
      this.mask = m
    }
    this.obs.set(obs as ArrayLike<number>, this.n * this.inW)
    this.act.set(act as ArrayLike<number>, this.n * this.outW)
    if (mask) this.mask.set(mask as ArrayLike<number>, this.n * this.chunk)
    else this.mask.fill(1, this.n * this.chunk, (this.n + count) * this.chunk)
    this.n += count
    this.fresh += count
  }

  /** Standardisation from all data so far (each row's current observation): std floored so near-constant inputs do not blow up. */
  private statistics(): { mean: number[]; std: number[] } {
    const d = this.options.obsDim
    const mean = new Array<number>(d).fill(0)
    const sq = new Array<number>(d).fill(0)
    const last = this.inW - d
    for (let i = 0; i < this.n; i++)
      for (let j = 0; j < d; j++) {
        const v = this.obs[i * this.inW + last + j]
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
  private maybeNormalise(net: PolicyNet, force = false): void {
    if (this.n === 0 || this.options.standardisation) return
    if (force || this.n >= Math.max(10, 2 * this.normalisedAt) || (this.n < 100 && this.n - this.normalisedAt >= 10)) {
      const s = this.statistics()
      net.setNormalizer(s.mean, s.std)
      this.normalisedAt = this.n
    }
  }

  private batch(indices: ArrayLike<number>): { obs: Float32Array; act: Float32Array; mask: Float32Array } {
    const { inW, outW, chunk } = this
    const bo = new Float32Array(indices.length * inW)
    const ba = new Float32Array(indices.length * outW)
    const bm = new Float32Array(indices.length * chunk)
    for (let i = 0; i < indices.length; i++) {
      const k = indices[i]
      bo.set(this.obs.subarray(k * inW, (k + 1) * inW), i * inW)
      ba.set(this.act.subarray(k * outW, (k + 1) * outW), i * outW)
      bm.set(this.mask.subarray(k * chunk, (k + 1) * chunk), i * chunk)
    }
    return { obs: bo, act: ba, mask: bm }
  }

  /**
   * Train on what was added since the last update; returns the exported policy. `weights`: one non-negative weight
   * per row so far (rows are drawn in proportion); absent: every row alike.
   */
  update(extraSteps = 0, weights?: ArrayLike<number> | null): UpdateResult {
    if (this.n === 0) return { weights: this.net.exportWeights(), loss: NaN, steps: 0, labels: 0 }
    this.cumulative = weights ? this.sums(weights) : null
    try {
      const r = this.schedule === 'scratch' ? this.scratch() : this.incremental(extraSteps)
      this.fresh = 0
      return r
    } finally {
      this.cumulative = null
    }
  }

  private sums(weights: ArrayLike<number>): Float64Array {
    if (weights.length !== this.n) throw new RangeError(`${weights.length} weights for ${this.n} training rows`)
    const c = new Float64Array(this.n)
    let t = 0
    for (let i = 0; i < this.n; i++) {
      const w = weights[i]
      if (!(w >= 0) || !Number.isFinite(w)) throw new RangeError(`training row ${i}'s weight is ${w}`)
      c[i] = t += w
    }
    if (!(t > 0)) throw new RangeError('the training rows weigh nothing')
    return c
  }

  /** A row drawn uniformly, or in proportion to its weight (the first row whose running sum passes a uniform draw). */
  private draw(): number {
    const c = this.cumulative
    if (!c) return this.rng.int(this.n)
    return firstPast(c, this.rng.next() * c[c.length - 1])
  }

  /** An epoch's order of the training split: shuffled, or drawn with replacement in proportion to the weights. */
  private epochOrder(train: number[]): number[] {
    const c = this.cumulative
    if (!c) {
      for (let i = train.length - 1; i > 0; i--) {
        const j = this.rng.int(i + 1)
        ;[train[i], train[j]] = [train[j], train[i]]
      }
      return train
    }
    const sub = new Float64Array(train.length)
    let t = 0
    train.forEach((r, i) => (sub[i] = t += c[r] - (r > 0 ? c[r - 1] : 0)))
    if (!(t > 0)) return train // the split drew only weightless rows: train on them as they are
    return train.map(() => train[firstPast(sub, this.rng.next() * t)])
  }

  private incremental(extraSteps: number): UpdateResult {
    const own = this.classTraining
    if (own?.refitEpochs && this.n >= this.nextRefit) this.refit(own.refitEpochs, own.batchSize)
    this.maybeNormalise(this.net)
    const perLabel = own?.stepsPerLabel ?? this.options.stepsPerLabel ?? DEFAULTS.stepsPerLabel
    const steps = perLabel * this.fresh + extraSteps
    const bs = Math.min(own?.batchSize ?? this.options.batchSize ?? 64, this.n)
    const loss = this.drawnSteps(steps, bs, this.fresh)
    return { weights: this.net.exportWeights(), loss, steps, labels: this.n }
  }

  /**
   * `steps` Adam steps on minibatches of `bs` drawn rows (uniformly, or by the update's weights), the `newest`
   * rows leading the first steps; the last step's loss.
   */
  private drawnSteps(steps: number, bs: number, newest: number): number {
    let loss = NaN
    const idx = new Int32Array(bs)
    for (let s = 0; s < steps; s++) {
      for (let i = 0; i < bs; i++) idx[i] = this.draw()
      // Always include the newest labels in the first steps, so a single new state is seen at once (unweighted:
      // with weights the draw alone decides, a weightless row is never trained on).
      if (s < newest && bs > 1 && !this.cumulative) idx[0] = this.n - 1 - (s % newest)
      const b = this.batch(idx)
      loss = this.net.trainBatch(b.obs, b.act, bs, b.mask)
    }
    return loss
  }

  /**
   * A fresh network trained for `epochs` epochs over every row so far, drawn as the incremental steps draw them
   * (uniformly, or by the update's weights). The next refit comes when the rows have doubled.
   */
  private refit(epochs: number, batchSize: number): void {
    this.net.dispose()
    this.refits++
    this.net = this.makeNet((this.options.seed ?? 0) + REFIT_SEED * this.refits)
    this.maybeNormalise(this.net, true)
    const bs = Math.min(batchSize, this.n)
    this.drawnSteps(Math.ceil((epochs * this.n) / bs), bs, 0)
    this.nextRefit = 2 * this.n
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
      const order = this.epochOrder(train)
      for (let start = 0; start < order.length; start += bs) {
        const idx = order.slice(start, start + bs)
        const b = this.batch(idx)
        this.net.trainBatch(b.obs, b.act, idx.length, b.mask)
        steps++
      }
      const v = this.net.lossValue(vb.obs, vb.act, val.length, vb.mask)
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
  load(weights: LearnerWeights): void {
    this.net.loadWeights(weights)
    // Fixed statistics: unfold them from the first layer again (the same function), so training sees them.
    if (this.options.standardisation)
      this.net.setNormalizer(this.options.standardisation.mean, this.options.standardisation.std)
    this.normalisedAt = 0
    // The refits' own count is not in the weights: the next comes at the next doubling past these labels.
    this.nextRefit = FIRST_REFIT
    while (this.nextRefit <= this.n) this.nextRefit *= 2
    this.fresh = 0
  }

  weights(): LearnerWeights {
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
      refits: this.refits,
      nextRefit: this.nextRefit,
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
    this.refits = state.refits ?? 0
    this.nextRefit = state.nextRefit ?? FIRST_REFIT
    this.fresh = 0
  }

  dispose(): void {
    this.net.dispose()
  }
}

/** The first index whose running sum passes u (binary search; sums ascending, u below the last). */
function firstPast(sums: Float64Array, u: number): number {
  let lo = 0
  let hi = sums.length - 1
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if (sums[mid] > u) hi = mid
    else lo = mid + 1
  }
  return lo
}
