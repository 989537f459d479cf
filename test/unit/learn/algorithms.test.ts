// STAGGER, BC, WARM-STAGGER and the ledger on a small real task (MuJoCo cart-pole) with its scripted expert.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeEnv } from '../../../src/main/sim/registry'
import { expertFor } from '../../../src/main/experts/registry'
import { policyFromSpec, type SpecPolicy } from '../../../src/main/sim/policy-spec'
import { createRng } from '../../../src/main/sim/rng'
import type { Env } from '../../../src/main/sim/env'
import type { RoundContext } from '../../../src/main/learn/algorithm'
import type { LabelRecord } from '../../../src/main/learn/session-log'
import { Stagger } from '../../../src/main/learn/algorithms/stagger'
import { BehaviourCloning } from '../../../src/main/learn/algorithms/bc'
import { WarmStagger } from '../../../src/main/learn/algorithms/warm-stagger'
import { DAgger } from '../../../src/main/learn/algorithms/dagger'
import { CostLedger } from '../../../src/main/learn/ledger'

const TASK = 'cartpole'
let env: Env
let expert: SpecPolicy

beforeAll(async () => {
  env = await makeEnv(TASK)
  expert = policyFromSpec(expertFor(TASK))
})
afterAll(() => env.close())

/** A context whose learner is a fixed policy and whose oracle is the expert; counts queries. */
function context(learner: SpecPolicy, over: Partial<RoundContext> = {}): RoundContext & { queries: number[] } {
  let seed = 1
  const queries: number[] = []
  const ctx = {
    env,
    task: env.task,
    learner,
    expert,
    rng: createRng(3),
    nextSeed: () => seed++,
    remaining: 1000,
    costRatio: 2,
    offlineCost: 0,
    interactiveCost: 0,
    rounds: 0,
    queries,
    async query(observation: Float64Array, step: number): Promise<LabelRecord> {
      queries.push(step)
      return {
        source: 'query',
        cost: 2,
        observation,
        state: env.getState(),
        action: expert.act(observation),
        humanSeconds: null,
        episodeId: null,
        stepIndex: step,
      }
    },
    ...over,
  }
  return ctx
}

describe('STAGGER', () => {
  it('queries exactly one state per round, at a step inside the episode', async () => {
    const ctx = context(expert)
    const algo = new Stagger()
    for (let i = 0; i < 20; i++) {
      const r = await algo.round(ctx)
      expect(r!.labels).toHaveLength(1)
      const step = r!.labels[0].stepIndex!
      expect(step).toBeGreaterThanOrEqual(1)
      expect(step).toBeLessThan(env.task.horizon)
      // The env is left at the queried state and the label is that state's observation.
      expect(Array.from(env.observe())).toEqual(Array.from(r!.labels[0].observation))
    }
    expect(ctx.queries).toHaveLength(20)
  })

  it('redraws without a label or a query when the episode ended before the drawn step', async () => {
    // A learner that pushes hard one way drops the pole within a few dozen steps of 1000.
    const falling: SpecPolicy = { actDim: 1, act: () => Float64Array.of(env.task.actionHigh[0]) }
    const ctx = context(falling)
    const algo = new Stagger()
    let redraws = 0
    let labelled = 0
    for (let i = 0; i < 30; i++) {
      const r = await algo.round(ctx)
      if (r!.labels.length === 0) {
        expect(r!.phase).toBe('redraw')
        redraws++
      } else labelled++
    }
    expect(redraws).toBeGreaterThan(20)
    expect(ctx.queries).toHaveLength(labelled)
  })

  it('stops when the budget cannot pay for a query', async () => {
    expect(await new Stagger().round(context(expert, { remaining: 1.5 }))).toBeNull()
  })
})

