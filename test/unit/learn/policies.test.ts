// The learner's policy classes (shared/policy-config.ts, learn/policies, sim/policies): their parameters and
// bounds, the rows labels become, exact continuation from a trainer's saved state for every class, and sessions of
// every class with every kind of label source that resume exactly where an uninterrupted one would be.
import { describe, expect, it } from 'vitest'
import {
  DEFAULT_POLICY,
  POLICY_CLASSES,
  contextNeeds,
  parsePolicy,
  parsePolicyFlags,
  policyClass,
  policyKey,
  policyToRun,
  type PolicyChoiceInput,
} from '../../../src/shared/policy-config'
import { sessionConfig, type SessionConfigInput } from '../../../src/shared/session-config'
import { isTwin } from '../../../src/shared/warm-fork'
import { labelRows } from '../../../src/main/learn/label-rows'
import { startTrainer } from '../../../src/main/learn/trainer'
import { learnerSpec } from '../../../src/main/learn/algorithm'
import { MemorySessionLog } from '../../../src/main/learn/session-log'
import { runSession } from '../../../src/main/learn/session-runner'
import { ExpertOracle } from '../../../src/main/learn/oracle'
import { expertFor } from '../../../src/main/experts/registry'
import { makeEnv } from '../../../src/main/sim/registry'
import { policyFromSpec } from '../../../src/main/sim/policy-spec'
import { createRng } from '../../../src/main/sim/rng'
import { TINY_POLICIES } from './tiny-policies'
import { selectBackend } from '../../../src/main/learn/backend'
import { makePolicyNet } from '../../../src/main/learn/policies/registry'
import { chunkForward, type ChunkWeights } from '../../../src/main/sim/policies/chunk'
import { stackHistory } from '../../../src/main/sim/policies/dense'

const TINY: Record<string, PolicyChoiceInput> = TINY_POLICIES

describe('policy classes: parameters', () => {
  it('fills every default, keeps the MLP parameterless, and names one bad field in one line', () => {
    expect(sessionConfig({ taskId: 'hopper', algo: 'bc' }).policy).toEqual(DEFAULT_POLICY)
    const gmm = parsePolicy({ id: 'gmm' })
    expect(gmm).toEqual({ id: 'gmm', params: expect.objectContaining({ modes: 5, history: 1 }) })
    expect(contextNeeds(parsePolicy({ id: 'diffusion', params: { history: 3, horizon: 12 } }))).toEqual({
      history: 3,
      chunk: 12,
    })
    expect(() => parsePolicy({ id: 'chunk', params: { history: 17 } })).toThrow(/^policy: params\.history: /)
    expect(() => parsePolicy({ id: 'diffusion', params: { inferenceSteps: 17 } })).toThrow(/inferenceSteps/)
    expect(() => parsePolicy({ id: 'diffusion', params: { horizon: 4, execute: 8 } })).toThrow(/execute/)
    expect(() => parsePolicy({ id: 'mlp', params: { hidden: [8] } })).toThrow(/^policy: /)
    expect(() => parsePolicyFlags('transformer', undefined)).toThrow(/unknown policy class 'transformer'/)
    expect(() => parsePolicyFlags('gmm', '{modes: 3')).toThrow(/not JSON/)
    expect(POLICY_CLASSES.map((c) => c.id)).toEqual(['mlp', 'gmm', 'chunk', 'diffusion'])
  })

  it("makes a WARM-STAGGER session's BC twin one of the same class and parameters only", () => {
    const base = { taskId: 'two-way', seed: 3 }
    const warm = sessionConfig({ ...base, algo: 'warm-stagger', policy: { id: 'gmm', params: { modes: 3 } } })
    expect(isTwin(sessionConfig({ ...base, algo: 'bc', policy: { id: 'gmm', params: { modes: 3 } } }), warm)).toBe(true)
    expect(isTwin(sessionConfig({ ...base, algo: 'bc' }), warm)).toBe(false)
    expect(isTwin(sessionConfig({ ...base, algo: 'bc', policy: { id: 'gmm', params: { modes: 4 } } }), warm)).toBe(
      false,
    )
  })

  it("stamps the class's version: version 1 is written as none, another version is shown but never run", async () => {
    const gmm = parsePolicy({ id: 'gmm' })
    const runs = policyClass('gmm').version
    const other = runs + 1
    expect(policyKey(gmm)).not.toMatch(/version/)
    expect(policyKey({ ...gmm, version: 1 })).toBe(policyKey(gmm))
    expect(policyKey({ ...gmm, version: other })).toMatch(new RegExp(`"version":${other}`))
    expect(sessionConfig({ taskId: 'two-way', algo: 'bc', policy: gmm }).policy.version ?? 1).toBe(runs)
    expect(() => sessionConfig({ taskId: 'two-way', algo: 'bc', policy: { ...gmm, version: other } })).toThrow(
      `policy.version: this workbench runs the gmm class version ${runs}, not ${other}`,
    )
    await expect(startTrainer({ obsDim: 3, actDim: 2, policy: { ...gmm, version: other } }, 'local')).rejects.toThrow(
      `learned with the gmm class version ${other}; this workbench runs version ${runs}`,
    )
  })

  it('writes one canonical key whatever the order the parameters came in', () => {
    const a = parsePolicy({ id: 'chunk', params: { chunk: 4, history: 3 } })
    const b = parsePolicy({ id: 'chunk', params: { history: 3, chunk: 4 } })
    expect(policyKey(a)).toBe(policyKey(b))
    expect(policyKey(a)).not.toBe(policyKey(parsePolicy({ id: 'chunk', params: { chunk: 5, history: 3 } })))
    expect(parsePolicy(JSON.parse(policyKey(a)))).toEqual(a)
  })
})

