// The exported form of the learner: plain arrays that the store saves as JSON and that rollouts evaluate
// with a plain forward pass (no tfjs in the rollout workers). Same shape as the sim's `mlp` PolicySpec.
export interface MlpLayer {
  /** outDim x inDim, row-major */
  w: number[]
  b: number[]
}

export interface MlpWeights {
  obsDim: number
  actDim: number
  hidden: number[]
  /** hidden layers use tanh, the last layer is linear (the Gaussian's mean) */
  layers: MlpLayer[]
  /** per action dimension, state-independent */
  logStd: number[]
}

/** Mean action of the exported network for one observation (tanh hidden layers, linear output). */
export function mlpMean(weights: MlpWeights, obs: ArrayLike<number>, out?: Float64Array): Float64Array {
  let x: ArrayLike<number> = obs
  const last = weights.layers.length - 1
  for (let l = 0; l <= last; l++) {
    const { w, b } = weights.layers[l]
    const outDim = b.length
    const inDim = x.length
    const y = l === last && out ? out : new Float64Array(outDim)
    for (let i = 0; i < outDim; i++) {
      let s = b[i]
      const row = i * inDim
      for (let j = 0; j < inDim; j++) s += w[row + j] * x[j]
      y[i] = l === last ? s : Math.tanh(s)
    }
    x = y
  }
  return x as Float64Array
}
