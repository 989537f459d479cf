// Evaluation of a session's policies: one seed scheme and one episode routine, whether the episodes run in the
// session's own thread or on a rollout pool, so the same settings give the same curve wherever they run.
//
// Seeds: every reset seed is a 32-bit unsigned integer. Training resets (rollouts, offline expert states) draw
// from [0, 2^31), evaluation resets from [2^31, 2^32): no training reset can reach an evaluation episode,
// whatever the session seed.
import type { SessionConfig } from '../../shared/session-config'
import { mean, sum } from '../../shared/stats'
import type { Env } from '../sim/env'
import { policyFromSpec, samplePolicy, type PolicySpec } from '../sim/policy-spec'
import { createRng } from '../sim/rng'
import { coverageMean, rollout, successShare } from '../sim/rollout'
import type { RolloutPool } from '../sim/rollout-pool'

/** One evaluation episode: its reset seed and the seed of the learner's action sampling. */
export interface EvalEpisode {
  seed: number
  sampleSeed: number
}

export interface EvalOutcome {
  /** one return per episode, in order */
  returns: number[]
  /** env steps taken */
  steps: number
  /** share of episodes whose last step reported success (StepOutcome.info.success); null for tasks without it */
  successRate: number | null
  /**
   * mean over episodes of the coverage at each episode's last step (StepOutcome.info.coverage: push-t's share of
   * the goal's area); null for tasks without it
   */
  coverage: number | null
}

export interface Evaluator {
  evaluate(spec: PolicySpec, episodes: readonly EvalEpisode[]): Promise<EvalOutcome>
  close(): Promise<void>
}

/** A 32-bit mix of a few integers (murmur3's finaliser over a running hash). */
function mix(...xs: number[]): number {
  let h = 0x811c9dc5
  for (const x of xs) {
    h = Math.imul(h ^ (x >>> 0), 0x01000193)
    h ^= Math.floor(x / 0x100000000) >>> 0
    h ^= h >>> 16
    h = Math.imul(h, 0x85ebca6b)
    h ^= h >>> 13
    h = Math.imul(h, 0xc2b2ae35)
    h ^= h >>> 16
  }
  return h >>> 0
}

const TRAIN = 1
const EVAL = 2
const SAMPLE = 3

/** The k-th training reset of a session with this seed: in [0, 2^31). */
export function trainingSeed(sessionSeed: number, k: number): number {
  return mix(TRAIN, sessionSeed, k) & 0x7fffffff
}

/** The reset seeds of a session's evaluation episodes: the same at every evaluation, in [2^31, 2^32). */
export function evaluationSeeds(config: Pick<SessionConfig, 'seed' | 'evalEpisodes'>): number[] {
  return Array.from({ length: config.evalEpisodes }, (_, i) => (0x80000000 | mix(EVAL, config.seed, i)) >>> 0)
}

/** The episodes of the evaluation after `labels` labels: fixed resets, fresh action sampling each time. */
export function evaluationEpisodes(
  config: Pick<SessionConfig, 'seed' | 'evalEpisodes'>,
  labels: number,
): EvalEpisode[] {
  return evaluationSeeds(config).map((seed, i) => ({ seed, sampleSeed: mix(SAMPLE, config.seed, labels, i) }))
}

/** The one episode routine (also the rollout workers'): sampled actions, clipped to the action bounds. */
export function evaluationEpisode(
  env: Env,
  spec: PolicySpec,
  episode: EvalEpisode,
): { ret: number; length: number; success?: boolean; coverage?: number } {
  const policy = policyFromSpec(spec)
  const { actionLow, actionHigh } = env.task
  const r = rollout(env, policy, {
    seed: episode.seed,
    rng: createRng(episode.sampleSeed),
    sample: (o, g) => samplePolicy(policy, o, g, 0, actionLow, actionHigh),
  })
  const out: { ret: number; length: number; success?: boolean; coverage?: number } = { ret: r.ret, length: r.length }
  if (r.success !== undefined) out.success = r.success
  if (r.coverage !== undefined) out.coverage = r.coverage
  return out
}

/**
 * An evaluation ended by its signal (a session paused or cancelled) between episodes: nothing of it is stored, and
 * a resumed session evaluates that point again from the start.
 */
export class EvaluationStopped extends Error {
  constructor() {
    super('the evaluation was stopped')
    this.name = 'EvaluationStopped'
  }
}

/** Let messages in (a worker's 'abort'), then stop when the signal says so. */
async function checkpointSignal(signal: AbortSignal | undefined): Promise<void> {
  if (!signal) return
  await new Promise<void>((resolve) => setImmediate(resolve))
  if (signal.aborted) throw new EvaluationStopped()
}

/**
 * Evaluate in the calling thread on an env of its own (the env is closed with the evaluator). With a signal it
 * yields to the event loop between episodes and stops there once the signal is aborted (EvaluationStopped), so a
 * cancel during a 1,000-episode evaluation waits for one episode, not all of them.
 */
export function localEvaluator(env: Env, signal?: AbortSignal): Evaluator {
  return {
    async evaluate(spec, episodes) {
      let steps = 0
      const flags: (boolean | undefined)[] = []
      const coverages: (number | undefined)[] = []
      const returns: number[] = []
      for (const e of episodes) {
        await checkpointSignal(signal)
        const r = evaluationEpisode(env, spec, e)
        steps += r.length
        flags.push(r.success)
        coverages.push(r.coverage)
        returns.push(r.ret)
      }
      return { returns, steps, successRate: successShare(flags), coverage: coverageMean(coverages) }
    },
    async close() {
      env.close()
    },
  }
}

/**
 * Evaluate on a rollout pool's workers (same routine, same results as localEvaluator). With a signal the pool
 * hands out small chunks and stops handing them out once it is aborted (EvaluationStopped).
 */
export function poolEvaluator(pool: RolloutPool, ownsPool = true, signal?: AbortSignal): Evaluator {
  return {
    async evaluate(spec, episodes) {
      const res = await pool.run(
        episodes.map((e) => ({ spec, seed: e.seed, sampleSeed: e.sampleSeed, sampleSigma: 0 })),
        signal && { signal, stopped: () => new EvaluationStopped() },
      )
      return {
        returns: res.map((r) => r.ret),
        steps: sum(res.map((r) => r.length)),
        successRate: successShare(res.map((r) => r.success)),
        coverage: coverageMean(res.map((r) => r.coverage)),
      }
    },
    async close() {
      if (ownsPool) await pool.close()
    },
  }
}

/**
 * The expert's return on the evaluation seeds of the given sessions (each seed once), so a comparison
 * measures the expert on exactly the episodes its learners were measured on.
 */
export async function expertReturn(
  expert: PolicySpec,
  configs: readonly Pick<SessionConfig, 'seed' | 'evalEpisodes'>[],
  evaluator: Evaluator,
): Promise<{ mean: number; returns: number[]; successRate: number | null; coverage: number | null }> {
  const seeds = [...new Set(configs.flatMap((c) => evaluationSeeds(c)))]
  const { returns, successRate, coverage } = await evaluator.evaluate(
    expert,
    seeds.map((seed) => ({ seed, sampleSeed: 0 })),
  )
  return { mean: mean(returns), returns, successRate, coverage }
}
