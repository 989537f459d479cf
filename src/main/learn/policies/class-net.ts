// What the learned classes other than the Gaussian MLP share (gmm, chunk, diffusion): a trunk (a ReLU MLP, or the
// chunk class's transformer),
// observations standardised by statistics kept beside the weights (tiled over the history), actions predicted
// in [-1, 1] units of the task's bounds, Adam, and a training state that restores bit-identically (weights,
// Adam's moments, the statistics and the class's own generator).
import type { Scalar, Tensor2D, Variable } from '@tensorflow/tfjs'
import type { Tf } from '../backend'
import { createRng, type Rng, type RngState } from '../../sim/rng'
import type { ClassWeights, LearnerWeights } from '../../sim/policy-spec'
import type { DenseLayers } from '../../sim/policies/dense'
import { adamState, restoreAdam, type AdamState } from './adam'
import type { PolicyNet } from './net'
import { DenseTrunk, type Trunk } from './trunk'

const MIN_STD = 1e-6

export interface ClassNetDims {
  obsDim: number
  actDim: number
  history: number
  chunk: number
  /** the trunk's input width (default history x obsDim) and output width */
  inDim?: number
  outDim: number
  hidden: number[]
  learningRate: number
  seed: number
  actionLow: number[]
  actionHigh: number[]
}

export interface ClassNetState {
  weights: Float32Array[]
  biases: Float32Array[]
  obsMean: number[]
  obsStd: number[]
  adam: AdamState
  rng: RngState
}

export abstract class ClassNet implements PolicyNet {
  protected readonly trunkNet: Trunk
  protected optimizer: ReturnType<Tf['train']['adam']>
  protected obsMean: Float64Array
  protected obsStd: Float64Array
  /** the class's own draws in training (diffusion's noise levels and noise) */
  protected rng: Rng
  private readonly half: Float32Array
  private readonly mid: Float32Array

  constructor(
    protected readonly tf: Tf,
    protected readonly dims: ClassNetDims,
    /** the trunk when not the MLP of `hidden` (the chunk class's transformer) */
    trunk?: Trunk,
  ) {
    this.trunkNet =
      trunk ?? new DenseTrunk(tf, [dims.inDim ?? dims.history * dims.obsDim, ...dims.hidden, dims.outDim], dims.seed)
    this.optimizer = tf.train.adam(dims.learningRate)
    this.obsMean = new Float64Array(dims.obsDim)
    this.obsStd = new Float64Array(dims.obsDim).fill(1)
    this.rng = createRng(dims.seed * 131 + 7)
    this.half = Float32Array.from(dims.actionLow, (lo, i) => (dims.actionHigh[i] - lo) / 2 || 1)
    this.mid = Float32Array.from(dims.actionLow, (lo, i) => (dims.actionHigh[i] + lo) / 2)
  }

  /** The trunk: the class's input rows to its output. */
  protected trunk(x: Tensor2D): Tensor2D {
    return this.trunkNet.apply(x)
  }

  /** Rows of observation histories, standardised (plain numbers: the statistics change between steps). */
  protected standardise(input: Float32Array, n: number): Float32Array {
    const d = this.dims.obsDim
    const out = new Float32Array(input.length)
    const width = input.length / n
    for (let r = 0; r < n; r++)
      for (let c = 0; c < width; c++) {
        const j = c % d
        out[r * width + c] = (input[r * width + c] - this.obsMean[j]) / this.obsStd[j]
      }
    return out
  }

  /** Target actions clipped to the bounds and scaled to [-1, 1]. */
  protected unitActions(target: Float32Array): Float32Array {
    const a = this.dims.actDim
    return Float32Array.from(target, (v, i) => {
      const u = (v - this.mid[i % a]) / this.half[i % a]
      return u < -1 ? -1 : u > 1 ? 1 : u
    })
  }

