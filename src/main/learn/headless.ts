// A session with the shipped expert as oracle, without the page: what `iwb run`, `iwb compare` and the
// learning benchmark share. Evaluations run on a rollout pool (both cores) unless told to stay in this thread.
import type { Algo } from '../../shared/contract'
import { expertFor } from '../experts/registry'
import { makeEnv, taskInfo } from '../sim/registry'
import type { PolicySpec } from '../sim/policy-spec'
import { RolloutPool } from '../sim/rollout-pool'
import { ExpertOracle } from './oracle'
import { MemorySessionLog, type SessionConfig, type SessionLog } from './session-log'
import { evalSeeds, localEvaluator, runSession, type Evaluator, type RunSessionOptions, type SessionProgress, type SessionResult } from './session-runner'

/** "warm-stagger:0.25" -> algo and fraction (default 0.5 for warm-stagger, null otherwise). */
export function parseAlgo(text: string): { algo: Algo; warmFraction: number | null; label: string } {
  const [name, frac] = text.split(':')
  const algos: Algo[] = ['bc', 'dagger', 'stagger', 'warm-stagger']
  if (!algos.includes(name as Algo)) throw new RangeError(`unknown algorithm '${name}' (bc, dagger, stagger, warm-stagger[:fraction])`)
  if (name !== 'warm-stagger') {
    if (frac !== undefined) throw new RangeError(`only warm-stagger takes a fraction, got '${text}'`)
    return { algo: name as Algo, warmFraction: null, label: name }
  }
  const f = frac === undefined ? 0.5 : Number(frac)
  if (!(f >= 0 && f <= 1)) throw new RangeError(`warm-stagger fraction must be in [0, 1], got '${frac}'`)
  return { algo: 'warm-stagger', warmFraction: f, label: `warm-stagger:${f}` }
}

export function defaultConfig(over: Partial<SessionConfig> & { taskId: string; algo: Algo }): SessionConfig {
  return {
    warmFraction: over.algo === 'warm-stagger' ? 0.5 : null,
    oracle: 'expert',
    budget: 1000,
    seed: 0,
    costRatio: 1,
    schedule: 'incremental',
    loss: 'nll',
    evalEvery: 50,
    evalEpisodes: 25,
    ...over,
  }
}

/** Evaluation episodes on a rollout pool: sampled actions (the policy's own Gaussian), clipped to the bounds. */
export function poolEvaluator(pool: RolloutPool, ownsPool = false): Evaluator {
  return {
    async evaluate(spec, seeds, sampleSeed) {
      const res = await pool.run(seeds.map((seed, i) => ({ spec, seed, sampleSeed: sampleSeed * 1000 + i })))
      return { returns: res.map((r) => r.ret), steps: res.reduce((a, r) => a + r.length, 0) }
    },
    async close() {
      if (ownsPool) await pool.close()
    },
  }
}

/** The expert's mean return over the session's evaluation seeds (deterministic expert). */
export async function expertReturn(config: SessionConfig, evaluator?: Evaluator): Promise<number> {
  const spec = expertFor(config.taskId)
  const ev = evaluator ?? localEvaluator(await makeEnv(config.taskId))
  try {
    const { returns } = await ev.evaluate(spec, evalSeeds(config), 0)
    return returns.reduce((a, b) => a + b, 0) / returns.length
  } finally {
    if (!evaluator) await ev.close()
  }
}

export interface HeadlessOptions {
  config: SessionConfig
  log?: SessionLog
  /** 'pool': evaluations on worker threads (default); 'local': all in this thread (sweeps run one per core) */
  evaluation?: 'pool' | 'local'
  trainerWhere?: 'worker' | 'local'
  onProgress?: (p: SessionProgress) => void
  signal?: AbortSignal
  /** also measure the expert on the evaluation seeds */
  withExpertReturn?: boolean
  extra?: Partial<RunSessionOptions>
}

export interface HeadlessResult extends SessionResult {
  expertReturn: number | null
  seconds: number
  sessionId: number
}

export async function runHeadless(o: HeadlessOptions): Promise<HeadlessResult> {
  const started = Date.now()
  taskInfo(o.config.taskId)
  const expert: PolicySpec = expertFor(o.config.taskId)
  const log = o.log ?? new MemorySessionLog(o.config)
  const evaluator =
    (o.evaluation ?? 'pool') === 'pool'
      ? poolEvaluator(await RolloutPool.create(o.config.taskId), true)
      : localEvaluator(await makeEnv(o.config.taskId))
  try {
    const result = await runSession({
      log,
      oracle: new ExpertOracle(expert),
      expert,
      makeEnv,
      evaluator,
      trainerWhere: o.trainerWhere,
      onProgress: o.onProgress,
      signal: o.signal,
      ...o.extra,
    })
    const expertRet = o.withExpertReturn ? await expertReturn(log.config, evaluator) : null
    return { ...result, expertReturn: expertRet, seconds: (Date.now() - started) / 1000, sessionId: log.sessionId }
  } finally {
    await evaluator.close()
  }
}
