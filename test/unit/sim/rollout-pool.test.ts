import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { policyFromSpec, type LinearSpec } from '../../../src/main/sim/policy-spec'
import { makeEnv } from '../../../src/main/sim/registry'
import { rollout } from '../../../src/main/sim/rollout'
import { RolloutPool, VectorEnv } from '../../../src/main/sim/rollout-pool'
import { createRng } from '../../../src/main/sim/rng'

// A fixed, mildly useful linear policy for Hopper (deterministic, not trained).
const rng = createRng(42)
const spec: LinearSpec = {
  kind: 'linear',
  obsDim: 11,
  actDim: 3,
  M: Array.from({ length: 33 }, () => 0.3 * rng.normal()),
  mu: new Array(11).fill(0),
  sigma: new Array(11).fill(1),
}

let pool: RolloutPool
beforeAll(async () => {
  pool = await RolloutPool.create('hopper', { workers: 2 })
})
afterAll(async () => {
  await pool.close()
})

describe('RolloutPool (real worker threads)', () => {
  it('runs episodes on two workers with the same results as in-process rollouts, in request order', async () => {
    const seeds = [1, 2, 3, 4, 5, 6, 7]
    const results = await pool.run(seeds.map((seed) => ({ spec, seed })))
    expect(results.map((r) => r.seed)).toEqual(seeds)
    const env = await makeEnv('hopper')
    try {
      const policy = policyFromSpec(spec)
      for (const r of results) {
        const local = rollout(env, policy, { seed: r.seed })
        expect(r.ret).toBe(local.ret)
        expect(r.length).toBe(local.length)
      }
    } finally {
      env.close()
    }
  })

  it('returns observations, states and observation statistics when asked, and subtracts the survival bonus', async () => {
    const [plain, rec] = await pool.run([
      { spec, seed: 9 },
      { spec, seed: 9, record: true, states: true, obsStats: true, subtractSurvival: true },
    ])
    expect(rec.length).toBe(plain.length)
    expect(rec.ret).toBeCloseTo(plain.ret - plain.length, 9)
    expect(rec.observations!.length).toBe(rec.length * 11)
    expect(rec.actions!.length).toBe(rec.length * 3)
    expect(rec.states!.length % (rec.length + 1)).toBe(0)
    expect(rec.obsStats!.n).toBe(rec.length)
    expect(rec.obsStats!.sum[0]).toBeCloseTo(
      Array.from({ length: rec.length }, (_, t) => rec.observations![t * 11]).reduce((a, b) => a + b, 0),
      9,
    )
  })

  it('samples reproducibly with a seeded RNG', async () => {
    const a = await pool.run([{ spec, seed: 3, sampleSeed: 5, sampleSigma: 0.3 }])
    const b = await pool.run([{ spec, seed: 3, sampleSeed: 5, sampleSigma: 0.3 }])
    const c = await pool.run([{ spec, seed: 3, sampleSeed: 6, sampleSigma: 0.3 }])
    expect(a[0].ret).toBe(b[0].ret)
    expect(a[0].ret).not.toBe(c[0].ret)
  })

  it('keeps a policy without its own std deterministic when only a sample seed is given', async () => {
    const [plain] = await pool.run([{ spec, seed: 4 }])
    const [seeded] = await pool.run([{ spec, seed: 4, sampleSeed: 9 }])
    expect(seeded.ret).toBe(plain.ret)
    const [noisy] = await pool.run([{ spec, seed: 4, sampleSeed: 9, sampleSigma: 0.3 }])
    expect(noisy.ret).not.toBe(plain.ret)
  })

  it('evaluates with mean and std, and reports worker errors as rejections', async () => {
    const e = await pool.evaluate({ kind: 'scripted', taskId: 'cartpole' }, [1]).catch((err: Error) => err)
    expect(e).toBeInstanceOf(Error)
    const ok = await pool.evaluate(spec, [1, 2, 3])
    expect(ok.returns.length).toBe(3)
    expect(ok.stdReturn).toBeGreaterThanOrEqual(0)
    const bad = { ...spec, M: [1, 2] }
    await expect(pool.run([{ spec: bad, seed: 1 }])).rejects.toThrow(/M has 2 entries/)
  })
})

describe('VectorEnv', () => {
  it('steps K envs in lockstep in a worker and resets finished ones', async () => {
    const vec = await VectorEnv.create('hopper', 3)
    try {
      const obs = await vec.reset([1, 2, 3])
      expect(obs.length).toBe(33)
      const env = await makeEnv('hopper')
      const first = env.reset(2)
      expect(Array.from(obs.subarray(11, 22))).toEqual(Array.from(first))
      let sawDone = false
      for (let t = 0; t < 200; t++) {
        const s = await vec.step(new Float64Array(9).fill(1))
        expect(s.rewards.length).toBe(3)
        if (s.terminated.some((x) => x)) sawDone = true
      }
      expect(sawDone).toBe(true)
      env.close()
    } finally {
      await vec.close()
    }
  })
})
