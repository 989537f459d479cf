// The chunk class's transformer backbone as named tensors of a policy file (policy-file.ts writes and reads them;
// docs/POLICIES.md names them for readers): every linear map as `<name>.weight` [out, in] and `<name>.bias`
// [out], LayerNorms as `<name>.weight` (gain) and `<name>.bias`, and the tokens' learned positions.
import type { Linear, Norm, TransformerWeights } from '../sim/policies/transformer'

export interface NamedTensor {
  shape: number[]
  data: ArrayLike<number>
}

/** The sizes config.json's head gives for a transformer backbone. */
export interface TransformerHead {
  width: number
  heads: number
  blocks: number
  feedforward: number
}

export function transformerHead(t: TransformerWeights): TransformerHead {
  return { width: t.width, heads: t.heads, blocks: t.blocks.length, feedforward: t.blocks[0]?.ff1.b.length ?? 0 }
}

/** The tensors of a transformer with these sizes, named and shaped, in one fixed order. */
function layout(
  h: TransformerHead,
  obsDim: number,
  actDim: number,
  tokens: number,
): { name: string; shape: number[]; path: (string | number)[] }[] {
  const out: { name: string; shape: number[]; path: (string | number)[] }[] = []
  const linear = (name: string, path: (string | number)[], inDim: number, outDim: number): void => {
    out.push({ name: `${name}.weight`, shape: [outDim, inDim], path: [...path, 'w'] })
    out.push({ name: `${name}.bias`, shape: [outDim], path: [...path, 'b'] })
  }
  const norm = (name: string, path: (string | number)[]): void => {
    out.push({ name: `${name}.weight`, shape: [h.width], path: [...path, 'g'] })
    out.push({ name: `${name}.bias`, shape: [h.width], path: [...path, 'b'] })
  }
  const d = h.width
  linear('transformer.embed', ['embed'], obsDim, d)
  out.push({ name: 'transformer.tokens', shape: [tokens, d], path: ['tokens'] })
  for (let i = 0; i < h.blocks; i++) {
    const p = `transformer.blocks.${i}`
    norm(`${p}.norm1`, ['blocks', i, 'norm1'])
    linear(`${p}.qkv`, ['blocks', i, 'qkv'], d, 3 * d)
    linear(`${p}.proj`, ['blocks', i, 'proj'], d, d)
    norm(`${p}.norm2`, ['blocks', i, 'norm2'])
    linear(`${p}.ff1`, ['blocks', i, 'ff1'], d, h.feedforward)
    linear(`${p}.ff2`, ['blocks', i, 'ff2'], h.feedforward, d)
  }
  norm('transformer.norm', ['norm'])
  linear('transformer.head', ['head'], d, actDim)
  return out
}

const at = (root: unknown, path: (string | number)[]): unknown =>
  path.reduce<unknown>((v, k) => (v as Record<string | number, unknown> | undefined)?.[k], root)

/** The named tensors of a transformer backbone (`tokens` = history + chunk). */
export function transformerTensors(
  t: TransformerWeights,
  obsDim: number,
  actDim: number,
  tokens: number,
): Record<string, NamedTensor> {
  return Object.fromEntries(
    layout(transformerHead(t), obsDim, actDim, tokens).map(({ name, shape, path }) => [
      name,
      { shape, data: at(t, path) as number[] },
    ]),
  )
}

/** A transformer backbone from its named tensors; `take` removes one tensor of a shape or throws. */
export function transformerFromTensors(
  h: TransformerHead,
  obsDim: number,
  actDim: number,
  tokens: number,
  take: (name: string, shape: number[]) => number[],
): TransformerWeights {
  const linear = (): Linear => ({ w: [], b: [] })
  const norm = (): Norm => ({ g: [], b: [] })
  const t: TransformerWeights = {
    width: h.width,
    heads: h.heads,
    embed: linear(),
    tokens: [],
    blocks: Array.from({ length: h.blocks }, () => ({
      norm1: norm(),
      qkv: linear(),
      proj: linear(),
      norm2: norm(),
      ff1: linear(),
      ff2: linear(),
    })),
    norm: norm(),
    head: linear(),
  }
  for (const { name, shape, path } of layout(h, obsDim, actDim, tokens)) {
    const parent = at(t, path.slice(0, -1)) as Record<string | number, unknown>
    parent[path[path.length - 1]] = take(name, shape)
  }
  return t
}