describe('labelRows', () => {
  it('pads the history in front with the oldest known observation and masks the unknown chunk positions', () => {
    const rows = labelRows(
      [
        // two observations before it (obsDim 2), one action after it (actDim 1)
        { observation: [5, 50], action: [0.5], context: { history: [3, 30, 4, 40], next: [0.6] } },
        // a query: nothing before, nothing after
        { observation: [7, 70], action: [0.7] },
      ],
      2,
      1,
      { history: 4, chunk: 3 },
    )
    expect(Array.from(rows.input)).toEqual([3, 30, 3, 30, 4, 40, 5, 50, 7, 70, 7, 70, 7, 70, 7, 70])
    expect(Array.from(rows.target, (v) => Math.round(v * 10) / 10)).toEqual([0.5, 0.6, 0, 0.7, 0, 0])
    expect(Array.from(rows.mask)).toEqual([1, 1, 0, 1, 0, 0])
  })

  it('is the label itself for the MLP (history 1, chunk 1)', () => {
    const rows = labelRows([{ observation: [1, 2], action: [3], context: { history: [9, 9], next: [9] } }], 2, 1, {
      history: 1,
      chunk: 1,
    })
    expect(Array.from(rows.input)).toEqual([1, 2])
    expect(Array.from(rows.target)).toEqual([3])
  })
})

function labels(n: number, seed: number) {
  const rng = createRng(seed)
  return Array.from({ length: n }, () => {
    const o = [rng.normal(), rng.normal(), rng.normal()]
    return {
      observation: o,
      action: [Math.tanh(o[0] - o[1]), Math.tanh(o[2])],
      context: { history: [rng.normal(), rng.normal(), rng.normal()], next: [0.1, -0.1, 0.2, 0.3] },
    }
  })
}

describe.each(Object.keys(TINY))('the %s class', (id) => {
  const policy = policyToRun(TINY[id])
  const options = { obsDim: 3, actDim: 2, seed: 4, actionLow: [-1, -1], actionHigh: [1, 1], policy }

  it('continues bit-identically from a saved training state, and lowers its loss', async () => {
    const data = labels(60, 1)
    const straight = await startTrainer(options, 'local')
    const resumed = await startTrainer(options, 'local')
    try {
      straight.add(data.slice(0, 30))
      const first = await straight.update()
      const state = await straight.state()
      resumed.add(data.slice(0, 30))
      await resumed.restore(state)
      for (const t of [straight, resumed]) t.add(data.slice(30))
      const [a, b] = [await straight.update(), await resumed.update()]
      expect(b.weights).toEqual(a.weights)
      expect(b.loss).toBe(a.loss)
      expect(Number.isFinite(first.loss)).toBe(true)
      // more of the same steps on the same data fit it better
      for (let i = 0; i < 10; i++) {
        straight.add(data)
        await straight.update()
      }
      const later = await straight.update(400)
      expect(later.loss).toBeLessThan(first.loss)
    } finally {
      await straight.close()
      await resumed.close()
    }
  })

  it('acts within the bounds, the same way again after a reset (sampling from the given generator)', async () => {
    const t = await startTrainer({ ...options, actionLow: [-0.5, 0], actionHigh: [0.5, 2] }, 'local')
    try {
      t.add(labels(20, 2))
      const { weights } = await t.update()
      const task = { actionLow: [-0.5, 0], actionHigh: [0.5, 2] } as Parameters<typeof learnerSpec>[1]
      const p = policyFromSpec(learnerSpec(weights, task))
      expect(p.reset).toBeTypeOf('function')
      const episode = (): number[][] => {
        p.reset!()
        const rng = createRng(9)
        return Array.from({ length: 6 }, (_, k) => {
          const o = Float64Array.of(k / 6, -k / 6, 0.5)
          return Array.from(p.sample ? p.sample(o, rng) : p.act(o))
        })
      }
      const one = episode()
      expect(episode()).toEqual(one)
      for (const a of one) {
        expect(a[0]).toBeGreaterThanOrEqual(-0.5)
        expect(a[0]).toBeLessThanOrEqual(0.5)
        expect(a[1]).toBeGreaterThanOrEqual(0)
        expect(a[1]).toBeLessThanOrEqual(2)
      }
    } finally {
      await t.close()
    }
  })
})

