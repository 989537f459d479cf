// The learner: a Gaussian MLP policy, obs -> 64 tanh -> 64 tanh -> mean, with a learnable state-independent
// log-std (init -1, clamped to [-20, 2]), orthogonally initialised, trained with Adam on the Gaussian negative
// log-likelihood of the expert's (bound-clipped) actions, or on MSE. Observations are standardised inside the
// network; the standardisation is folded into the first layer on export, so MlpWeights stay plain.
import type { Tensor, Tensor1D, Tensor2D, Variable, Scalar } from '@tensorflow/tfjs'
import type { Tf } from './backend'
import type { MlpWeights } from '../sim/policy-spec'
import { createRng } from '../sim/rng'
import { adamState, restoreAdam, type AdamState } from './policies/adam'

export type { AdamState } from './policies/adam'

export type LossKind = 'nll' | 'mse'

export interface GaussianMlpOptions {
  hidden?: number[]
  loss?: LossKind
  learningRate?: number
  seed?: number
  logStdInit?: number
  /** expert actions are clipped to these bounds before the loss (defaults: unbounded) */
  actionLow?: ArrayLike<number>
  actionHigh?: ArrayLike<number>
  /** the input standardisation the fresh weights see from the start (default: none, mean 0 and std 1) */
  standardisation?: Standardisation
}

/** The smallest deviation an input is divided by (a constant input must not blow up). */
const MIN_STD = 1e-6

/** Fixed observation statistics: x' = (x - mean) / std per dimension. */
export interface Standardisation {
  mean: ArrayLike<number>
  std: ArrayLike<number>
}

/** Everything training continues from: raw variables, the input standardisation and Adam's state. */
export interface MlpState {
  weights: Float32Array[]
  biases: Float32Array[]
  logStd: Float32Array
  obsMean: number[]
  obsStd: number[]
  adam: AdamState
}

export const LOG_STD_MIN = -20
export const LOG_STD_MAX = 2
const LOG_2PI = Math.log(2 * Math.PI)

/** A seeded orthogonal matrix (rows x cols, row-major) scaled by gain, by Gram-Schmidt on a Gaussian draw. */
export function orthogonal(rows: number, cols: number, gain: number, seed: number): Float32Array {
  const rng = createRng(seed)
  // Orthonormalise the shorter side: rows when rows <= cols, else columns (via the transpose).
  const n = Math.min(rows, cols)
  const m = Math.max(rows, cols)
  const v: Float64Array[] = []
  for (let i = 0; i < n; i++) {
    const a = new Float64Array(m)
    for (let k = 0; k < m; k++) a[k] = rng.normal()
    for (const u of v) {
      let d = 0
      for (let k = 0; k < m; k++) d += a[k] * u[k]
      for (let k = 0; k < m; k++) a[k] -= d * u[k]
    }
    let norm = 0
    for (let k = 0; k < m; k++) norm += a[k] * a[k]
    norm = Math.sqrt(norm) || 1
    for (let k = 0; k < m; k++) a[k] /= norm
    v.push(a)
  }
  const out = new Float32Array(rows * cols)
  for (let i = 0; i < rows; i++)
    for (let j = 0; j < cols; j++) out[i * cols + j] = gain * (rows <= cols ? v[i][j] : v[j][i])
  return out
}

export class GaussianMlp {
  readonly hidden: number[]
  readonly loss: LossKind
  readonly learningRate: number
  /** weights stored as inDim x outDim (tfjs matMul order); exported transposed */
  private weights: Variable[] = []
  private biases: Variable[] = []
  private logStd: Variable
  private optimizer: ReturnType<Tf['train']['adam']>
  private obsMean: Float64Array
  private obsStd: Float64Array
  private meanT: Tensor1D
  private invStdT: Tensor1D
  private readonly low: Tensor1D | null
  private readonly high: Tensor1D | null
  private disposed = false

