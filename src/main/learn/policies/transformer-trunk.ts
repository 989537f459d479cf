// The chunk class's transformer backbone in tfjs (sim/policies/transformer.ts is the same network in float64 for
// rollouts): one token per observation of the history, embedded linearly with a learned position, and one learned
// query token per action of the chunk; pre-LayerNorm blocks of multi-head self-attention and a ReLU feed-forward
// part; a last LayerNorm and a linear read-out of each query token as its action. Row n of the output is the
// chunk, flat (chunk x actDim), as the MLP trunk gives it.
import type { Tensor, Tensor2D, Tensor3D, Variable } from '@tensorflow/tfjs'
import type { Tf } from '../backend'
import type { TransformerParams } from '../../../shared/policy-config'
import { createRng, type Rng } from '../../sim/rng'
import {
  LAYER_NORM_EPS,
  type Linear,
  type Norm,
  type TransformerBlock,
  type TransformerWeights,
} from '../../sim/policies/transformer'
import { assignLinear, transposed, type Trunk, type TrunkWeights } from './trunk'
import { matMul, matMulTransposed } from './matmul'

interface LinearVars {
  /** in x out, as tfjs multiplies */
  w: Variable
  b: Variable
}
interface NormVars {
  g: Variable
  b: Variable
}
interface BlockVars {
  norm1: NormVars
  qkv: LinearVars
  proj: LinearVars
  norm2: NormVars
  ff1: LinearVars
  ff2: LinearVars
}

interface TrunkVars {
  embed: LinearVars
  tokens: Variable
  blocks: BlockVars[]
  last: NormVars
  head: LinearVars
  variables: Variable[]
}

export interface TransformerShape {
  obsDim: number
  actDim: number
  history: number
  chunk: number
  seed: number
}

export class TransformerTrunk implements Trunk {
  private readonly embed: LinearVars
  private readonly tokens: Variable
  private readonly blocks: BlockVars[]
  private readonly norm: NormVars
  private readonly head: LinearVars
  readonly variables: Variable[]

  constructor(
    private readonly tf: Tf,
    private readonly shape: TransformerShape,
    private readonly params: TransformerParams,
  ) {
    const { width: d, feedforward: ff } = params
    // Seeded draws of the class's own generator: a network rebuilt from the same seed starts the same.
    const rng = createRng(shape.seed * 7919 + 101)
    const all: Variable[] = []
    const keep = (v: Variable): Variable => (all.push(v), v)
    const linear = (inDim: number, outDim: number, gain = 1): LinearVars => ({
      w: keep(tf.variable(tf.tensor2d(normal(rng, inDim * outDim, gain / Math.sqrt(inDim)), [inDim, outDim]), true)),
      b: keep(tf.variable(tf.zeros([outDim]), true)),
    })
    const norm = (): NormVars => ({
      g: keep(tf.variable(tf.ones([d]), true)),
      b: keep(tf.variable(tf.zeros([d]), true)),
    })
    const S = shape.history + shape.chunk
    // tidy frees the initial values; the variables stay
    let built: Omit<TrunkVars, 'variables'> | undefined
    tf.tidy(() => {
      const embed = linear(shape.obsDim, d)
      const tokens = keep(tf.variable(tf.tensor2d(normal(rng, S * d, 0.02), [S, d]), true))
      const blocks = Array.from({ length: params.blocks }, () => ({
        norm1: norm(),
        qkv: linear(d, 3 * d),
        // residual branches start small (GPT-2's scaling by depth)
        proj: linear(d, d, 1 / Math.sqrt(2 * params.blocks)),
        norm2: norm(),
        ff1: linear(d, ff, Math.SQRT2),
        ff2: linear(ff, d, 1 / Math.sqrt(2 * params.blocks)),
      }))
      const last = norm()
      // the read-out starts near zero, as the MLP's last layer does
      const head = linear(d, shape.actDim, 0.01)
      built = { embed, tokens, blocks, last, head }
    })
    if (!built) throw new Error('transformer: not built')
    this.embed = built.embed
    this.tokens = built.tokens
    this.blocks = built.blocks
    this.norm = built.last
    this.head = built.head
    this.variables = all
  }

  get stateSplit(): number {
    return this.variables.length
  }