describe.each(['bc', 'stagger', 'dagger', 'hg-dagger'] as const)('a %s session with a chunk class', (algo) => {
  it('stores each label with its context and resumes exactly where an uninterrupted session would be', async () => {
    const task = 'two-way'
    const expert = expertFor(task)
    const input: SessionConfigInput = {
      taskId: task,
      algo,
      budget: 24,
      evalEvery: 12,
      evalEpisodes: 2,
      seed: 5,
      policy: id(algo),
    }
    const straight = new MemorySessionLog(sessionConfig(input))
    await runSession({ log: straight, oracle: new ExpertOracle(expert), expert, makeEnv })
    const cut = new MemorySessionLog(sessionConfig(input))
    const first = await runSession({ log: cut, oracle: new ExpertOracle(expert), expert, makeEnv, stopAfterLabels: 10 })
    expect(first.status).toBe('paused')
    await runSession({ log: cut, oracle: new ExpertOracle(expert), expert, makeEnv })
    expect(cut.labels().map((l) => Array.from(l.action))).toEqual(straight.labels().map((l) => Array.from(l.action)))
    expect(cut.evaluations()).toEqual(straight.evaluations())
    const stored = straight.labels()
    expect(stored.length).toBeGreaterThan(0)
    // every label past an episode's first step carries the observations before it
    const later = stored.filter((l) => (l.stepIndex ?? 0) > 0)
    expect(later.length).toBeGreaterThan(0)
    expect(later.every((l) => (l.context?.history.length ?? 0) > 0)).toBe(true)
    // offline expert labels and a takeover's consecutive steps know the actions after their own; a query does not
    if (algo === 'bc') expect(stored.some((l) => (l.context?.next.length ?? 0) > 0)).toBe(true)
    if (algo === 'stagger') expect(stored.every((l) => (l.context?.next.length ?? 0) === 0)).toBe(true)
  })
})

function id(algo: string): PolicyChoiceInput {
  // the diffusion class draws noise in its rollouts: the samplers' generator must make those exact too
  if (algo === 'stagger') return TINY['chunk (transformer)']
  return algo === 'dagger' ? TINY.diffusion : algo === 'hg-dagger' ? TINY.gmm : TINY.chunk
}

describe("the chunk class's transformer backbone", () => {
  it('trains in tfjs the network the float64 rollout computes', async () => {
    const { tf } = await selectBackend('wasm')
    const policy = policyToRun({
      id: 'chunk',
      params: { history: 3, chunk: 4, backbone: 'transformer', width: 16, heads: 4, blocks: 2, feedforward: 24 },
    })
    const net = makePolicyNet(tf, policy, {
      obsDim: 3,
      actDim: 2,
      seed: 5,
      actionLow: [-1, -1],
      actionHigh: [1, 1],
      mlp: {},
    })
    try {
      const rng = createRng(1)
      const n = 32
      const input = Float32Array.from({ length: n * 9 }, () => rng.normal())
      const target = Float32Array.from({ length: n * 8 }, () => Math.tanh(rng.normal()))
      const st = { obsMean: [0.1, -0.2, 0.3], obsStd: [1.5, 0.7, 1.1] }
      net.setNormalizer(st.obsMean, st.obsStd)
      const before = net.lossValue(input, target, n)
      for (let i = 0; i < 60; i++) net.trainBatch(input, target, n)
      expect(net.lossValue(input, target, n)).toBeLessThan(before * 0.8)
      const weights = net.exportWeights() as ChunkWeights
      expect(weights.layers).toEqual([])
      expect(weights.transformer?.blocks).toHaveLength(2)
      // the float64 forward's chunks as targets: the tfjs network's L1 error from them is float32 rounding
      const rows = Array.from({ length: n }, (_, r) => {
        const obs = Array.from({ length: 3 }, (_, t) => Array.from(input.slice(r * 9 + t * 3, r * 9 + t * 3 + 3)))
        return chunkForward(weights, stackHistory(obs, 3, 3, st))
      })
      // unitActions clips targets to [-1, 1]: keep the rows inside
      const inside = rows.map((y, r) => [y, r] as const).filter(([y]) => y.every((v) => Math.abs(v) < 1))
      expect(inside.length).toBeGreaterThan(n / 2)
      const inK = Float32Array.from(inside.flatMap(([, r]) => Array.from(input.slice(r * 9, r * 9 + 9))))
      const outK = Float32Array.from(inside.flatMap(([y]) => Array.from(y)))
      expect(net.lossValue(inK, outK, inside.length)).toBeLessThan(1e-5)
      expect(
        net.lossValue(
          inK,
          outK.map((v) => v + 0.01),
          inside.length,
        ),
      ).toBeGreaterThan(5e-3)
    } finally {
      net.dispose()
    }
  })

  it('refuses heads that do not divide the width, in one line', () => {
    expect(() => parsePolicy({ id: 'chunk', params: { backbone: 'transformer', width: 10, heads: 4 } })).toThrow(
      /^policy: params\.heads: heads must divide width$/,
    )
    // the sizes matter only to the transformer
    expect(parsePolicy({ id: 'chunk', params: { width: 10, heads: 4 } }).params).toMatchObject({ backbone: 'mlp' })
  })
})
