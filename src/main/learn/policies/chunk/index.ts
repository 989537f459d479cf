// Action chunks (ACT's output without its CVAE): a history of observations in, k actions out, trained on the L1
// error of the known actions of each chunk (a query's answer is the chunk's first action only; the mask hides
// the rest). Executed with temporal ensembling (sim/policies/chunk.ts). The backbone is the MLP of `hidden`, or a
// small transformer over the history's and the chunk's tokens (transformer-trunk.ts).
import type { Scalar, Tensor2D } from '@tensorflow/tfjs'
import type { Tf } from '../../backend'
import type { ChunkParams } from '../../../../shared/policy-config'
import { ClassNet, type ClassNetDims } from '../class-net'
import { TransformerTrunk } from '../transformer-trunk'
import type { ChunkWeights } from '../../../sim/policy-spec'

export class ChunkNet extends ClassNet {
  constructor(
    tf: Tf,
    dims: Omit<ClassNetDims, 'outDim' | 'hidden' | 'learningRate' | 'chunk'>,
    private readonly params: ChunkParams,
  ) {
    const full = {
      ...dims,
      chunk: params.chunk,
      hidden: params.hidden,
      learningRate: params.learningRate,
      outDim: params.chunk * dims.actDim,
    }
    super(
      tf,
      full,
      params.backbone === 'transformer'
        ? new TransformerTrunk(tf, { ...dims, chunk: params.chunk }, params)
        : undefined,
    )
  }

  protected loss(input: Tensor2D, target: Tensor2D, mask: Tensor2D): Scalar {
    const tf = this.tf
    const n = input.shape[0]
    const { actDim } = this.dims
    const k = this.params.chunk
    const err = tf.sum(tf.abs(tf.sub(this.trunk(input), target)).reshape([n, k, actDim]), 2)
    return tf.div(tf.sum(tf.mul(err, mask)), tf.maximum(tf.sum(mask), 1)) as Scalar
  }

  protected describe(): Omit<ChunkWeights, 'layers' | 'obsMean' | 'obsStd'> {
    const { obsDim, actDim, history } = this.dims
    return {
      cls: 'chunk',
      obsDim,
      actDim,
      history,
      chunk: this.params.chunk,
      ensembleDecay: this.params.ensembleDecay,
    }
  }
}