  apply(x: Tensor2D): Tensor2D {
    const tf = this.tf
    const { obsDim, actDim, history, chunk } = this.shape
    const d = this.params.width
    const heads = this.params.heads
    const dh = d / heads
    const n = x.shape[0]
    const S = history + chunk
    const dense = (m: LinearVars, t: Tensor3D): Tensor3D => {
      const [rows, len, inDim] = t.shape
      const y = tf.add(matMul(tf, t.reshape([rows * len, inDim]), m.w), m.b)
      return y.reshape([rows, len, m.w.shape[1] as number])
    }
    const layerNorm = (m: NormVars, t: Tensor3D): Tensor3D => {
      const mean = tf.mean(t, -1, true)
      const centred = tf.sub(t, mean)
      const variance = tf.mean(tf.square(centred), -1, true)
      return tf.add(tf.mul(tf.mul(centred, tf.rsqrt(tf.add(variance, LAYER_NORM_EPS))), m.g), m.b) as Tensor3D
    }
    const splitHeads = (t: Tensor): Tensor => t.reshape([n, S, heads, dh]).transpose([0, 2, 1, 3])

    const observed = dense(this.embed, x.reshape([n, history, obsDim]) as Tensor3D)
    const queries = tf.zeros([n, chunk, d]) as Tensor3D
    let h = tf.add(tf.concat([observed, queries], 1), this.tokens) as Tensor3D
    for (const block of this.blocks) {
      const qkv = dense(block.qkv, layerNorm(block.norm1, h))
      const [q, k, v] = tf.split(qkv, 3, 2).map(splitHeads)
      const weights = tf.softmax(tf.mul(matMulTransposed(tf, q, k), 1 / Math.sqrt(dh)))
      const attended = matMul(tf, weights, v).transpose([0, 2, 1, 3]).reshape([n, S, d]) as Tensor3D
      h = tf.add(h, dense(block.proj, attended)) as Tensor3D
      const mid = tf.relu(dense(block.ff1, layerNorm(block.norm2, h))) as Tensor3D
      h = tf.add(h, dense(block.ff2, mid)) as Tensor3D
    }
    const read = tf.slice(layerNorm(this.norm, h), [0, history, 0], [n, chunk, d]) as Tensor3D
    return dense(this.head, read).reshape([n, chunk * actDim])
  }

  exportWeights(): TrunkWeights {
    const lin = (m: LinearVars): Linear => ({ w: transposed(m.w), b: plain(m.b) })
    const nrm = (m: NormVars): Norm => ({ g: plain(m.g), b: plain(m.b) })
    const transformer: TransformerWeights = {
      width: this.params.width,
      heads: this.params.heads,
      embed: lin(this.embed),
      tokens: plain(this.tokens),
      blocks: this.blocks.map((b): TransformerBlock => ({
        norm1: nrm(b.norm1),
        qkv: lin(b.qkv),
        proj: lin(b.proj),
        norm2: nrm(b.norm2),
        ff1: lin(b.ff1),
        ff2: lin(b.ff2),
      })),
      norm: nrm(this.norm),
      head: lin(this.head),
    }
    return { layers: [], transformer }
  }

  loadWeights(w: TrunkWeights): void {
    const tf = this.tf
    const t = w.transformer
    if (!t) throw new RangeError('weights have an MLP backbone; this network is a transformer')
    if (t.width !== this.params.width || t.heads !== this.params.heads || t.blocks.length !== this.blocks.length)
      throw new RangeError('weights have another transformer shape')
    const put = (v: Variable, data: number[], what: string): void => {
      if (data.length !== v.size) throw new RangeError(`transformer ${what} has the wrong size`)
      v.assign(tf.tensor(data, v.shape))
    }
    const lin = (m: LinearVars, p: Linear, what: string): void => assignLinear(tf, m.w, m.b, p, `transformer ${what}`)
    const nrm = (m: NormVars, p: Norm, what: string): void => {
      put(m.g, p.g, what)
      put(m.b, p.b, what)
    }
    tf.tidy(() => {
      lin(this.embed, t.embed, 'embed')
      put(this.tokens, t.tokens, 'tokens')
      this.blocks.forEach((b, i) => {
        const p = t.blocks[i]
        nrm(b.norm1, p.norm1, `block ${i} norm1`)
        lin(b.qkv, p.qkv, `block ${i} qkv`)
        lin(b.proj, p.proj, `block ${i} proj`)
        nrm(b.norm2, p.norm2, `block ${i} norm2`)
        lin(b.ff1, p.ff1, `block ${i} ff1`)
        lin(b.ff2, p.ff2, `block ${i} ff2`)
      })
      nrm(this.norm, t.norm, 'norm')
      lin(this.head, t.head, 'head')
    })
  }
}

function normal(rng: Rng, n: number, scale: number): Float32Array {
  return Float32Array.from({ length: n }, () => scale * rng.normal())
}

const plain = (v: Variable): number[] => Array.from(v.dataSync(), Number)
