// The plain-data networks of the learned policy classes and their exact Float64 forward pass, so a rollout worker
// rebuilds any learner from a message and acts bit-identically wherever it runs.

/** A stack of dense layers: layer i maps in -> out with w outDim x inDim (row-major); ReLU (or tanh) between layers. */
export interface DenseLayers {
  layers: { w: number[]; b: number[] }[]
}

/** Inputs standardised as (x - mean) / std per dimension of one observation (tiled over a history). */
export interface ObsStandardisation {
  obsMean: number[]
  obsStd: number[]
}

export function denseForward(
  net: DenseLayers,
  x: ArrayLike<number>,
  activation: 'relu' | 'tanh' = 'relu',
): Float64Array {
  let input: ArrayLike<number> = x
  const n = net.layers.length
  for (let l = 0; l < n; l++) {
    const { w, b } = net.layers[l]
    const inDim = input.length
    const outDim = b.length
    if (w.length !== outDim * inDim)
      throw new RangeError(`dense layer ${l}: w has ${w.length} entries, expected ${outDim} x ${inDim}`)
    const y = new Float64Array(outDim)
    for (let i = 0; i < outDim; i++) {
      let s = b[i]
      const row = i * inDim
      for (let j = 0; j < inDim; j++) s += w[row + j] * input[j]
      y[i] = l === n - 1 ? s : activation === 'tanh' ? Math.tanh(s) : s < 0 ? 0 : s
    }
    input = y
  }
  return input as Float64Array
}

/** Observations in, the current one last: at an episode's start the first one stands in for those before it. */
export class ObsHistory {
  private rows: Float64Array[] = []
  constructor(
    readonly length: number,
    readonly obsDim: number,
  ) {}
  reset(): void {
    this.rows = []
  }
  push(obs: ArrayLike<number>): void {
    this.rows.push(Float64Array.from(obs))
    if (this.rows.length > this.length) this.rows.shift()
  }
  /** length x obsDim, standardised, oldest first */
  standardised(st: ObsStandardisation): Float64Array {
    return stackHistory(this.rows, this.length, this.obsDim, st)
  }
}

/** The rows (oldest first, the current one last), padded in front with the oldest, standardised, flat. */
export function stackHistory(
  rows: readonly ArrayLike<number>[],
  length: number,
  obsDim: number,
  st: ObsStandardisation,
): Float64Array {
  const out = new Float64Array(length * obsDim)
  const pad = length - rows.length
  for (let i = 0; i < length; i++) {
    const r = rows[Math.max(0, i - pad)]
    for (let j = 0; j < obsDim; j++) out[i * obsDim + j] = (r[j] - st.obsMean[j]) / st.obsStd[j]
  }
  return out
}

/** An action in [-1, 1] per dimension (how the classes predict) back to the task's bounds, clipped. */
export function toBounds(y: ArrayLike<number>, low: readonly number[], high: readonly number[]): Float64Array {
  const a = new Float64Array(low.length)
  for (let i = 0; i < low.length; i++) {
    const v = y[i] < -1 ? -1 : y[i] > 1 ? 1 : y[i]
    a[i] = low[i] + ((v + 1) / 2) * (high[i] - low[i])
  }
  return a
}
