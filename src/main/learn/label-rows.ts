// Labels as the trainer's rows: the observation history in (padded in front with the oldest observation known,
// as rollouts pad at an episode's start) and the chunk of actions out (the label's own first; positions with no
// known action are masked). With history 1 and chunk 1 a row is exactly the label's observation and action.
import type { LabelContextNeeds } from '../../shared/policy-config'
import type { LabelContext } from './session-log'

export interface LabelLike {
  observation: ArrayLike<number>
  action: ArrayLike<number>
  context?: LabelContext | null
}

export interface LabelRows {
  input: Float32Array
  target: Float32Array
  mask: Float32Array
  count: number
}

export function labelRows(
  labels: readonly LabelLike[],
  obsDim: number,
  actDim: number,
  needs: LabelContextNeeds,
): LabelRows {
  const h = needs.history
  const k = needs.chunk
  const n = labels.length
  const input = new Float32Array(n * h * obsDim)
  const target = new Float32Array(n * k * actDim)
  const mask = new Float32Array(n * k)
  labels.forEach((l, i) => {
    if (l.observation.length !== obsDim || l.action.length !== actDim)
      throw new RangeError(`label ${i}: expected ${obsDim} observations and ${actDim} actions`)
    const hist = l.context?.history ?? []
    const before = Math.floor(hist.length / obsDim)
    // row r of the history (0 oldest): the label's own observation last, known ones before it, padding in front
    for (let r = 0; r < h; r++) {
      const back = h - 1 - r // how many steps before the label's state
      const at = i * h * obsDim + r * obsDim
      if (back === 0) input.set(l.observation, at)
      else {
        const src = Math.max(0, before - back)
        if (before === 0) input.set(l.observation, at)
        else for (let j = 0; j < obsDim; j++) input[at + j] = hist[src * obsDim + j]
      }
    }
    target.set(l.action, i * k * actDim)
    mask[i * k] = 1
    const next = l.context?.next ?? []
    const after = Math.min(k - 1, Math.floor(next.length / actDim))
    for (let c = 0; c < after; c++) {
      for (let j = 0; j < actDim; j++) target[(i * k + 1 + c) * actDim + j] = next[c * actDim + j]
      mask[i * k + 1 + c] = 1
    }
  })
  return { input, target, mask, count: n }
}
