// Diffusion Policy on low-dimensional observations (Chi et al. 2023), with an MLP denoiser: a chunk of actions
// (in [-1, 1] units) is noised to a random level t of the squared-cosine schedule and the network, given the
// noisy chunk, the observation history and t's embedding, predicts the noise (DDPM's epsilon loss), on the known
// actions only. The levels and the noise come from the net's own generator, saved in its state, so a resumed
// session trains on the same draws. Rollouts denoise with DDIM (sim/policies/diffusion.ts).
import type { Scalar, Tensor2D } from '@tensorflow/tfjs'
import type { Tf } from '../../backend'
import type { DiffusionParams } from '../../../../shared/policy-config'
import { ClassNet, type ClassNetDims } from '../class-net'
import type { DiffusionWeights } from '../../../sim/policy-spec'
import { TIME_EMBEDDING, alphasCumprod, timeEmbedding } from '../../../sim/policies/diffusion'

export class DiffusionNet extends ClassNet {
  private readonly abar: Float64Array

  constructor(
    tf: Tf,
    dims: Omit<ClassNetDims, 'outDim' | 'hidden' | 'learningRate' | 'chunk' | 'inDim'>,
    private readonly params: DiffusionParams,
  ) {
    const n = params.horizon * dims.actDim
    super(tf, {
      ...dims,
      chunk: params.horizon,
      hidden: params.hidden,
      learningRate: params.learningRate,
      inDim: n + dims.history * dims.obsDim + TIME_EMBEDDING,
      outDim: n,
    })
    this.abar = alphasCumprod(params.diffusionSteps)
  }

  protected loss(cond: Tensor2D, target: Tensor2D, mask: Tensor2D, rows: number): Scalar {
    const tf = this.tf
    const n = this.params.horizon * this.dims.actDim
    // The draws: a level, its embedding and the noise per row (plain numbers from the net's generator).
    const scaleX = new Float32Array(rows)
    const scaleE = new Float32Array(rows)
    const emb = new Float32Array(rows * TIME_EMBEDDING)
    const noise = new Float32Array(rows * n)
    const e = new Float64Array(TIME_EMBEDDING)
    for (let r = 0; r < rows; r++) {
      const t = this.rng.int(this.params.diffusionSteps)
      scaleX[r] = Math.sqrt(this.abar[t])
      scaleE[r] = Math.sqrt(1 - this.abar[t])
      emb.set(timeEmbedding(t, e), r * TIME_EMBEDDING)
      for (let i = 0; i < n; i++) noise[r * n + i] = this.rng.normal()
    }
    const eps = tf.tensor2d(noise, [rows, n])
    // Unknown actions (masked) enter as 0 before the noise; their error does not count.
    const maskPerValue = tf.tile(tf.expandDims(mask, 2), [1, 1, this.dims.actDim]).reshape([rows, n])
    const x0 = tf.mul(target, maskPerValue)
    const xt = tf.add(
      tf.mul(x0, tf.tensor2d(scaleX, [rows, 1])),
      tf.mul(eps, tf.tensor2d(scaleE, [rows, 1])),
    ) as Tensor2D
    const input = tf.concat([xt, cond, tf.tensor2d(emb, [rows, TIME_EMBEDDING])], 1) as Tensor2D
    const err = tf.mul(tf.square(tf.sub(this.trunk(input), eps)), maskPerValue)
    return tf.div(tf.sum(err), tf.maximum(tf.sum(maskPerValue), 1)) as Scalar
  }

  protected describe(): Omit<DiffusionWeights, 'layers' | 'obsMean' | 'obsStd'> {
    const { obsDim, actDim, history } = this.dims
    const p = this.params
    return {
      cls: 'diffusion',
      obsDim,
      actDim,
      history,
      horizon: p.horizon,
      execute: p.execute,
      diffusionSteps: p.diffusionSteps,
      inferenceSteps: p.inferenceSteps,
    }
  }
}
