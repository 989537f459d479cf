// LookaheadStagger: the next query's rollout runs while the current one is answered; each queried state is a
// real state of a learner rollout at its drawn step t, and the runner's env is put at that state.
import { afterEach, describe, expect, it } from 'vitest'
import type { Env } from '../../../src/main/sim/env'
import { makeEnv } from '../../../src/main/sim/registry'
import { createRng } from '../../../src/main/sim/rng'
import { StateHistory } from '../../../src/main/learn/human-oracle'
import { LookaheadStagger } from '../../../src/main/learn/algorithms/stagger/lookahead'
import type { RoundContext } from '../../../src/main/learn/algorithm'
import type { LabelRecord } from '../../../src/main/learn/session-log'
import { policyFromSpec, type SpecPolicy } from '../../../src/main/sim/policy-spec'
import { expertFor } from '../../../src/main/experts/registry'
import { RolloutPool } from '../../../src/main/sim/rollout-pool'
import { waitFor } from '../../wait-for'

const TASK = 'cartpole'
const envs: Env[] = []
afterEach(() => {
  for (const e of envs.splice(0)) e.close()
})

describe('LookaheadStagger', () => {
  it('queries states reached at the drawn step, prepared while the previous query waits', async () => {
    const [env, spare, check] = await Promise.all([makeEnv(TASK), makeEnv(TASK), makeEnv(TASK)])
    envs.push(env, spare, check)
    const learner: SpecPolicy = policyFromSpec(expertFor(TASK))
    const history = new StateHistory(100)
    const algo = new LookaheadStagger({ spare, latestLearner: async () => learner, history, sliceSteps: 16 })
    let seed = 100
    const seeds: number[] = []
    const asked: { obs: Float64Array; t: number; state: Float64Array; rolloutsAtAnswer: number }[] = []
    const ctx: RoundContext = {
      env,
      task: env.task,
      learner,
      expert: null,
      rng: createRng(7),
      nextSeed: () => {
        seeds.push(seed)
        return seed++
      },
      remaining: 3,
      costRatio: 1,
      offlineCost: 0,
      interactiveCost: 0,
      async query(observation, step) {
        const state = env.getState()
        // A slow person: answers only once the lookahead rollout for the next query is under way.
        const rolloutsAtQuery = algo.rollouts
        await waitFor(() => algo.rollouts > rolloutsAtQuery, { message: 'the lookahead rollout' })
        asked.push({ obs: observation, t: step, state, rolloutsAtAnswer: algo.rollouts })
        const label: LabelRecord = {
          source: 'query',
          cost: 1,
          observation,
          state: env.getState(),
          action: [0],
          humanSeconds: 0.15,
          episodeId: null,
          stepIndex: step,
        }
        return label
      },
    }
    for (let i = 0; i < 3; i++) {
      const round = await algo.round(ctx)
      expect(round?.labels).toHaveLength(1)
      ctx.remaining -= 1
    }
    expect(await algo.round(ctx)).toBeNull() // budget spent
    expect(asked).toHaveLength(3)
    // Each queried state is what the deterministic learner reaches from its seeded reset after t steps.
    for (const q of asked) {
      expect(q.t).toBeGreaterThanOrEqual(1)
      expect(q.t).toBeLessThan(env.task.horizon)
      const found = seeds.some((s) => {
        let obs = check.reset(s)
        for (let k = 0; k < q.t; k++) {
          const r = check.step(learner.act(obs))
          obs = r.observation
          if (r.terminated) return false
        }
        return Array.from(check.getState()).every((v, i) => Math.abs(v - q.state[i]) < 1e-9)
      })
      expect(found).toBe(true)
    }
    // The second query's rollout ran before the first answer came back.
    expect(asked[0].rolloutsAtAnswer).toBeGreaterThanOrEqual(2)
    // The rollout env's history holds the lead-up to the last queried state, ending at it.
    const h = history.states()
    expect(h.length).toBeGreaterThan(1)
    expect(Array.from(h[h.length - 1])).toEqual(Array.from(asked[2].state))
  })
})

describe('LookaheadStagger on a rollout pool', () => {
  it('draws in parallel on the pool, keeps two queries prepared ahead, and each is a state reached at its t', async () => {
    const [env, spare, check] = await Promise.all([makeEnv(TASK), makeEnv(TASK), makeEnv(TASK)])
    envs.push(env, spare, check)
    const pool = await RolloutPool.create(TASK, { workers: 2 })
    try {
      const spec = expertFor(TASK)
      const learner = Object.assign(policyFromSpec(spec), { spec })
      const algo = new LookaheadStagger({ spare, pool, ahead: 2, latestLearner: async () => learner })
      const seeds: number[] = []
      let seed = 500
      const asked: { t: number; state: Float64Array; obs: Float64Array }[] = []
      const ctx: RoundContext = {
        env,
        task: env.task,
        learner,
        expert: null,
        rng: createRng(11),
        nextSeed: () => {
          seeds.push(seed)
          return seed++
        },
        remaining: 3,
        costRatio: 1,
        offlineCost: 0,
        interactiveCost: 0,
        async query(observation, step) {
          // A slow person: the two queries after this one are ready before the answer comes.
          const ready = algo.prepared
          await waitFor(() => algo.prepared >= Math.min(ready + 2, 3), { message: 'two candidates ahead' })
          asked.push({ t: step, state: env.getState(), obs: Float64Array.from(observation) })
          return {
            source: 'query',
            observation,
            state: env.getState(),
            action: [0],
            humanSeconds: 0.1,
            episodeId: null,
            stepIndex: step,
          }
        },
      }
      for (let i = 0; i < 3; i++) {
        expect((await algo.round(ctx))?.labels).toHaveLength(1)
        ctx.remaining -= 1
      }
      expect(await algo.round(ctx)).toBeNull()
      expect(algo.prepared).toBeGreaterThanOrEqual(3)
      // each queried state (and its observation) is where the deterministic learner is after t steps of a drawn reset
      for (const q of asked) {
        const found = seeds.some((s) => {
          let obs = check.reset(s)
          for (let k = 0; k < q.t; k++) {
            const r = check.step(learner.act(obs))
            obs = r.observation
            if (r.terminated) return false
          }
          const same = (a: ArrayLike<number>, b: ArrayLike<number>): boolean =>
            Array.from(a).every((v, i) => Math.abs(v - b[i]) < 1e-9)
          return same(check.getState(), q.state) && same(obs, q.obs)
        })
        expect(found).toBe(true)
      }
    } finally {
      await pool.close()
    }
  })
})
