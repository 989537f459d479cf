// The action-chunk class at rollout time (learn/policies/chunk trains it): a history of observations in, k
// actions out, executed with temporal ensembling (ACT, Zhao et al. 2023): every step predicts a new chunk, and
// the action at step t is the weighted mean of the chunks' predictions for t, weight exp(-m i) for the i-th
// oldest.
import type { SpecPolicy } from '../policy-spec'
import { ObsHistory, denseForward, toBounds, type DenseLayers, type ObsStandardisation } from './dense'
import { transformerForward, type TransformerWeights } from './transformer'

export interface ChunkWeights extends DenseLayers, ObsStandardisation {
  cls: 'chunk'
  obsDim: number
  actDim: number
  history: number
  chunk: number
  ensembleDecay: number
  /** the transformer backbone; absent: the MLP of `layers` (then empty with a transformer) */
  transformer?: TransformerWeights
}

/** The chunk (chunk x actDim, in [-1, 1] units) for a standardised history. */
export function chunkForward(w: ChunkWeights, input: ArrayLike<number>): Float64Array {
  return w.transformer ? transformerForward(w.transformer, input, w.history, w.chunk) : denseForward(w, input)
}

export function chunkPolicy(w: ChunkWeights, low: number[], high: number[]): SpecPolicy {
  const history = new ObsHistory(w.history, w.obsDim)
  // the chunks still covering the coming steps, oldest first
  let live: Float64Array[] = []
  return {
    actDim: w.actDim,
    reset() {
      history.reset()
      live = []
    },
    act(obs) {
      history.push(obs)
      live.push(chunkForward(w, history.standardised(w)))
      if (live.length > w.chunk) live.shift()
      const y = new Float64Array(w.actDim)
      let total = 0
      // live[i] was predicted (live.length - 1 - i) steps ago: its entry for now is at that offset.
      live.forEach((c, i) => {
        const weight = Math.exp(-w.ensembleDecay * i)
        const at = (live.length - 1 - i) * w.actDim
        for (let d = 0; d < w.actDim; d++) y[d] += weight * c[at + d]
        total += weight
      })
      for (let d = 0; d < w.actDim; d++) y[d] /= total
      return toBounds(y, low, high)
    },
  }
}
