// The diffusion class at rollout time (learn/policies/diffusion trains it; Chi et al. 2023 on low-dimensional
// observations): a chunk of actions denoised by DDIM (eta 0, at most 16 steps) from Gaussian noise drawn from the
// session's generator, conditioned on a history of observations; the first `execute` actions run, then it
// denoises again (receding horizon). The noise schedule and timestep embedding live here so that training and
// rollouts share them.
import { createRng, type Rng } from '../rng'
import type { SpecPolicy } from '../policy-spec'
import { ObsHistory, denseForward, toBounds, type DenseLayers, type ObsStandardisation } from './dense'

export interface DiffusionWeights extends DenseLayers, ObsStandardisation {
  cls: 'diffusion'
  obsDim: number
  actDim: number
  history: number
  horizon: number
  execute: number
  diffusionSteps: number
  inferenceSteps: number
}

/** Width of the sinusoidal timestep embedding fed to the denoiser. */
export const TIME_EMBEDDING = 32

/** ā_t for t = 0..T-1: the squared-cosine schedule (Nichol and Dhariwal 2021, as Diffusion Policy), betas capped at 0.999. */
export function alphasCumprod(T: number): Float64Array {
  const f = (t: number): number => Math.cos(((t / T + 0.008) / 1.008) * (Math.PI / 2)) ** 2
  const out = new Float64Array(T)
  let prod = 1
  for (let t = 0; t < T; t++) {
    const beta = Math.min(1 - f(t + 1) / f(t), 0.999)
    prod *= 1 - beta
    out[t] = prod
  }
  return out
}

/** Sinusoidal embedding of a noise level t (as in transformers' positions), TIME_EMBEDDING wide. */
export function timeEmbedding(t: number, out = new Float64Array(TIME_EMBEDDING), at = 0): Float64Array {
  const half = TIME_EMBEDDING / 2
  for (let i = 0; i < half; i++) {
    const f = Math.exp((-Math.log(10000) * i) / (half - 1))
    out[at + i] = Math.sin(t * f)
    out[at + half + i] = Math.cos(t * f)
  }
  return out
}

/** The DDIM noise levels visited, from the noisiest down: S of T, evenly spaced. */
export function ddimSteps(T: number, S: number): number[] {
  const steps: number[] = []
  for (let i = S - 1; i >= 0; i--) steps.push(Math.floor((i * T) / S))
  return steps
}

/** One chunk (horizon x actDim, in [-1, 1] units) denoised from noise drawn from rng, given the standardised history. */
export function denoise(
  w: DiffusionWeights,
  cond: Float64Array,
  rng: Rng,
  abar = alphasCumprod(w.diffusionSteps),
): Float64Array {
  const n = w.horizon * w.actDim
  const input = new Float64Array(n + cond.length + TIME_EMBEDDING)
  input.set(cond, n)
  let x = new Float64Array(n)
  for (let i = 0; i < n; i++) x[i] = rng.normal()
  const steps = ddimSteps(w.diffusionSteps, w.inferenceSteps)
  let x0 = new Float64Array(n)
  steps.forEach((t, k) => {
    input.set(x, 0)
    timeEmbedding(t, input, n + cond.length)
    const eps = denseForward(w, input)
    const a = abar[t]
    const prev = k + 1 < steps.length ? abar[steps[k + 1]] : 1
    x0 = new Float64Array(n)
    for (let i = 0; i < n; i++) {
      const v = (x[i] - Math.sqrt(1 - a) * eps[i]) / Math.sqrt(a)
      x0[i] = v < -1 ? -1 : v > 1 ? 1 : v
    }
    // eps consistent with the clipped x0, so the next level stays on the same trajectory
    const next = new Float64Array(n)
    for (let i = 0; i < n; i++) {
      const e = (x[i] - Math.sqrt(a) * x0[i]) / Math.sqrt(1 - a)
      next[i] = Math.sqrt(prev) * x0[i] + Math.sqrt(1 - prev) * e
    }
    x = next
  })
  return x0
}

export function diffusionPolicy(w: DiffusionWeights, low: number[], high: number[]): SpecPolicy {
  const history = new ObsHistory(w.history, w.obsDim)
  const abar = alphasCumprod(w.diffusionSteps)
  let plan: Float64Array | null = null
  let used = 0
  // act() without a generator of its own denoises from a fixed one, restarted each episode: deterministic
  let own = createRng(0)
  const next = (obs: Float64Array, rng: Rng): Float64Array => {
    history.push(obs)
    if (!plan || used >= w.execute) {
      plan = denoise(w, history.standardised(w), rng, abar)
      used = 0
    }
    return toBounds(plan.subarray(used * w.actDim, ++used * w.actDim), low, high)
  }
  return {
    actDim: w.actDim,
    reset() {
      history.reset()
      plan = null
      used = 0
      own = createRng(0)
    },
    act: (obs) => next(obs, own),
    sample: (obs, rng) => next(obs, rng),
  }
}
