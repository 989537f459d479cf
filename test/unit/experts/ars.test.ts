import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { RunningStats, trainArs } from '../../../src/main/experts/ars'
import { expertFor, loadExpertFile, saveExpertFile } from '../../../src/main/experts/registry'
import { policyFromSpec } from '../../../src/main/sim/policy-spec'
import { makeEnv } from '../../../src/main/sim/registry'
import { rollout } from '../../../src/main/sim/rollout'

describe('ARS', () => {
  it('merges observation statistics exactly like a direct computation', () => {
    const xs = [
      [1, 10],
      [2, 12],
      [4, 9],
      [7, 11],
      [-1, 10],
    ]
    const s = new RunningStats(2)
    const batch = (rows: number[][]): void =>
      s.merge(
        rows.length,
        [0, 1].map((i) => rows.reduce((a, r) => a + r[i], 0)),
        [0, 1].map((i) => rows.reduce((a, r) => a + r[i] * r[i], 0)),
      )
    batch(xs.slice(0, 2))
    batch(xs.slice(2))
    const mean0 = xs.reduce((a, r) => a + r[0], 0) / 5
    const var0 = xs.reduce((a, r) => a + (r[0] - mean0) ** 2, 0) / 5
    expect(s.n).toBe(5)
    expect(s.mean[0]).toBeCloseTo(mean0, 12)
    expect(s.std()[0]).toBeCloseTo(Math.sqrt(var0), 12)
  })

  it('improves a linear cart-pole controller on the worker pool and checkpoints the best', async () => {
    const bests: number[] = []
    const result = await trainArs({
      taskId: 'cartpole',
      iterations: 12,
      seed: 3,
      hyper: { directions: 8, top: 4, stepSize: 0.2, noise: 0.3 },
      evalEvery: 3,
      evalEpisodes: 3,
      onBest: (b) => void bests.push(b.evalReturn),
    })
    expect(result.spec.M.length).toBe(4)
    expect(result.stats.n).toBeGreaterThan(100)
    expect(bests.length).toBeGreaterThan(0)
    // a zero policy lasts about 60-100 steps; ARS should find a clearly better one
    expect(result.evalReturn).toBeGreaterThan(200)
    const dir = mkdtempSync(join(tmpdir(), 'iwb-expert-'))
    const path = join(dir, 'cartpole.json')
    saveExpertFile(
      {
        taskId: 'cartpole',
        kind: 'linear',
        algorithm: 'ARS',
        spec: result.spec,
        stats: result.stats,
        meanReturn: 1,
        stdReturn: 0,
        episodes: 1,
        evalSeed: 0,
        trainSteps: result.steps,
        iterations: 12,
        updatedAt: 'now',
      },
      path,
    )
    expect(loadExpertFile('cartpole', path)?.spec.M).toEqual(result.spec.M)
  })
})

describe('expert registry', () => {
  it('gives scripted experts for operator tasks and the shipped linear expert for hopper', () => {
    expect(expertFor('point-maze')).toEqual({ kind: 'scripted', taskId: 'point-maze' })
    const hopper = expertFor('hopper')
    expect(hopper.kind).toBe('linear')
    expect(() => expertFor('no-such-task')).toThrow(/no expert/)
  })
})

describe.each([
  ['hopper', 2500],
  ['halfcheetah', 2500],
  ['walker2d', 2000],
])('shipped %s expert', (id, target) => {
  it('records its measured return and reaches the target on two seeded episodes', async () => {
    const file = loadExpertFile(id)!
    expect(file.meanReturn).toBeGreaterThanOrEqual(target)
    expect(file.episodes).toBe(25)
    const env = await makeEnv(id)
    try {
      const policy = policyFromSpec(expertFor(id))
      const returns = [0, 2].map((seed) => rollout(env, policy, { seed }).ret)
      expect(returns.reduce((a, b) => a + b, 0) / returns.length).toBeGreaterThanOrEqual(target)
    } finally {
      env.close()
    }
  })
})