  constructor(
    private readonly tf: Tf,
    readonly obsDim: number,
    readonly actDim: number,
    options: GaussianMlpOptions = {},
  ) {
    this.hidden = options.hidden ?? [64, 64]
    this.loss = options.loss ?? 'nll'
    this.learningRate = options.learningRate ?? 2.5e-4
    const seed = options.seed ?? 0
    const dims = [obsDim, ...this.hidden, actDim]
    // Variables keep their data; tidy frees the intermediate tensors they were made from.
    this.logStd = tf.tidy(() => {
      for (let l = 0; l < dims.length - 1; l++) {
        const last = l === dims.length - 2
        // Gains as in common PPO practice: sqrt(2) for hidden layers, small for the mean head.
        const w = orthogonal(dims[l + 1], dims[l], last ? 0.01 : Math.SQRT2, seed * 7919 + l + 1)
        this.weights.push(tf.variable(tf.tensor2d(w, [dims[l + 1], dims[l]]).transpose(), true))
        this.biases.push(tf.variable(tf.zeros([dims[l + 1]]), true))
      }
      return tf.variable(tf.fill([actDim], options.logStdInit ?? -1), true)
    })
    this.optimizer = tf.train.adam(this.learningRate)
    const st = options.standardisation
    if (st && (st.mean.length !== obsDim || st.std.length !== obsDim))
      throw new RangeError(`standardisation has ${st.mean.length} dimensions, the observations ${obsDim}`)
    this.obsMean = st ? Float64Array.from(st.mean) : new Float64Array(obsDim)
    this.obsStd = st ? Float64Array.from(st.std, (v) => Math.max(v, MIN_STD)) : new Float64Array(obsDim).fill(1)
    this.meanT = tf.tensor1d(Float32Array.from(this.obsMean))
    this.invStdT = tf.tensor1d(Float32Array.from(this.obsStd, (v) => 1 / v))
    this.low = options.actionLow ? tf.tensor1d(Array.from(options.actionLow)) : null
    this.high = options.actionHigh ? tf.tensor1d(Array.from(options.actionHigh)) : null
  }

  private meanOf(obs: Tensor2D): Tensor2D {
    const tf = this.tf
    let x: Tensor2D = tf.mul(tf.sub(obs, this.meanT), this.invStdT)
    for (let l = 0; l < this.weights.length; l++) {
      const y = tf.add(tf.matMul(x, this.weights[l] as Tensor2D), this.biases[l]) as Tensor2D
      x = l === this.weights.length - 1 ? y : tf.tanh(y)
    }
    return x
  }

  private clampedLogStd(): Tensor1D {
    return this.tf.clipByValue(this.logStd, LOG_STD_MIN, LOG_STD_MAX) as Tensor1D
  }

  private lossOf(obs: Tensor2D, act: Tensor2D): Scalar {
    const tf = this.tf
    const target = this.low && this.high ? tf.minimum(tf.maximum(act, this.low), this.high) : act
    const mean = this.meanOf(obs)
    const logStd = this.clampedLogStd()
    const nll = (mu: Tensor): Scalar => {
      const z = tf.mul(tf.sub(target, mu), tf.exp(tf.neg(logStd)))
      const perDim = tf.add(tf.mul(0.5, tf.square(z)), logStd)
      return tf.add(tf.mean(tf.sum(perDim, 1)), 0.5 * this.actDim * LOG_2PI) as Scalar
    }
    if (this.loss === 'nll') return nll(mean)
    // MSE trains the mean; the log-std still follows the residuals (NLL with the mean held fixed) so that
    // sampled evaluation uses a sensible spread.
    const mse = tf.mean(tf.sum(tf.square(tf.sub(target, mean)), 1)) as Scalar
    const held = tf.customGrad(((x: Tensor) => ({
      value: x.clone(),
      gradFunc: (dy: Tensor) => tf.zerosLike(dy),
    })) as never)
    return tf.add(mse, tf.mul(1e-3, nll(held(mean) as Tensor))) as Scalar
  }

