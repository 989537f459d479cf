// Adam's whole state out of and back into a tfjs AdamOptimizer, bit for bit: tfjs's own getWeights/setWeights
// do not round-trip the accumulated beta powers and iteration count exactly, and checkpoints must.
import type { Variable } from '@tensorflow/tfjs'
import type { Tf } from '../backend'

export interface AdamState {
  iterations: number
  /** beta^t as Adam accumulated it step by step (not pow(beta, t): the two differ in the last bits) */
  accBeta1: number
  accBeta2: number
  firstMoment: Float32Array[]
  secondMoment: Float32Array[]
}

/** The fields of tfjs's AdamOptimizer that its own getWeights/setWeights do not round-trip exactly. */
interface AdamInternals {
  accBeta1: Variable
  accBeta2: Variable
  accumulatedFirstMoment: { originalName: string; variable: Variable }[]
  accumulatedSecondMoment: { originalName: string; variable: Variable }[]
  iterations_: number
}

type Adam = ReturnType<Tf['train']['adam']>

export function adamState(optimizer: Adam): AdamState {
  const adam = optimizer as unknown as AdamInternals
  const f32 = (v: Variable): Float32Array => Float32Array.from(v.dataSync() as Float32Array)
  return {
    iterations: adam.iterations_ ?? 0,
    accBeta1: adam.accBeta1.dataSync()[0],
    accBeta2: adam.accBeta2.dataSync()[0],
    firstMoment: adam.accumulatedFirstMoment.map((m) => f32(m.variable)),
    secondMoment: adam.accumulatedSecondMoment.map((m) => f32(m.variable)),
  }
}

/** Into a fresh optimizer over `vars` (in the order its moments were saved). */
export function restoreAdam(tf: Tf, optimizer: Adam, vars: readonly Variable[], state: AdamState): void {
  const adam = optimizer as unknown as AdamInternals
  const moment = (arrays: Float32Array[], suffix: string): AdamInternals['accumulatedFirstMoment'] =>
    arrays.map((a, i) => ({
      originalName: `${vars[i].name}/${suffix}`,
      variable: tf.variable(tf.tensor(a, vars[i].shape), false),
    }))
  adam.accumulatedFirstMoment = moment(state.firstMoment, 'm')
  adam.accumulatedSecondMoment = moment(state.secondMoment, 'v')
  adam.accBeta1.assign(tf.scalar(state.accBeta1))
  adam.accBeta2.assign(tf.scalar(state.accBeta2))
  adam.iterations_ = state.iterations
}
