// The chunk class's transformer backbone at rollout time, in float64 (learn/policies/transformer-trunk.ts trains
// it): one token per observation of the history (a linear embedding plus a learned position) and one learned query
// token per action of the chunk, pre-LayerNorm blocks of multi-head self-attention over all tokens and a ReLU
// feed-forward part, each with a residual; a last LayerNorm, and each query token read out as its action.

/** A linear map: w is out x in, row-major. */
export interface Linear {
  w: number[]
  b: number[]
}

/** LayerNorm's gain and bias. */
export interface Norm {
  g: number[]
  b: number[]
}

export interface TransformerBlock {
  norm1: Norm
  /** the queries', keys' and values' maps stacked: 3 width x width */
  qkv: Linear
  proj: Linear
  norm2: Norm
  ff1: Linear
  ff2: Linear
}

export interface TransformerWeights {
  width: number
  heads: number
  /** observation -> width */
  embed: Linear
  /** (history + chunk) x width: the history's positions, then the chunk's query tokens */
  tokens: number[]
  blocks: TransformerBlock[]
  norm: Norm
  /** width -> actDim */
  head: Linear
}

export const LAYER_NORM_EPS = 1e-5

function linear(m: Linear, x: Float64Array, at: number, inDim: number, out: Float64Array, outAt: number): void {
  const outDim = m.b.length
  for (let i = 0; i < outDim; i++) {
    let s = m.b[i]
    const row = i * inDim
    for (let j = 0; j < inDim; j++) s += m.w[row + j] * x[at + j]
    out[outAt + i] = s
  }
}

function layerNorm(n: Norm, x: Float64Array, at: number, width: number, out: Float64Array): void {
  let mean = 0
  for (let j = 0; j < width; j++) mean += x[at + j]
  mean /= width
  let v = 0
  for (let j = 0; j < width; j++) v += (x[at + j] - mean) ** 2
  const inv = 1 / Math.sqrt(v / width + LAYER_NORM_EPS)
  for (let j = 0; j < width; j++) out[at + j] = (x[at + j] - mean) * inv * n.g[j] + n.b[j]
}

/**
 * The chunk (chunk x actDim, flat) for a standardised history (history x obsDim, flat, oldest first).
 * `history` and `chunk` are the token counts; the weights' shapes are checked against them.
 */
export function transformerForward(
  w: TransformerWeights,
  input: ArrayLike<number>,
  history: number,
  chunk: number,
): Float64Array {
  const d = w.width
  const obsDim = input.length / history
  const actDim = w.head.b.length
  const S = history + chunk
  if (w.embed.w.length !== d * obsDim || w.tokens.length !== S * d || w.head.w.length !== actDim * d)
    throw new RangeError(`transformer: weights do not fit ${history} observations of ${obsDim} and ${chunk} actions`)
  const x = new Float64Array(S * d)
  const obs = Float64Array.from(input)
  for (let t = 0; t < S; t++) {
    if (t < history) linear(w.embed, obs, t * obsDim, obsDim, x, t * d)
    for (let j = 0; j < d; j++) x[t * d + j] += w.tokens[t * d + j]
  }
  const h = new Float64Array(S * d)
  const qkv = new Float64Array(S * 3 * d)
  const attended = new Float64Array(S * d)
  const dh = d / w.heads
  const scale = 1 / Math.sqrt(dh)
  const scores = new Float64Array(S)
  for (const block of w.blocks) {
    for (let t = 0; t < S; t++) {
      layerNorm(block.norm1, x, t * d, d, h)
      linear(block.qkv, h, t * d, d, qkv, t * 3 * d)
    }
    // each head attends over every token: softmax(q k^T / sqrt(dh)) v
    for (let head = 0; head < w.heads; head++) {
      const o = head * dh
      for (let t = 0; t < S; t++) {
        let max = -Infinity
        for (let u = 0; u < S; u++) {
          let s = 0
          for (let j = 0; j < dh; j++) s += qkv[t * 3 * d + o + j] * qkv[u * 3 * d + d + o + j]
          scores[u] = s * scale
          if (scores[u] > max) max = scores[u]
        }
        let total = 0
        for (let u = 0; u < S; u++) total += scores[u] = Math.exp(scores[u] - max)
        for (let j = 0; j < dh; j++) {
          let s = 0
          for (let u = 0; u < S; u++) s += scores[u] * qkv[u * 3 * d + 2 * d + o + j]
          attended[t * d + o + j] = s / total
        }
      }
    }
    for (let t = 0; t < S; t++) {
      linear(block.proj, attended, t * d, d, h, t * d)
      for (let j = 0; j < d; j++) x[t * d + j] += h[t * d + j]
    }
    const ff = block.ff1.b.length
    const mid = new Float64Array(ff)
    const back = new Float64Array(d)
    for (let t = 0; t < S; t++) {
      layerNorm(block.norm2, x, t * d, d, h)
      linear(block.ff1, h, t * d, d, mid, 0)
      for (let j = 0; j < ff; j++) if (mid[j] < 0) mid[j] = 0
      linear(block.ff2, mid, 0, ff, back, 0)
      for (let j = 0; j < d; j++) x[t * d + j] += back[j]
    }
  }
  const out = new Float64Array(chunk * actDim)
  for (let c = 0; c < chunk; c++) {
    const t = history + c
    layerNorm(w.norm, x, t * d, d, h)
    linear(w.head, h, t * d, d, out, c * actDim)
  }
  return out
}
