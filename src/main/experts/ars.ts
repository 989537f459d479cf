// Augmented Random Search, V2-t (Mania, Guy, Recht 2018): a linear policy a = M (x - mu) / sigma with running
// observation statistics; each iteration evaluates M +- nu delta for N Gaussian directions on the rollout pool
// (both cores), keeps the top b directions by max(r+, r-), scales the step by the std of the kept returns.
// Training rewards have the survival bonus removed; evaluation uses the true reward with frozen statistics.
import { meanStd, sum } from '../../shared/stats'
import type { LinearSpec } from '../sim/policy-spec'
import { taskInfo } from '../sim/registry'
import { createRng } from '../sim/rng'
import { RolloutPool, type EpisodeRequest } from '../sim/rollout-pool'

export interface ArsHyper {
  directions: number
  top: number
  stepSize: number
  noise: number
}

/**
 * Per-task hyperparameters from the paper (tasks.md), except Walker2d: the paper's N=40, b=30, nu=0.025 stalled
 * near 500 after 5.5M steps on our model, while N=24, b=12, nu=0.03 passed 2000 within about 1M steps.
 */
export const ARS_HYPER: Record<string, ArsHyper> = {
  hopper: { directions: 8, top: 4, stepSize: 0.01, noise: 0.025 },
  halfcheetah: { directions: 32, top: 4, stepSize: 0.02, noise: 0.03 },
  walker2d: { directions: 24, top: 12, stepSize: 0.03, noise: 0.03 },
  ant: { directions: 60, top: 20, stepSize: 0.015, noise: 0.025 },
}

export interface ArsProgress {
  iteration: number
  iterations: number
  steps: number
  /** mean training return (survival bonus removed) of this iteration's perturbations */
  trainReturn: number
  /** last evaluation (true reward, deterministic), when one ran this iteration */
  evalReturn?: number
  bestReturn: number
}

export interface ArsOptions {
  taskId: string
  iterations: number
  seed?: number
  hyper?: Partial<ArsHyper>
  workers?: number
  /** evaluate every k iterations on evalEpisodes seeded episodes */
  evalEvery?: number
  evalEpisodes?: number
  /** start from an existing policy (continue training) */
  init?: LinearSpec
  initStats?: RunningStatsState
  onProgress?: (p: ArsProgress) => void
  /** called with each new best policy (write a checkpoint) */
  onBest?: (best: ArsResult) => void | Promise<void>
  signal?: AbortSignal
}

export interface RunningStatsState {
  n: number
  mean: number[]
  m2: number[]
}

export interface ArsResult {
  taskId: string
  spec: LinearSpec
  stats: RunningStatsState
  /** evaluation return of this policy when it was chosen */
  evalReturn: number
  iteration: number
  steps: number
  hyper: ArsHyper
}

/** Welford-style running mean/variance merged from per-episode sums. */
export class RunningStats {
  n: number
  mean: Float64Array
  m2: Float64Array
  constructor(dim: number, init?: RunningStatsState) {
    this.n = init?.n ?? 0
    this.mean = init ? Float64Array.from(init.mean) : new Float64Array(dim)
    this.m2 = init ? Float64Array.from(init.m2) : new Float64Array(dim)
  }
  /** Merge a batch given by its count, sum and sum of squares (Chan et al.). */
  merge(n: number, sum: ArrayLike<number>, sumSq: ArrayLike<number>): void {
    if (n === 0) return
    const total = this.n + n
    for (let i = 0; i < this.mean.length; i++) {
      const bMean = sum[i] / n
      const bM2 = Math.max(0, sumSq[i] - n * bMean * bMean)
      const d = bMean - this.mean[i]
      this.mean[i] += (d * n) / total
      this.m2[i] += bM2 + (d * d * this.n * n) / total
    }
    this.n = total
  }
  std(): number[] {
    return Array.from(this.m2, (m) => (this.n > 1 ? Math.sqrt(m / this.n) : 1)).map((s) => (s > 1e-8 ? s : 1))
  }
  state(): RunningStatsState {
    return { n: this.n, mean: Array.from(this.mean), m2: Array.from(this.m2) }
  }
}