describe('BC offline labels', () => {
  it('draws one expert state per label (priced by the ledger when recorded), with the expert action', async () => {
    const ctx = context(expert)
    const steps = new Set<number>()
    for (let i = 0; i < 10; i++) {
      const r = await new BehaviourCloning('iid').round(ctx)
      expect(r!.labels).toHaveLength(1)
      const l = r!.labels[0]
      expect(l.source).toBe('offline')
      expect('cost' in l).toBe(false)
      expect(Array.from(l.action)).toEqual(Array.from(expert.act(Float64Array.from(l.observation))))
      steps.add(l.stepIndex!)
    }
    expect(steps.size).toBeGreaterThan(5)
    expect(ctx.queries).toHaveLength(0)
  })

  it('whole demonstrations give every state of an episode, cut to the budget', async () => {
    const r = await new BehaviourCloning('trajectories').round(context(expert, { remaining: 37 }))
    expect(r!.labels.map((l) => l.stepIndex)).toEqual(Array.from({ length: 37 }, (_, i) => i))
    expect(r!.labels.every((l) => l.source === 'demonstration')).toBe(true)
  })
})

describe('WARM-STAGGER', () => {
  it('spends its fraction offline, then queries, with no extra fit at the switch', async () => {
    const algo = new WarmStagger(0.25, 40)
    expect(algo.offlineBudget).toBe(10)
    const ctx = context(expert, { remaining: 40 })
    const sources: string[] = []
    let fits = 0
    while (ctx.remaining >= 1) {
      const r = await algo.round(ctx)
      if (!r) break
      if (r.extraSteps) fits++
      for (const l of r.labels) {
        sources.push(l.source)
        ctx.remaining -= l.source === 'offline' ? 1 : 2
        if (l.source === 'offline') ctx.offlineCost += 1
        else ctx.interactiveCost += 2
      }
    }
    expect(sources.slice(0, 10).every((s) => s === 'offline')).toBe(true)
    expect(sources.slice(10).every((s) => s === 'query')).toBe(true)
    expect(sources.length).toBe(10 + 15) // 30 left at cost 2
    expect(fits).toBe(0) // the same training schedule as every other algorithm
  })
})

describe('DAgger', () => {
  it("labels every visited state of the learner's trajectory, cut to the budget", async () => {
    // the learner here balances the whole horizon, so the budget cuts the trajectory
    const ctx = context(expert, { remaining: 100 })
    const r = await new DAgger().round(ctx)
    expect(r!.labels).toHaveLength(50) // 100 / C=2
    expect(r!.labels.map((l) => l.stepIndex)).toEqual(Array.from({ length: 50 }, (_, i) => i))
  })

  it('with m states per rollout labels m distinct steps spread over the whole episode', async () => {
    const ctx = context(expert, { remaining: 1000 })
    const algo = new DAgger(5)
    const steps: number[] = []
    for (let i = 0; i < 8; i++) {
      const r = await algo.round(ctx)
      const s = r!.labels.map((l) => l.stepIndex!)
      expect(s).toHaveLength(5)
      expect(new Set(s).size).toBe(5)
      expect([...s].sort((a, b) => a - b)).toEqual(s)
      steps.push(...s)
    }
    // drawn from the whole horizon (1000 steps), not its start
    expect(Math.max(...steps)).toBeGreaterThan(env.task.horizon / 2)
    expect(() => new DAgger(0)).toThrow(/whole number/)
  })
})

describe('CostLedger', () => {
  it('charges 1 offline and C per query, and sums human seconds', () => {
    const ledger = new CostLedger(2.5)
    ledger.record('offline')
    ledger.record('demonstration')
    ledger.record('query', 3)
    ledger.record('query', 1.5)
    expect(ledger.labels).toBe(4)
    expect(ledger.cost).toBe(1 + 1 + 2.5 + 2.5)
    expect(ledger.humanSeconds).toBe(4.5)
    expect(ledger.costFrom('offline', 'demonstration')).toBe(2)
    expect(ledger.totals().bySource.query).toEqual({ labels: 2, cost: 5 })
    expect(() => new CostLedger(0)).toThrow(RangeError)
  })
})
