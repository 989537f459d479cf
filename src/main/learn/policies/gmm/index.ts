// GMM: a mixture-density head of k Gaussians over the action (robomimic's GMM policy), trained on the negative
// log-likelihood of the expert's action (in [-1, 1] units) under the mixture. Two equally good ways stay two
// modes instead of being averaged into one bad one.
import type { Scalar, Tensor2D } from '@tensorflow/tfjs'
import type { Tf } from '../../backend'
import type { GmmParams } from '../../../../shared/policy-config'
import { ClassNet, type ClassNetDims } from '../class-net'
import type { GmmWeights } from '../../../sim/policy-spec'

/** The smallest standard deviation of a mode (robomimic's min_std), in [-1, 1] units. */
const MIN_STD = 1e-2
const LOG_2PI = Math.log(2 * Math.PI)

export class GmmNet extends ClassNet {
  constructor(
    tf: Tf,
    dims: Omit<ClassNetDims, 'outDim' | 'hidden' | 'learningRate' | 'chunk'>,
    private readonly params: GmmParams,
  ) {
    super(tf, {
      ...dims,
      chunk: 1,
      hidden: params.hidden,
      learningRate: params.learningRate,
      outDim: params.modes * (2 * dims.actDim + 1),
    })
  }

  protected loss(input: Tensor2D, target: Tensor2D): Scalar {
    const tf = this.tf
    const k = this.params.modes
    const d = this.dims.actDim
    const out = this.trunk(input)
    const n = out.shape[0]
    const means = out.slice([0, 0], [n, k * d]).reshape([n, k, d])
    const std = tf.add(tf.softplus(out.slice([0, k * d], [n, k * d])), MIN_STD).reshape([n, k, d])
    const logits = out.slice([0, 2 * k * d], [n, k])
    const z = tf.div(tf.sub(target.reshape([n, 1, d]), means), std)
    // log N(a; mu_k, sigma_k) per mode, then log sum_k softmax_k N_k
    const logN = tf.sub(tf.mul(-0.5, tf.sum(tf.square(z), 2)), tf.add(tf.sum(tf.log(std), 2), 0.5 * d * LOG_2PI))
    const logMix = tf.logSumExp(tf.add(logN, tf.logSoftmax(logits)), 1)
    return tf.neg(tf.mean(logMix)) as Scalar
  }

  protected describe(): Omit<GmmWeights, 'layers' | 'obsMean' | 'obsStd'> {
    const { obsDim, actDim, history } = this.dims
    return { cls: 'gmm', obsDim, actDim, history, modes: this.params.modes }
  }
}
