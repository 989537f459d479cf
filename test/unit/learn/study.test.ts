// The studies' arms and figures: which sessions a study holds, the area under the return-versus-cost curve,
// the cost to reach a share of the way to the expert, and the BC/STAGGER crossover with its bootstrap band.
import { describe, expect, it } from 'vitest'
import {
  areaUnderCost,
  armResult,
  crossingRatio,
  crossover,
  studyArms,
  studyConfigs,
  type StudyOptions,
} from '../../../src/main/learn/study'
import type { EvaluationRecord } from '../../../src/main/learn/session-log'
import { parsePolicy } from '../../../src/shared/policy-config'

const ev = (cost: number, ret: number): EvaluationRecord => ({ labels: cost, cost, humanSeconds: 0, returns: [ret] })
const base: StudyOptions = { task: 'hopper', seeds: 3, seedBase: 10, algos: ['bc', 'stagger'], costRatios: [1, 2] }

describe('study arms', () => {
  it("paper: the authors' budget, 20 evaluation points, BC stored once at C = 1 for every ratio", () => {
    const arms = studyArms('paper', { ...base, algos: ['bc', 'dagger', 'stagger', 'warm-stagger:0.125'] })
    expect(arms).toHaveLength(8)
    const configs = studyConfigs(arms)
    expect(configs).toHaveLength(3 * (1 + 3 * 2)) // BC once, the others at both ratios
    expect(configs.every((c) => c.budget === 1000 && c.evalEvery === 50 && c.evalEpisodes === 25)).toBe(true)
    expect(configs.filter((c) => c.algo === 'bc').every((c) => c.costRatio === 1)).toBe(true)
    expect([...new Set(configs.map((c) => c.seed))]).toEqual([10, 11, 12])
    expect(studyArms('paper', { ...base, task: 'walker2d' })[0].configs[0].budget).toBe(5000)
    // a reduced study: fewer evaluation points
    expect(studyArms('paper', { ...base, evalPoints: 10 })[0].configs[0].evalEvery).toBe(100)
  })

  it("standardises by the expert's statistics where the expert has them (the authors' protocol), else by the data", () => {
    expect(studyConfigs(studyArms('paper', base)).every((c) => c.standardise === 'expert')).toBe(true)
    expect(studyArms('paper', { ...base, task: 'cartpole' })[0].configs[0].standardise).toBe('data')
    expect(studyArms('paper', { ...base, standardise: 'data' })[0].configs[0].standardise).toBe('data')
  })

  it('warm-size: offline shares in states, refused beyond the budget', () => {
    const arms = studyArms('warm-size', { ...base, warmSizes: [50, 200, 800] })
    expect(arms.map((a) => a.algo)).toEqual([
      'bc',
      'stagger',
      'warm-stagger:0.05',
      'warm-stagger:0.2',
      'warm-stagger:0.8',
    ])
    expect((arms[4].configs[0].algoParams.fraction as number) * 1000).toBeCloseTo(800)
    expect(() => studyArms('warm-size', { ...base, budget: 500, warmSizes: [800] })).toThrow(/exceed the budget 500/)
  })

  it('recoverability: one group per fall angle, stored in the session config', () => {
    const arms = studyArms('recoverability', { ...base, fallAngles: [0.1, 1] })
    expect(arms.map((a) => `${a.algo} ${a.group}`)).toEqual([
      'bc fall=0.1',
      'stagger fall=0.1',
      'bc fall=1',
      'stagger fall=1',
    ])
    expect(arms[3].configs.every((c) => c.fallAngle === 1)).toBe(true)
    expect(() => studyArms('recoverability', { ...base, task: 'reacher-arm' })).toThrow(/fall angle/)
  })

  it('scratch schedule and DAgger with m states per rollout are part of the configuration', () => {
    const arms = studyArms('cost-sweep', { ...base, algos: ['dagger:m=10'], schedule: 'scratch', epochs: 2000 })
    expect(arms[0].configs[0]).toMatchObject({
      algo: 'dagger',
      algoParams: { states: 10 },
      schedule: 'scratch',
      epochs: 2000,
    })
  })

  it("the policy class goes to every arm's configurations and names the arm; mlp by default", () => {
    expect(studyArms('cost-sweep', base).every((a) => a.policy === 'mlp' && a.configs[0].policy.id === 'mlp')).toBe(
      true,
    )
    const arms = studyArms('cost-sweep', {
      ...base,
      policy: parsePolicy({ id: 'chunk', params: { history: 2, chunk: 4 } }),
    })
    expect(arms.map((a) => a.policy)).toEqual(['chunk(h2,k4)', 'chunk(h2,k4)', 'chunk(h2,k4)', 'chunk(h2,k4)'])
    for (const c of studyConfigs(arms))
      expect(c.policy).toMatchObject({ id: 'chunk', params: { history: 2, chunk: 4 } })
  })
})