  private check(obs: Float32Array, n: number, width: number, what: string): void {
    if (obs.length !== n * width) throw new RangeError(`${what}: expected ${n}x${width} values, got ${obs.length}`)
  }

  /** One Adam step on a minibatch (n rows); returns the loss before the step. */
  trainBatch(obs: Float32Array, act: Float32Array, n: number): number {
    this.check(obs, n, this.obsDim, 'observations')
    this.check(act, n, this.actDim, 'actions')
    const tf = this.tf
    const value = tf.tidy(() => {
      const o = tf.tensor2d(obs, [n, this.obsDim])
      const a = tf.tensor2d(act, [n, this.actDim])
      const l = this.optimizer.minimize(() => this.lossOf(o, a), true, [...this.weights, ...this.biases, this.logStd])
      return l as Scalar
    })
    const v = value.dataSync()[0]
    value.dispose()
    return v
  }

  /** Loss on a batch without training. */
  lossValue(obs: Float32Array, act: Float32Array, n: number): number {
    this.check(obs, n, this.obsDim, 'observations')
    this.check(act, n, this.actDim, 'actions')
    const tf = this.tf
    return tf.tidy(
      () => this.lossOf(tf.tensor2d(obs, [n, this.obsDim]), tf.tensor2d(act, [n, this.actDim])).dataSync()[0],
    )
  }

  /** Mean actions for n observations (row-major). */
  predictMean(obs: Float32Array, n: number): Float32Array {
    this.check(obs, n, this.obsDim, 'observations')
    const tf = this.tf
    return tf.tidy(() => this.meanOf(tf.tensor2d(obs, [n, this.obsDim])).dataSync() as Float32Array)
  }

  /**
   * Change the input standardisation without changing the function the network computes: the first layer
   * absorbs the difference, so training can continue from where it was.
   */
  setNormalizer(mean: ArrayLike<number>, std: ArrayLike<number>): void {
    const tf = this.tf
    const w0 = this.weights[0]
    const W = w0.dataSync() as Float32Array // obsDim x h, row-major
    const b = this.biases[0].dataSync() as Float32Array
    const h = b.length
    const newW = new Float32Array(W.length)
    const newB = Float64Array.from(b)
    for (let j = 0; j < this.obsDim; j++) {
      const s = Math.max(std[j], MIN_STD)
      // x' = (x - m)/s ; old: W_j (x - m0)/s0. Matching: W'_j = W_j s/s0, b' = b + W_j (m - m0)/s0
      const ratio = s / this.obsStd[j]
      const shift = (mean[j] - this.obsMean[j]) / this.obsStd[j]
      for (let k = 0; k < h; k++) {
        newW[j * h + k] = W[j * h + k] * ratio
        newB[k] += W[j * h + k] * shift
      }
      this.obsMean[j] = mean[j]
      this.obsStd[j] = s
    }
    tf.tidy(() => {
      w0.assign(tf.tensor2d(newW, [this.obsDim, h]))
      this.biases[0].assign(tf.tensor1d(Float32Array.from(newB)))
    })
    this.meanT.dispose()
    this.invStdT.dispose()
    this.meanT = tf.tensor1d(Float32Array.from(this.obsMean))
    this.invStdT = tf.tensor1d(Float32Array.from(this.obsStd, (s) => 1 / s))
  }

  /** Plain weights with the standardisation folded into the first layer. */
  exportWeights(): MlpWeights {
    const layers = this.weights.map((wv, l) => {
      const [inDim, outDim] = wv.shape as [number, number]
      const W = wv.dataSync()
      const b = Array.from(this.biases[l].dataSync(), Number)
      const w = new Array<number>(outDim * inDim)
      for (let i = 0; i < outDim; i++) {
        for (let j = 0; j < inDim; j++) {
          const v = W[j * outDim + i]
          w[i * inDim + j] = l === 0 ? v / this.obsStd[j] : v
          if (l === 0) b[i] -= (v * this.obsMean[j]) / this.obsStd[j]
        }
      }
      return { w, b }
    })
    const logStd = Array.from(this.logStd.dataSync(), (v) => Math.min(LOG_STD_MAX, Math.max(LOG_STD_MIN, v)))
    return { obsDim: this.obsDim, actDim: this.actDim, hidden: this.hidden.slice(), layers, logStd }
  }

