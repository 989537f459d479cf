// The GMM class at rollout time (learn/policies/gmm trains it): a history of observations in, a mixture of k
// Gaussians over the action out. act() takes the most likely mode's mean; sample() draws the mode from the
// mixture weights with the session's generator and takes its mean (robomimic's low-noise evaluation).
import type { Rng } from '../rng'
import type { SpecPolicy } from '../policy-spec'
import { ObsHistory, denseForward, toBounds, type DenseLayers, type ObsStandardisation } from './dense'

export interface GmmWeights extends DenseLayers, ObsStandardisation {
  cls: 'gmm'
  obsDim: number
  actDim: number
  history: number
  modes: number
}

/** The head's output: means (modes x actDim, in [-1, 1] units), log-stds (modes x actDim), logits (modes). */
export function gmmHead(w: GmmWeights, out: Float64Array): { means: Float64Array; logits: Float64Array } {
  const m = w.modes * w.actDim
  return { means: out.subarray(0, m), logits: out.subarray(2 * m, 2 * m + w.modes) }
}

export function gmmPolicy(w: GmmWeights, low: number[], high: number[]): SpecPolicy {
  const history = new ObsHistory(w.history, w.obsDim)
  const forward = (obs: Float64Array): { means: Float64Array; logits: Float64Array } => {
    history.push(obs)
    return gmmHead(w, denseForward(w, history.standardised(w)))
  }
  const meanOf = (means: Float64Array, k: number): Float64Array =>
    toBounds(means.subarray(k * w.actDim, (k + 1) * w.actDim), low, high)
  return {
    actDim: w.actDim,
    reset: () => history.reset(),
    act(obs) {
      const { means, logits } = forward(obs)
      let best = 0
      for (let k = 1; k < w.modes; k++) if (logits[k] > logits[best]) best = k
      return meanOf(means, best)
    },
    sample(obs, rng: Rng) {
      const { means, logits } = forward(obs)
      let top = -Infinity
      for (const l of logits) top = Math.max(top, l)
      const p = Array.from(logits, (l) => Math.exp(l - top))
      let u = rng.next() * p.reduce((a, b) => a + b, 0)
      let k = 0
      while (k < w.modes - 1 && u >= p[k]) u -= p[k++]
      return meanOf(means, k)
    },
  }
}
