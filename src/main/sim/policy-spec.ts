// Policies as plain data, so a worker thread can receive one in a message and rebuild it: a linear ARS expert,
// an MLP exported from the learner (tanh hidden layers, linear Gaussian-mean output), or a scripted expert.
import { scriptedPolicy } from './scripted'
import type { Policy } from './env'
import type { Rng } from './rng'
import { chunkPolicy, type ChunkWeights } from './policies/chunk'
import { denseForward } from './policies/dense'
import { diffusionPolicy, type DiffusionWeights } from './policies/diffusion'
import { gmmPolicy, type GmmWeights } from './policies/gmm'

export type { ChunkWeights } from './policies/chunk'
export type { DiffusionWeights } from './policies/diffusion'
export type { GmmWeights } from './policies/gmm'

/** ARS V2: a = M (x - mu) / sigma, clipped to the bounds. M is actDim x obsDim, row-major. */
export interface LinearSpec {
  kind: 'linear'
  obsDim: number
  actDim: number
  M: number[]
  mu: number[]
  sigma: number[]
  /** action bounds, [-1, 1] when absent */
  low?: number[]
  high?: number[]
}

export interface MlpWeights {
  obsDim: number
  actDim: number
  hidden: number[]
  /** layer i maps in -> out: w is outDim x inDim, row-major */
  layers: { w: number[]; b: number[] }[]
  /** per-action log standard deviation of the Gaussian */
  logStd: number[]
}

export interface MlpSpec {
  kind: 'mlp'
  weights: MlpWeights
  low?: number[]
  high?: number[]
}

export interface ScriptedSpec {
  kind: 'scripted'
  taskId: string
}

/** The weights of a learned class other than the Gaussian MLP (src/main/sim/policies): `cls` names the class. */
export type ClassWeights = GmmWeights | ChunkWeights | DiffusionWeights
/** What a learner's trainer exports: the Gaussian MLP's weights, or another class's. */
export type LearnerWeights = MlpWeights | ClassWeights

/** A learned class other than the MLP; its kind is its class id. */
export interface ClassSpec {
  kind: ClassWeights['cls']
  weights: ClassWeights
  low: number[]
  high: number[]
}

export type PolicySpec = LinearSpec | MlpSpec | ScriptedSpec | ClassSpec

/** A Policy with the optional stochastic form used for exploration (Gaussian around act(), then clipped). */
export interface SpecPolicy extends Policy {
  readonly actDim: number
  sample?(observation: Float64Array, rng: Rng): Float64Array
  /**
   * Policies with memory (a history of observations, chunks in flight) have reset(): each act() or sample() is
   * then the next step of the episode since the last reset. Without it every call stands alone.
   */
  reset?(): void
}

function clipInto(a: Float64Array, low: number[] | undefined, high: number[] | undefined): Float64Array {
  for (let i = 0; i < a.length; i++) {
    const lo = low ? low[i] : -1
    const hi = high ? high[i] : 1
    if (a[i] < lo) a[i] = lo
    else if (a[i] > hi) a[i] = hi
  }
  return a
}

/** The linear map without clipping (ARS evaluates and perturbs it). */
export function linearForward(
  spec: LinearSpec,
  obs: ArrayLike<number>,
  out = new Float64Array(spec.actDim),
): Float64Array {
  const { obsDim, actDim, M, mu, sigma } = spec
  for (let i = 0; i < actDim; i++) {
    let s = 0
    const row = i * obsDim
    for (let j = 0; j < obsDim; j++) s += M[row + j] * ((obs[j] - mu[j]) / sigma[j])
    out[i] = s
  }
  return out
}

/** Exact Float64 forward pass: tanh hidden layers, linear output (the Gaussian mean). */
export function mlpForward(weights: MlpWeights, obs: ArrayLike<number>): Float64Array {
  if (obs.length !== weights.obsDim) throw new RangeError(`mlp: ${obs.length} observations, expected ${weights.obsDim}`)
  return denseForward(weights, obs, 'tanh')
}

function checkLinear(spec: LinearSpec): void {
  const { obsDim, actDim } = spec
  if (spec.M.length !== obsDim * actDim)
    throw new RangeError(`linear policy: M has ${spec.M.length} entries, expected ${actDim} x ${obsDim}`)
  if (spec.mu.length !== obsDim || spec.sigma.length !== obsDim)
    throw new RangeError('linear policy: mu and sigma must have obsDim entries')
}

/** Rebuild a Policy from its plain-data spec. */
export function policyFromSpec(spec: PolicySpec): SpecPolicy {
  switch (spec.kind) {
    case 'linear': {
      checkLinear(spec)
      // Guard against zero variance features (constant observations) as ARS does.
      const safe: LinearSpec = { ...spec, sigma: spec.sigma.map((s) => (s > 1e-8 ? s : 1)) }
      return {
        actDim: spec.actDim,
        act: (obs) => clipInto(linearForward(safe, obs), spec.low, spec.high),
      }
    }
    case 'mlp': {
      const w = spec.weights
      const std = w.logStd.map(Math.exp)
      return {
        actDim: w.actDim,
        act: (obs) => clipInto(mlpForward(w, obs), spec.low, spec.high),
        sample(obs, rng) {
          const a = mlpForward(w, obs)
          for (let i = 0; i < a.length; i++) a[i] += std[i] * rng.normal()
          return clipInto(a, spec.low, spec.high)
        },
      }
    }
    case 'scripted':
      return scriptedPolicy(spec.taskId)
    case 'gmm':
      return gmmPolicy(spec.weights as GmmWeights, spec.low, spec.high)
    case 'chunk':
      return chunkPolicy(spec.weights as ChunkWeights, spec.low, spec.high)
    case 'diffusion':
      return diffusionPolicy(spec.weights as DiffusionWeights, spec.low, spec.high)
    default:
      throw new Error(`unknown policy kind '${(spec as { kind: string }).kind}'`)
  }
}

/** Gaussian exploration around any policy: sample() when it has one, else act() + sigma * N(0, 1), clipped. */
export function samplePolicy(
  policy: SpecPolicy,
  obs: Float64Array,
  rng: Rng,
  sigma = 0.1,
  low?: number[],
  high?: number[],
): Float64Array {
  if (policy.sample) return policy.sample(obs, rng)
  const a = policy.act(obs)
  for (let i = 0; i < a.length; i++) a[i] += sigma * rng.normal()
  return clipInto(a, low, high)
}