export async function trainArs(opts: ArsOptions): Promise<ArsResult> {
  const task = taskInfo(opts.taskId)
  const hyper: ArsHyper = { ...(ARS_HYPER[opts.taskId] ?? ARS_HYPER.hopper), ...opts.hyper }
  const { obsDim, actDim } = task
  const rng = createRng(opts.seed ?? 0)
  const stats = new RunningStats(obsDim, opts.initStats)
  const M = opts.init ? Float64Array.from(opts.init.M) : new Float64Array(actDim * obsDim)
  const evalEvery = opts.evalEvery ?? 10
  const evalEpisodes = opts.evalEpisodes ?? 5
  const pool = await RolloutPool.create(opts.taskId, { workers: opts.workers })
  const specOf = (m: ArrayLike<number>, mu: number[], sigma: number[]): LinearSpec => ({
    kind: 'linear',
    obsDim,
    actDim,
    M: Array.from(m),
    mu,
    sigma,
    low: task.actionLow,
    high: task.actionHigh,
  })
  let steps = 0
  let best: ArsResult | null = null
  let episodeSeed = (opts.seed ?? 0) * 1_000_003 + 1
  try {
    for (let it = 1; it <= opts.iterations; it++) {
      if (opts.signal?.aborted) break
      const mu = Array.from(stats.mean)
      const sigma = opts.initStats || stats.n > 1 ? stats.std() : new Array<number>(obsDim).fill(1)
      const deltas: Float64Array[] = []
      const requests: EpisodeRequest[] = []
      for (let k = 0; k < hyper.directions; k++) {
        const d = new Float64Array(M.length)
        for (let i = 0; i < d.length; i++) d[i] = rng.normal()
        deltas.push(d)
        const plus = new Float64Array(M.length)
        const minus = new Float64Array(M.length)
        for (let i = 0; i < d.length; i++) {
          plus[i] = M[i] + hyper.noise * d[i]
          minus[i] = M[i] - hyper.noise * d[i]
        }
        const seed = episodeSeed++
        requests.push({ spec: specOf(plus, mu, sigma), seed, subtractSurvival: true, obsStats: true })
        requests.push({ spec: specOf(minus, mu, sigma), seed, subtractSurvival: true, obsStats: true })
      }
      const results = await pool.run(requests)
      const rPlus: number[] = []
      const rMinus: number[] = []
      results.forEach((r, i) => {
        steps += r.length
        if (r.obsStats) stats.merge(r.obsStats.n, r.obsStats.sum, r.obsStats.sumSq)
        ;(i % 2 === 0 ? rPlus : rMinus).push(r.ret)
      })
      // Keep the top b directions by max(r+, r-).
      const order = deltas
        .map((_, k) => k)
        .sort((a, b) => Math.max(rPlus[b], rMinus[b]) - Math.max(rPlus[a], rMinus[a]))
      const kept = order.slice(0, Math.min(hyper.top, order.length))
      const keptReturns = kept.flatMap((k) => [rPlus[k], rMinus[k]])
      const sd = meanStd(keptReturns).std || 1
      const scale = hyper.stepSize / (kept.length * sd)
      for (const k of kept) {
        const w = (rPlus[k] - rMinus[k]) * scale
        const d = deltas[k]
        for (let i = 0; i < M.length; i++) M[i] += w * d[i]
      }
      const trainReturn = (sum(rPlus) + sum(rMinus)) / (2 * deltas.length)
      let evalReturn: number | undefined
      if (it % evalEvery === 0 || it === opts.iterations) {
        const spec = specOf(M, Array.from(stats.mean), stats.std())
        const seeds = Array.from({ length: evalEpisodes }, (_, i) => 900_000 + it * 100 + i)
        evalReturn = (await pool.evaluate(spec, seeds)).meanReturn
        if (!best || evalReturn > best.evalReturn) {
          best = { taskId: opts.taskId, spec, stats: stats.state(), evalReturn, iteration: it, steps, hyper }
          await opts.onBest?.(best)
        }
      }
      opts.onProgress?.({
        iteration: it,
        iterations: opts.iterations,
        steps,
        trainReturn,
        evalReturn,
        bestReturn: best?.evalReturn ?? -Infinity,
      })
    }
  } finally {
    await pool.close()
  }
  if (!best) {
    const spec = specOf(M, Array.from(stats.mean), stats.std())
    best = { taskId: opts.taskId, spec, stats: stats.state(), evalReturn: -Infinity, iteration: 0, steps, hyper }
  }
  return best
}
