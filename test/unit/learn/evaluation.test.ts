// One seed scheme and one episode routine: training and evaluation resets never meet, and evaluating on a
// rollout pool gives exactly what evaluating in the session's own thread gives.
import { describe, expect, it } from 'vitest'
import { expertFor } from '../../../src/main/experts/registry'
import {
  evaluationEpisode,
  evaluationEpisodes,
  evaluationSeeds,
  expertReturn,
  localEvaluator,
  poolEvaluator,
  trainingSeed,
} from '../../../src/main/learn/evaluation'
import { makeEnv } from '../../../src/main/sim/registry'
import { createRng } from '../../../src/main/sim/rng'
import { RolloutPool } from '../../../src/main/sim/rollout-pool'
import { SESSION_LIMITS, sessionConfig } from '../../../src/shared/session-config'
import { MemorySessionLog } from '../../../src/main/learn/session-log'
import { runSession } from '../../../src/main/learn/session-runner'
import { ExpertOracle } from '../../../src/main/learn/oracle'
import type { LinearSpec } from '../../../src/main/sim/policy-spec'

describe('evaluation seeds', () => {
  it('keeps training resets in [0, 2^31) and evaluation resets in [2^31, 2^32) for any session seed', () => {
    const rng = createRng(9)
    const seeds = [
      0,
      1,
      2,
      SESSION_LIMITS.seed,
      ...Array.from({ length: 200 }, () => Math.floor(rng.next() * SESSION_LIMITS.seed)),
    ]
    for (const s of seeds) {
      for (const k of [0, 1, 999, 123_456]) {
        const t = trainingSeed(s, k)
        expect(Number.isInteger(t) && t >= 0 && t < 2 ** 31).toBe(true)
      }
      for (const e of evaluationSeeds({ seed: s, evalEpisodes: 5 }))
        expect(Number.isInteger(e) && e >= 2 ** 31 && e < 2 ** 32).toBe(true)
    }
    // Fixed resets at every evaluation of a session; fresh action sampling each time; other seeds elsewhere.
    const a = evaluationEpisodes({ seed: 4, evalEpisodes: 3 }, 0)
    const b = evaluationEpisodes({ seed: 4, evalEpisodes: 3 }, 50)
    expect(b.map((e) => e.seed)).toEqual(a.map((e) => e.seed))
    expect(b.map((e) => e.sampleSeed)).not.toEqual(a.map((e) => e.sampleSeed))
    expect(evaluationSeeds({ seed: 5, evalEpisodes: 3 })).not.toEqual(a.map((e) => e.seed))
  })

  it('gives the same returns on a rollout pool as in this thread', async () => {
    const spec = expertFor('hopper')
    const episodes = evaluationEpisodes({ seed: 2, evalEpisodes: 4 }, 10)
    const local = localEvaluator(await makeEnv('hopper'))
    const pool = poolEvaluator(await RolloutPool.create('hopper', { workers: 2 }))
    try {
      const [x, y] = [await local.evaluate(spec, episodes), await pool.evaluate(spec, episodes)]
      expect(x.returns).toHaveLength(4)
      expect(y.returns).toEqual(x.returns)
      expect(y.steps).toBe(x.steps)
      // Hopper has no success condition: no rate, rather than a rate of 0
      expect(x.successRate).toBeNull()
      expect(y.successRate).toBeNull()
      // nor a coverage
      expect(x.coverage).toBeNull()
      expect(y.coverage).toBeNull()
      // The expert's return over the union of several sessions' evaluation seeds, each once.
      const r = await expertReturn(
        spec,
        [
          { seed: 2, evalEpisodes: 4 },
          { seed: 2, evalEpisodes: 4 },
          { seed: 3, evalEpisodes: 2 },
        ],
        local,
      )
      expect(r.returns).toHaveLength(6)
      expect(r.returns.slice(0, 4)).toEqual(x.returns)
    } finally {
      await local.close()
      await pool.close()
    }
  })

  it("reports the mean of the episodes' final coverage (push-t), the same on a pool as in this thread", async () => {
    const episodes = evaluationEpisodes({ seed: 7, evalEpisodes: 2 }, 0)
    const local = localEvaluator(await makeEnv('push-t'))
    const pool = poolEvaluator(await RolloutPool.create('push-t', { workers: 2 }))
    const still: LinearSpec = {
      kind: 'linear',
      obsDim: 11,
      actDim: 2,
      M: new Array(22).fill(0),
      mu: new Array(11).fill(0),
      sigma: new Array(11).fill(1),
    }
    try {
      const expert = expertFor('push-t')
      const [x, y] = [await local.evaluate(expert, episodes), await pool.evaluate(expert, episodes)]
      expect(y.returns).toEqual(x.returns)
      expect(y.coverage).toBe(x.coverage)
      // each episode's coverage at its last step, averaged: the expert ends on success, which admits about 0.75
      const env = await makeEnv('push-t')
      const finals = episodes.map((e) => evaluationEpisode(env, expert, e).coverage!)
      env.close()
      expect(x.coverage).toBe((finals[0] + finals[1]) / 2)
      expect(x.coverage!).toBeGreaterThan(0.7)
      expect(x.successRate).toBe(1)
      // a pusher that never moves leaves the block where it started, at least 5 cm from the goal
      const [s, t] = [await local.evaluate(still, episodes), await pool.evaluate(still, episodes)]
      expect(t.coverage).toBe(s.coverage)
      expect(s.coverage!).toBeGreaterThanOrEqual(0)
      expect(s.coverage!).toBeLessThan(x.coverage!)
      expect(s.successRate).toBe(0)
    } finally {
      await local.close()
      await pool.close()
    }
  })

  it('reports the share of episodes whose last step says success, the same on a pool as in this thread', async () => {
    const episodes = evaluationEpisodes({ seed: 4, evalEpisodes: 3 }, 0)
    const local = localEvaluator(await makeEnv('point-maze'))
    const pool = poolEvaluator(await RolloutPool.create('point-maze', { workers: 2 }))
    const still: LinearSpec = {
      kind: 'linear',
      obsDim: 6,
      actDim: 2,
      M: new Array(12).fill(0),
      mu: new Array(6).fill(0),
      sigma: new Array(6).fill(1),
    }
    try {
      const expert = expertFor('point-maze')
      const [x, y] = [await local.evaluate(expert, episodes), await pool.evaluate(expert, episodes)]
      expect(x.successRate).toBe(1)
      expect(y.successRate).toBe(x.successRate)
      // a ball that is never pushed never reaches a goal at least four cells away
      expect((await local.evaluate(still, episodes.slice(0, 1))).successRate).toBe(0)
    } finally {
      await local.close()
      await pool.close()
    }
  })
})

describe('a session runner', () => {
  it("stores each evaluation's coverage on push-t, beside its success rate, and none on a task without it", async () => {
    for (const [taskId, has] of [
      ['push-t', true],
      ['reacher-arm', false],
    ] as const) {
      const expert = expertFor(taskId)
      const log = new MemorySessionLog(sessionConfig({ taskId, algo: 'bc', budget: 4, evalEvery: 2, evalEpisodes: 2 }))
      await runSession({ log, oracle: new ExpertOracle(expert), expert, makeEnv })
      const evals = log.evaluations()
      expect(evals.map((e) => e.labels)).toEqual([0, 2, 4])
      for (const e of evals) {
        if (has) {
          expect(e.coverage).toBeGreaterThanOrEqual(0)
          expect(e.coverage).toBeLessThanOrEqual(1)
        } else expect(e.coverage).toBeNull()
      }
    }
  })
})
