// The learner's observation statistics (session config `standardise`): from its labels, refreshed as they grow
// ('data'), or the expert's fixed ones from the first label on ('expert', as the authors' learners saw them).
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { sessionConfig, type SessionConfigInput } from '../../../src/shared/session-config'
import { isTwin } from '../../../src/shared/warm-fork'
import { expertFor, expertStandardisation } from '../../../src/main/experts/registry'
import { sessionTrainer } from '../../../src/main/learn/session-runner'
import { startTrainer } from '../../../src/main/learn/trainer'
import type { MlpState } from '../../../src/main/learn/gaussian-mlp'
import type { MlpWeights } from '../../../src/main/sim/policy-spec'
import { makeEnv } from '../../../src/main/sim/registry'
import { createRng } from '../../../src/main/sim/rng'
import { planSession } from '../../../src/main/session/sweep'
import { exportWorkspace, importExport, openWorkspace } from '../../../src/main/store'
import { tempDir } from '../store/helpers'

function labels(n: number, seed: number) {
  const rng = createRng(seed)
  return Array.from({ length: n }, () => {
    const observation = Float64Array.from({ length: 3 }, (_, j) => 5 + j + rng.normal() * (1 + j))
    return { observation, action: Float64Array.of(Math.tanh(observation[0] - 5 - observation[2] / 3)) }
  })
}

const FIXED = { mean: [0.5, -2, 10], std: [3, 0.25, 7] }

describe('standardisation', () => {
  it("keeps the fixed statistics through every update and a weights load; 'data' follows its labels", async () => {
    const fixed = await startTrainer({ obsDim: 3, actDim: 1, seed: 3, standardisation: FIXED }, 'local')
    const data = await startTrainer({ obsDim: 3, actDim: 1, seed: 3 }, 'local')
    try {
      const all = labels(80, 9)
      for (let i = 0; i < all.length; i += 20) {
        fixed.add(all.slice(i, i + 20))
        data.add(all.slice(i, i + 20))
        await fixed.update()
        await data.update()
        const s = (await fixed.state()).net as MlpState
        expect(s.obsMean).toEqual(FIXED.mean)
        expect(s.obsStd).toEqual(FIXED.std)
      }
      const d = (await data.state()).net as MlpState
      // from its labels: close to each dimension's mean 5, 6, 7
      d.obsMean.forEach((m, j) => expect(Math.abs(m - (5 + j))).toBeLessThan(0.6))
      // loading plain weights (statistics folded in) keeps the fixed statistics and the same policy
      const w = (await fixed.weights()) as MlpWeights
      await fixed.load(w)
      expect(((await fixed.state()).net as MlpState).obsMean).toEqual(FIXED.mean)
      const again = (await fixed.weights()) as MlpWeights
      again.layers[0].w.forEach((v, i) => expect(v).toBeCloseTo(w.layers[0].w[i], 4))
      again.layers[0].b.forEach((v, i) => expect(v).toBeCloseTo(w.layers[0].b[i], 4))
    } finally {
      await fixed.close()
      await data.close()
    }
  })

  it("a session standardising by the expert trains with the expert's statistics; a scripted expert has none", async () => {
    const spec = expertFor('hopper')
    if (spec.kind !== 'linear') throw new Error('hopper ships a linear expert')
    expect(expertStandardisation('hopper')).toEqual({ mean: spec.mu, std: spec.sigma })
    expect(() => expertStandardisation('reacher-arm')).toThrow(
      /^task 'reacher-arm' has no expert with state statistics/,
    )
    const env = await makeEnv('hopper')
    const trainer = await sessionTrainer(
      sessionConfig({ taskId: 'hopper', algo: 'stagger', standardise: 'expert' }),
      env,
    )
    try {
      const net = (await trainer.state()).net as MlpState
      expect(net.obsMean).toEqual(spec.mu)
      expect(net.obsStd).toEqual(spec.sigma)
    } finally {
      await trainer.close()
      env.close()
    }
  })

  describe('in the store', () => {
    let tmp: ReturnType<typeof tempDir>
    beforeEach(() => (tmp = tempDir()))
    afterEach(() => tmp.cleanup())

    const cfg = (over: Partial<SessionConfigInput>) =>
      sessionConfig({ taskId: 'hopper', algo: 'bc', budget: 20, evalEvery: 10, evalEpisodes: 2, ...over })

    it('is part of the configuration: stored, exported, never reused for the other, no fork across it', () => {
      const ws = openWorkspace(tmp.path('ws.db'))
      try {
        const expert = planSession(ws, cfg({ standardise: 'expert' }))!
        ws.openSession(expert.sessionId).setStatus('finished')
        expect(ws.openSession(expert.sessionId).config.standardise).toBe('expert')
        expect(planSession(ws, cfg({}))!.kind).toBe('new')
        expect(planSession(ws, cfg({ standardise: 'expert' }))).toMatchObject({
          kind: 'finished',
          sessionId: expert.sessionId,
        })
        expect(isTwin(cfg({ standardise: 'expert' }), cfg({ algo: 'warm-stagger', standardise: 'expert' }))).toBe(true)
        expect(isTwin(cfg({}), cfg({ algo: 'warm-stagger', standardise: 'expert' }))).toBe(false)
        // refused before a session is stored: the two-link arm's expert is scripted, without statistics
        const before = ws.listSessions().length
        expect(() =>
          planSession(ws, sessionConfig({ taskId: 'reacher-arm', algo: 'bc', standardise: 'expert' })),
        ).toThrow(/^task 'reacher-arm' has no expert with state statistics: standardise from the data$/)
        expect(ws.listSessions()).toHaveLength(before)

        exportWorkspace(ws, tmp.path('export'), { sessionIds: [expert.sessionId] })
        const other = openWorkspace(tmp.path('other.db'))
        try {
          importExport(other, tmp.path('export'), {
            tasks: new Map([['hopper', { obsDim: 11, actDim: 3, stateSize: 12 }]]),
          })
          expect(other.openSession(1).config.standardise).toBe('expert')
        } finally {
          other.close()
        }
      } finally {
        ws.close()
      }
    })
  })
})