  /** Load exported weights (standardisation reset to identity, since it is folded in). Optimizer restarts. */
  loadWeights(weights: MlpWeights): void {
    const tf = this.tf
    if (weights.obsDim !== this.obsDim || weights.actDim !== this.actDim)
      throw new RangeError(`weights are ${weights.obsDim}->${weights.actDim}, model is ${this.obsDim}->${this.actDim}`)
    if (weights.layers.length !== this.weights.length) throw new RangeError('weights have a different depth')
    tf.tidy(() => {
      weights.layers.forEach((layer, l) => {
        const [inDim, outDim] = this.weights[l].shape as [number, number]
        if (layer.w.length !== inDim * outDim || layer.b.length !== outDim)
          throw new RangeError(`layer ${l} has the wrong size`)
        this.weights[l].assign(tf.tensor2d(layer.w, [outDim, inDim]).transpose())
        this.biases[l].assign(tf.tensor1d(layer.b))
      })
      this.logStd.assign(tf.tensor1d(weights.logStd))
    })
    this.obsMean.fill(0)
    this.obsStd.fill(1)
    this.meanT.dispose()
    this.invStdT.dispose()
    this.meanT = tf.zeros([this.obsDim])
    this.invStdT = tf.ones([this.obsDim])
    this.resetOptimizer()
  }

  /** A copy of the whole training state (checkpoints): continuing from restore(state()) is bit-identical. */
  state(): MlpState {
    const f32 = (v: Variable): Float32Array => Float32Array.from(v.dataSync() as Float32Array)
    return {
      weights: this.weights.map(f32),
      biases: this.biases.map(f32),
      logStd: f32(this.logStd),
      obsMean: Array.from(this.obsMean),
      obsStd: Array.from(this.obsStd),
      adam: adamState(this.optimizer),
    }
  }

  restore(state: MlpState): void {
    const tf = this.tf
    const vars = [...this.weights, ...this.biases, this.logStd]
    const sizes = vars.map((v) => v.size)
    const given = [...state.weights, ...state.biases, state.logStd].map((a) => a.length)
    if (given.length !== sizes.length || given.some((n, i) => n !== sizes[i]))
      throw new RangeError('saved training state does not fit this network')
    tf.tidy(() => {
      this.weights.forEach((w, l) => w.assign(tf.tensor(state.weights[l], w.shape)))
      this.biases.forEach((b, l) => b.assign(tf.tensor(state.biases[l], b.shape)))
      this.logStd.assign(tf.tensor(state.logStd, this.logStd.shape))
    })
    this.obsMean = Float64Array.from(state.obsMean)
    this.obsStd = Float64Array.from(state.obsStd)
    this.meanT.dispose()
    this.invStdT.dispose()
    this.meanT = tf.tensor1d(Float32Array.from(this.obsMean))
    this.invStdT = tf.tensor1d(Float32Array.from(this.obsStd, (s) => 1 / s))
    this.resetOptimizer()
    restoreAdam(tf, this.optimizer, vars, state.adam)
  }

  resetOptimizer(): void {
    this.optimizer.dispose()
    this.optimizer = this.tf.train.adam(this.learningRate)
  }

  dispose(): void {
    if (this.disposed) return
    this.disposed = true
    for (const v of [...this.weights, ...this.biases, this.logStd]) v.dispose()
    this.optimizer.dispose()
    this.meanT.dispose()
    this.invStdT.dispose()
    this.low?.dispose()
    this.high?.dispose()
  }
}
