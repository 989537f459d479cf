// Intervention-weighted regression (hg-dagger with weighting 'iwr'): the weights (the person's steps at least half,
// a takeover's lead-up lighter), the trainer drawing rows by weight the same in its worker thread as in this one,
// and a takeover session that keeps the learner's own steps at no cost, trains on them and resumes exactly.
import { describe, expect, it } from 'vitest'
import { sessionConfig, type SessionConfigInput } from '../../../src/shared/session-config'
import { makeEnv } from '../../../src/main/sim/registry'
import { expertFor } from '../../../src/main/experts/registry'
import { MemorySessionLog } from '../../../src/main/learn/session-log'
import { runSession } from '../../../src/main/learn/session-runner'
import { ExpertOracle } from '../../../src/main/learn/oracle'
import { startTrainer } from '../../../src/main/learn/trainer'
import { policyFromSpec, type MlpWeights } from '../../../src/main/sim/policy-spec'
import { iwrWeights, IWR_LEAD_UP_WEIGHT, type WeighedRow } from '../../../src/main/learn/algorithms/hg-dagger/iwr'

const row = (source: 'policy' | 'intervention', stepIndex: number): WeighedRow => ({ source, stepIndex })

describe('IWR weights', () => {
  it("gives the person's steps half the weight, and the steps just before a takeover a tenth of the learner's", () => {
    // one episode: the learner drives steps 0-5, the person 6-7, the learner 8-9; a second episode the learner alone
    const rows = [0, 1, 2, 3, 4, 5].map((k) => row('policy', k))
    rows.push(row('intervention', 6), row('intervention', 7), row('policy', 8), row('policy', 9))
    rows.push(row('policy', 0), row('policy', 1))
    const w = iwrWeights(rows, 2)
    const sum = (pick: (r: WeighedRow, i: number) => boolean) =>
      rows.reduce((s, r, i) => s + (pick(r, i) ? w[i] : 0), 0)
    expect(sum(() => true)).toBeCloseTo(rows.length, 9)
    expect(sum((r) => r.source === 'intervention')).toBeCloseTo(rows.length / 2, 9)
    expect(w[4]).toBeCloseTo(w[0] * IWR_LEAD_UP_WEIGHT, 12)
    expect(w[5]).toBe(w[4])
    expect(w[3]).toBe(w[0])
    expect(w[8]).toBe(w[0])
    // a share above half is kept; one kind alone is uniform
    const most = [row('intervention', 0), row('intervention', 1), row('intervention', 2), row('policy', 3)]
    expect(Array.from(iwrWeights(most, 1))).toEqual([1, 1, 1, 1])
    expect(Array.from(iwrWeights([row('policy', 0), row('policy', 1)], 3))).toEqual([1, 1])
  })

  it('trains only on rows that weigh something, exactly the same in a worker thread', async () => {
    const options = { obsDim: 2, actDim: 1, seed: 3, actionLow: [-1], actionHigh: [1] }
    // the same states labelled +0.8 (weightless) and -0.8 (weighed): the learner follows the weighed ones
    const labels = Array.from({ length: 40 }, (_, i) => ({
      observation: [Math.sin(i), Math.cos(i)],
      action: [i % 2 ? 0.8 : -0.8],
    }))
    const weights = Float64Array.from(labels, (_, i) => (i % 2 ? 0 : 1))
    const results = []
    for (const where of ['local', 'worker'] as const) {
      const t = await startTrainer(options, where)
      try {
        t.add(labels)
        results.push(await t.update(100, weights))
      } finally {
        await t.close()
      }
    }
    expect(results[1].weights).toEqual(results[0].weights)
    const learner = policyFromSpec({ kind: 'mlp', weights: results[0].weights as MlpWeights, low: [-1], high: [1] })
    const acts = labels.map((l) => learner.act(Float64Array.from(l.observation))[0])
    expect(Math.max(...acts)).toBeLessThan(0)
    await expect(
      (async () => {
        const t = await startTrainer(options, 'local')
        try {
          t.add(labels)
          await t.update(0, new Float64Array(3))
        } finally {
          await t.close()
        }
      })(),
    ).rejects.toThrow(/^3 weights for 40 training rows/)
  })
})

describe('a takeover session with IWR', () => {
  const TASK = 'two-way'
  const expert = expertFor(TASK)
  const input = (weighting: 'none' | 'iwr'): SessionConfigInput => ({
    taskId: TASK,
    algo: 'hg-dagger',
    algoParams: { weighting },
    budget: 120,
    costRatio: 1,
    evalEvery: 60,
    evalEpisodes: 1,
    seed: 4,
  })
  const run = (log: MemorySessionLog, stopAfterLabels?: number) =>
    runSession({ log, oracle: new ExpertOracle(expert), expert, makeEnv, stopAfterLabels })

  it("keeps the learner's steps at no cost, learns from them, and resumes exactly", async () => {
    const iwr = new MemorySessionLog(sessionConfig(input('iwr')))
    const r = await run(iwr)
    const rows = iwr.labels()
    const given = rows.filter((l) => l.source === 'intervention')
    const own = rows.filter((l) => l.source === 'policy')
    expect(given.length).toBeGreaterThan(0)
    expect(own.length).toBeGreaterThan(0)
    expect(own.every((l) => l.cost === 0 && l.humanSeconds === null)).toBe(true)
    // the curve counts the labels given, not the learner's own steps
    expect(r.labels).toBe(given.length)
    expect(iwr.evaluations().every((e) => e.labels <= given.length)).toBe(true)
    expect(r.cost).toBeCloseTo(given.length, 9)

    // plain HG-DAgger stores the same kind of rows but learns from the person's alone: another policy
    const plain = new MemorySessionLog(sessionConfig(input('none')))
    await run(plain)
    expect(plain.labels().some((l) => l.source === 'policy')).toBe(true)
    expect(plain.latestPolicy()!.weights).not.toEqual(iwr.latestPolicy()!.weights)

    // paused after a few labels and resumed: the same rows, curve and policy as the uninterrupted session
    const cut = new MemorySessionLog(sessionConfig(input('iwr')))
    expect((await run(cut, 1)).status).toBe('paused')
    expect(cut.labels().length).toBeLessThan(rows.length)
    await run(cut)
    const view = (log: MemorySessionLog) => log.labels().map((l) => [l.source, l.stepIndex, Array.from(l.action)])
    expect(view(cut)).toEqual(view(iwr))
    expect(cut.evaluations()).toEqual(iwr.evaluations())
    expect(cut.latestPolicy()!.weights).toEqual(iwr.latestPolicy()!.weights)
  })
})
