// Learning benchmark: a STAGGER session (default Hopper, 1000 labels, evaluations every 50 over 25 episodes)
// against the time to only simulate the same environment steps: the session's rollout steps in one thread and
// its evaluation steps on the same rollout pool, acting with the final learner (the forward pass is part of
// simulating a policy; training, the oracle and bookkeeping are what the ratio measures).
import { sessionConfig } from '../../shared/session-config'
import { expertFor } from '../experts/registry'
import { learnerSpec } from '../learn/algorithm'
import { expertReturn, poolEvaluator } from '../learn/evaluation'
import { ExpertOracle } from '../learn/oracle'
import { runSession } from '../learn/session-runner'
import { policyFromSpec, type MlpWeights } from '../sim/policy-spec'
import { makeEnv } from '../sim/registry'
import { createRng } from '../sim/rng'
import { RolloutPool } from '../sim/rollout-pool'
import { MemorySessionLog } from '../learn/session-log'

export interface LearnBenchResult {
  task: string
  algo: 'stagger'
  labels: number
  seconds: number
  simOnlySeconds: number
  overhead: number
  /** CPU seconds of this process (all threads): robust when other programs load the machine */
  cpuSeconds: number
  simOnlyCpuSeconds: number
  cpuOverhead: number
  backend: string
  rolloutSteps: number
  evalSteps: number
  finalReturn: number | null
  expertReturn: number | null
  overlap: boolean
}

export interface LearnBenchOptions {
  task?: string
  labels?: number
  seed?: number
  evalEvery?: number
  evalEpisodes?: number
  /** train the next policy while the next rollout runs (one label of policy lag) */
  overlap?: boolean
  log?: (line: string) => void
}

export async function runLearnBench(opts: LearnBenchOptions = {}): Promise<LearnBenchResult> {
  const log = opts.log ?? (() => {})
  const config = sessionConfig({
    taskId: opts.task ?? 'hopper',
    algo: 'stagger',
    budget: opts.labels ?? 1000,
    seed: opts.seed ?? 0,
    evalEvery: opts.evalEvery ?? 50,
    evalEpisodes: opts.evalEpisodes ?? 25,
  })
  const sessionLog = new MemorySessionLog(config)
  log(`STAGGER on ${config.taskId}, ${config.budget} labels ...`)
  const cpu = (): number => {
    const u = process.cpuUsage()
    return (u.user + u.system) / 1e6
  }
  const c0 = cpu()
  const t0 = performance.now()
  const expert = expertFor(config.taskId)
  const evaluator = poolEvaluator(await RolloutPool.create(config.taskId))
  const r = await runSession({
    log: sessionLog,
    oracle: new ExpertOracle(expert),
    expert,
    makeEnv,
    evaluator,
    overlapTraining: opts.overlap ?? false,
    onProgress: (p) => p.evaluation && log(`  ${p.labels} labels: return ${(p.lastReturn ?? 0).toFixed(0)}`),
  })
  const seconds = (performance.now() - t0) / 1000
  const cpuSeconds = cpu() - c0
  const expertRet = (await expertReturn(expert, [config], evaluator)).mean
  await evaluator.close()
  const weights = sessionLog.latestPolicy()!.weights as MlpWeights

  log(`sim only: ${r.rolloutSteps} rollout steps + ${r.evalSteps} evaluation steps ...`)
  const t1 = performance.now()
  const c1 = cpu()
  const env = await makeEnv(config.taskId)
  const spec = learnerSpec(weights, env.task)
  const policy = policyFromSpec(spec)
  const rng = createRng(1)
  let obs = env.reset(1)
  for (let n = 0, ep = 1; n < r.rolloutSteps; n++) {
    const s = env.step(policy.sample!(obs, rng))
    obs = s.terminated || s.truncated ? env.reset(++ep) : s.observation
  }
  env.close()
  const t1b = performance.now()
  const c1b = cpu()
  const pool = await RolloutPool.create(config.taskId)
  let evalDone = 0
  for (let batch = 0; evalDone < r.evalSteps; batch++) {
    const seeds = Array.from({ length: config.evalEpisodes }, (_, i) => 5_000_000 + batch * 1000 + i)
    const res = await pool.run(seeds.map((seed, i) => ({ spec, seed, sampleSeed: batch * 1000 + i })))
    evalDone += res.reduce((a, x) => a + x.length, 0)
  }
  const t2 = performance.now()
  const c2 = cpu()
  await pool.close()
  // The last batch overshoots the step count; scale the evaluation part to the exact count.
  const share = r.evalSteps / Math.max(1, evalDone)
  const simOnlySeconds = (t1b - t1) / 1000 + ((t2 - t1b) / 1000) * share
  const simOnlyCpuSeconds = c1b - c1 + (c2 - c1b) * share
  return {
    task: config.taskId,
    algo: 'stagger',
    labels: r.labels,
    seconds,
    simOnlySeconds,
    overhead: seconds / simOnlySeconds,
    cpuSeconds,
    simOnlyCpuSeconds,
    cpuOverhead: cpuSeconds / simOnlyCpuSeconds,
    backend: r.backend,
    rolloutSteps: r.rolloutSteps,
    evalSteps: r.evalSteps,
    finalReturn: r.finalReturn,
    expertReturn: expertRet,
    overlap: opts.overlap ?? false,
  }
}
