// A class network's trunk: what maps the standardised input rows to the class's output (n x outDim). The MLP of
// `hidden` (ReLU between layers, linear out) serves every class; the chunk class may take a transformer instead
// (transformer-trunk.ts). The trainer sees only its variables, in a fixed order, and its plain weights.
import type { Tensor2D, Variable } from '@tensorflow/tfjs'
import type { Tf } from '../backend'
import { orthogonal } from '../gaussian-mlp'
import { matMul } from './matmul'
import type { DenseLayers } from '../../sim/policies/dense'
import type { TransformerWeights } from '../../sim/policies/transformer'

/** A trunk's plain weights: the dense layers, or none and a transformer. */
export interface TrunkWeights extends DenseLayers {
  transformer?: TransformerWeights
}

export interface Trunk {
  /** trainable variables in a fixed order: the optimiser's and the saved state's */
  readonly variables: Variable[]
  /**
   * How many of `variables` a saved state lists as `weights` (the rest as `biases`): the MLP's split, kept so that
   * training states saved before trunks existed restore unchanged.
   */
  readonly stateSplit: number
  apply(x: Tensor2D): Tensor2D
  exportWeights(): TrunkWeights
  /** throws a RangeError when the weights are not of this trunk's kind and sizes */
  loadWeights(w: TrunkWeights): void
}

/** The MLP: orthogonal initialisation (gain sqrt 2, the last layer 0.01), weights kept in x out as tfjs multiplies. */
export class DenseTrunk implements Trunk {
  private readonly weights: Variable[] = []
  private readonly biases: Variable[] = []

  constructor(
    private readonly tf: Tf,
    sizes: number[],
    seed: number,
  ) {
    tf.tidy(() => {
      for (let l = 0; l < sizes.length - 1; l++) {
        const last = l === sizes.length - 2
        const w = orthogonal(sizes[l + 1], sizes[l], last ? 0.01 : Math.SQRT2, seed * 7919 + l + 1)
        this.weights.push(tf.variable(tf.tensor2d(w, [sizes[l + 1], sizes[l]]).transpose(), true))
        this.biases.push(tf.variable(tf.zeros([sizes[l + 1]]), true))
      }
    })
  }

  get variables(): Variable[] {
    return [...this.weights, ...this.biases]
  }

  get stateSplit(): number {
    return this.weights.length
  }

  apply(x: Tensor2D): Tensor2D {
    const tf = this.tf
    for (let l = 0; l < this.weights.length; l++) {
      const y = tf.add(matMul(tf, x, this.weights[l]), this.biases[l]) as Tensor2D
      x = l === this.weights.length - 1 ? y : tf.relu(y)
    }
    return x
  }

  exportWeights(): TrunkWeights {
    const layers = this.weights.map((wv, l) => ({
      w: transposed(wv),
      b: Array.from(this.biases[l].dataSync(), Number),
    }))
    return { layers }
  }

  loadWeights(w: TrunkWeights): void {
    const tf = this.tf
    if (w.transformer) throw new RangeError('weights have a transformer backbone; this network is an MLP')
    if (w.layers.length !== this.weights.length) throw new RangeError('weights have a different depth')
    tf.tidy(() =>
      w.layers.forEach((layer, l) => assignLinear(tf, this.weights[l], this.biases[l], layer, `layer ${l}`)),
    )
  }
}

/**
 * A linear map's plain weights (w out x in, row-major, and b) into its variables, kept in x out; a RangeError
 * naming `what` when the sizes differ.
 */
export function assignLinear(
  tf: Tf,
  w: Variable,
  b: Variable,
  layer: { w: number[]; b: number[] },
  what: string,
): void {
  const [inDim, outDim] = w.shape as [number, number]
  if (layer.w.length !== inDim * outDim || layer.b.length !== outDim) throw new RangeError(`${what} has the wrong size`)
  w.assign(tf.tensor2d(layer.w, [outDim, inDim]).transpose())
  b.assign(tf.tensor1d(layer.b))
}

/** A variable kept in x out, as the plain weights' out x in, row-major. */
export function transposed(v: Variable): number[] {
  const [inDim, outDim] = v.shape as [number, number]
  const W = v.dataSync()
  const w = new Array<number>(outDim * inDim)
  for (let i = 0; i < outDim; i++) for (let j = 0; j < inDim; j++) w[i * inDim + j] = W[j * outDim + i]
  return w
}
