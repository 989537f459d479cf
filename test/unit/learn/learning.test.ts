// Learning works, and these tests would notice if it stopped: on cart-pole and the two-link arm, BC and STAGGER
// with the scripted expert as oracle go from the untrained policy to a stated share of the way to the expert
// within a stated number of labels; and STAGGER's queried steps are uniform over the steps of its rollouts
// (a chi-squared test). Small budgets, few evaluation episodes, fixed seeds: deterministic and quick.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { expertFor } from '../../../src/main/experts/registry'
import type { RoundContext } from '../../../src/main/learn/algorithm'
import { expertReturn, localEvaluator } from '../../../src/main/learn/evaluation'
import { ExpertOracle } from '../../../src/main/learn/oracle'
import { MemorySessionLog, type LabelRecord } from '../../../src/main/learn/session-log'
import { runSession } from '../../../src/main/learn/session-runner'
import { Stagger } from '../../../src/main/learn/algorithms/stagger'
import type { Env } from '../../../src/main/sim/env'
import { policyFromSpec } from '../../../src/main/sim/policy-spec'
import { makeEnv } from '../../../src/main/sim/registry'
import { createRng } from '../../../src/main/sim/rng'
import { sessionConfig, type Algo } from '../../../src/shared/session-config'
import { mean } from '../../../src/shared/stats'

/**
 * The stated targets: the share of the way from the untrained learner's return to the expert's reached by the
 * end of the budget (every label costs 1 here). Cart-pole: the untrained pole falls within ~50 steps of 1000.
 */
const TARGETS = [
  { task: 'cartpole', budget: 60, share: 0.9 },
  { task: 'reacher-arm', budget: 100, share: 0.8 },
] as const

async function learn(task: string, algo: Algo, budget: number) {
  const expert = expertFor(task)
  const config = sessionConfig({ taskId: task, algo, budget, seed: 0, evalEvery: budget, evalEpisodes: 3 })
  const log = new MemorySessionLog(config)
  const r = await runSession({ log, oracle: new ExpertOracle(expert), expert, makeEnv })
  const evaluator = localEvaluator(await makeEnv(task))
  const ex = await expertReturn(expert, [config], evaluator).finally(() => evaluator.close())
  const curve = log.evaluations().map((e) => ({ labels: e.labels, ret: mean(e.returns) }))
  return { r, curve, expert: ex.mean }
}

describe.each(TARGETS)('learning on $task', ({ task, budget, share }) => {
  it.each(['bc', 'stagger'] as const)(
    `%s reaches ${share * 100}% of the way to the expert within ${budget} labels`,
    async (algo) => {
      const { r, curve, expert } = await learn(task, algo, budget)
      expect(r.status).toBe('finished')
      expect(r.labels).toBe(budget)
      expect(curve.map((c) => c.labels)).toEqual([0, budget])
      const [untrained, trained] = [curve[0].ret, curve[1].ret]
      const gap = expert - untrained
      // a wide margin to begin with: the untrained policy is far from the expert ...
      expect(gap).toBeGreaterThan(0.5 * Math.abs(expert))
      // ... and the learner closes the stated share of it
      expect(trained - untrained).toBeGreaterThanOrEqual(share * gap)
    },
  )
})

describe("STAGGER's queried step", () => {
  let env: Env
  beforeAll(async () => {
    env = await makeEnv('cartpole')
  })
  afterAll(() => env.close())

  it('is uniform over the steps of the rollout (chi-squared, 5 bins, p = 0.001)', async () => {
    // The learner is the expert, so every rollout reaches the horizon: t ~ U{1..H-1} with no redraws.
    const expert = policyFromSpec(expertFor('cartpole'))
    const steps: number[] = []
    let seed = 1
    const ctx: RoundContext = {
      env,
      task: env.task,
      learner: expert,
      expert,
      rng: createRng(9),
      nextSeed: () => seed++,
      remaining: 1e9,
      costRatio: 1,
      offlineCost: 0,
      interactiveCost: 0,
      async query(observation, step): Promise<LabelRecord> {
        steps.push(step)
        return {
          source: 'query',
          cost: 1,
          observation,
          state: null,
          action: new Float64Array(1),
          humanSeconds: null,
          episodeId: null,
          stepIndex: step,
        }
      },
    }
    const algo = new Stagger()
    const N = 500
    for (let i = 0; i < N; i++) await algo.round(ctx)
    expect(steps).toHaveLength(N)
    const H = env.task.horizon
    const bins = 5
    const observed = new Array<number>(bins).fill(0)
    const width = H / bins
    for (const t of steps) observed[Math.min(bins - 1, Math.floor(t / width))]++
    // t in 1..H-1: the first bin holds one step fewer
    const expected = observed.map((_, b) => (N * (b === 0 ? width - 1 : width)) / (H - 1))
    const chi2 = observed.reduce((s, o, b) => s + (o - expected[b]) ** 2 / expected[b], 0)
    expect(chi2).toBeLessThan(18.47) // the 0.999 quantile of chi-squared with 4 degrees of freedom
    // and not trivially: every bin is visited
    expect(Math.min(...observed)).toBeGreaterThan(0)
  })
})