describe('study figures', () => {
  it('the area is the latest evaluated return integrated over cost, divided by the budget', () => {
    // 0 until cost 50, then 100 until 100: the policy one holds having paid that much
    expect(areaUnderCost([ev(0, 0), ev(50, 100)], 100)).toBeCloseTo(50)
    expect(areaUnderCost([ev(0, 10), ev(25, 20), ev(100, 1000)], 100)).toBeCloseTo((25 * 10 + 75 * 20) / 100)
    expect(areaUnderCost([], 100)).toBeNaN()
  })

  it('final return, area and the cost to 80% / 90% of the way from the untrained learner to the expert', () => {
    const curves = [0, 1].map((seed) => ({ seed, evaluations: [ev(0, 0), ev(100, 80 + 10 * seed), ev(200, 100)] }))
    const r = armResult({ algo: 'bc', costRatio: 1, group: 'C=1', fallAngle: null }, curves, 200, 0, 100)
    expect(r.seeds).toBe(2)
    expect(r.finalReturn).toBe(100)
    expect(r.band80).toEqual([100, 100])
    expect(r.costTo80).toBeCloseTo(94.1, 1) // mean curve 85 at cost 100: 80 reached at 100 * 80/85
    expect(r.costTo90).toBeCloseTo(100 + (100 * 5) / 15, 5)
    expect(r.auc).toBeCloseTo((100 * 0 + 100 * 85) / 200)
    // no success rate or coverage in these evaluations: null, not 0
    expect(r).toMatchObject({ policy: 'mlp', successRate: null, coverage: null })
  })

  it("the final evaluation's success rate and coverage, averaged over the seeds that have them", () => {
    const at = (successRate: number, coverage: number | null) => ({ ...ev(100, 50), successRate, coverage })
    const curves = [
      { seed: 0, evaluations: [ev(0, 0), at(0.5, 0.6)] },
      { seed: 1, evaluations: [at(0, 0), at(1, 0.8)] },
      { seed: 2, evaluations: [at(1, 1), at(0, null)] },
    ]
    const arm = { algo: 'bc', costRatio: 1, group: 'C=1', fallAngle: null, policy: 'gmm' }
    const r = armResult(arm, curves, 200, 0, 100)
    expect(r.policy).toBe('gmm')
    expect(r.successRate).toBeCloseTo(0.5, 12)
    expect(r.coverage).toBeCloseTo(0.7, 12)
  })

  it("the crossover: where STAGGER's lead over BC turns negative, interpolated in log C, with a band", () => {
    expect(crossingRatio([1, 10], [10, -10])).toBeCloseTo(Math.sqrt(10))
    expect(crossingRatio([1, 2], [5, 1])).toBeNull()
    expect(crossingRatio([2, 4], [-1, -2])).toBe(2)
    const bc = [50, 52, 48, 51]
    const stagger = [
      [90, 95, 85, 92],
      [70, 72, 69, 71],
      [30, 28, 35, 31],
    ]
    const x = crossover(bc, stagger, [1, 2, 5])
    expect(x.ratio).toBeGreaterThan(2)
    expect(x.ratio).toBeLessThan(5)
    expect(x.support).toBe(1)
    expect(x.band80[0]!).toBeLessThanOrEqual(x.ratio!)
    expect(x.band80[1]!).toBeGreaterThanOrEqual(x.ratio!)
    expect(crossover(bc, [stagger[0]], [1]).ratio).toBeNull()
  })
})