  /** The class's loss on a batch (inputs standardised, targets in [-1, 1], mask n x chunk). */
  protected abstract loss(input: Tensor2D, target: Tensor2D, mask: Tensor2D, n: number): Scalar
  /** The class's own fields of its exported weights. */
  protected abstract describe(): Omit<ClassWeights, keyof DenseLayers | 'obsMean' | 'obsStd'>

  private tensors(input: Float32Array, target: Float32Array, n: number, mask?: Float32Array) {
    const tf = this.tf
    const k = this.dims.chunk
    return {
      x: tf.tensor2d(this.standardise(input, n), [n, input.length / n]),
      y: tf.tensor2d(this.unitActions(target), [n, k * this.dims.actDim]),
      m: tf.tensor2d(mask ?? new Float32Array(n * k).fill(1), [n, k]),
    }
  }

  trainBatch(input: Float32Array, target: Float32Array, n: number, mask?: Float32Array): number {
    const tf = this.tf
    const value = tf.tidy(() => {
      const { x, y, m } = this.tensors(input, target, n, mask)
      return this.optimizer.minimize(() => this.loss(x, y, m, n), true, this.trunkNet.variables) as Scalar
    })
    const v = value.dataSync()[0]
    value.dispose()
    return v
  }

  lossValue(input: Float32Array, target: Float32Array, n: number, mask?: Float32Array): number {
    const tf = this.tf
    return tf.tidy(() => {
      const { x, y, m } = this.tensors(input, target, n, mask)
      return this.loss(x, y, m, n).dataSync()[0]
    })
  }

  setNormalizer(mean: ArrayLike<number>, std: ArrayLike<number>): void {
    this.obsMean = Float64Array.from(mean)
    this.obsStd = Float64Array.from(std, (s) => Math.max(s, MIN_STD))
  }

  exportWeights(): LearnerWeights {
    return {
      ...this.describe(),
      ...this.trunkNet.exportWeights(),
      obsMean: Array.from(this.obsMean),
      obsStd: Array.from(this.obsStd),
    } as ClassWeights
  }

  loadWeights(weights: LearnerWeights): void {
    if (!('cls' in weights) || weights.cls !== this.describe().cls)
      throw new RangeError(`weights are of another policy class than ${this.describe().cls}`)
    this.trunkNet.loadWeights(weights)
    this.setNormalizer(weights.obsMean, weights.obsStd)
    this.resetOptimizer()
  }

  state(): ClassNetState {
    const f32 = (v: Variable): Float32Array => Float32Array.from(v.dataSync() as Float32Array)
    const vars = this.trunkNet.variables
    const split = this.trunkNet.stateSplit
    return {
      weights: vars.slice(0, split).map(f32),
      biases: vars.slice(split).map(f32),
      obsMean: Array.from(this.obsMean),
      obsStd: Array.from(this.obsStd),
      adam: adamState(this.optimizer),
      rng: this.rng.state(),
    }
  }

  restore(raw: unknown): void {
    const state = raw as ClassNetState
    const tf = this.tf
    const vars = this.trunkNet.variables
    const given = [...state.weights, ...state.biases]
    if (given.length !== vars.length || given.some((a, i) => a.length !== vars[i].size))
      throw new RangeError('saved training state does not fit this network')
    tf.tidy(() => vars.forEach((v, i) => v.assign(tf.tensor(given[i], v.shape))))
    this.obsMean = Float64Array.from(state.obsMean)
    this.obsStd = Float64Array.from(state.obsStd)
    this.rng = createRng(0, state.rng)
    this.resetOptimizer()
    restoreAdam(tf, this.optimizer, vars, state.adam)
  }

  resetOptimizer(): void {
    this.optimizer.dispose()
    this.optimizer = this.tf.train.adam(this.dims.learningRate)
  }

  dispose(): void {
    for (const v of this.trunkNet.variables) v.dispose()
    this.optimizer.dispose()
  }
}
