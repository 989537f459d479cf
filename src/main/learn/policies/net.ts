// What the trainer (training-core.ts) needs of a policy class's network, whatever the class: minibatch steps on
// rows of (history of observations, chunk of actions, mask of the chunk's known actions), the input
// standardisation, plain weights out and in, and its whole training state for exact checkpoints.
import type { LearnerWeights } from '../../sim/policy-spec'

export interface PolicyNet {
  /** one Adam step on n rows; input n x (history x obsDim), target n x (chunk x actDim), mask n x chunk */
  trainBatch(input: Float32Array, target: Float32Array, n: number, mask?: Float32Array): number
  lossValue(input: Float32Array, target: Float32Array, n: number, mask?: Float32Array): number
  /** new statistics of one observation (the trainer's refresh as the data grows) */
  setNormalizer(mean: ArrayLike<number>, std: ArrayLike<number>): void
  exportWeights(): LearnerWeights
  loadWeights(weights: LearnerWeights): void
  state(): unknown
  restore(state: unknown): void
  resetOptimizer(): void
  dispose(): void
}
