import { describe, expect, it } from 'vitest'
import { startTrainer } from '../../../src/main/learn/trainer'
import type { TrainerState } from '../../../src/main/learn/training-core'
import { policyToRun } from '../../../src/shared/policy-config'
import { mlpForward, type LearnerWeights, type MlpWeights } from '../../../src/main/sim/policy-spec'
import { createRng } from '../../../src/main/sim/rng'

// A smooth target the 2x64 network can fit: a = tanh(A x).
function labels(n: number, seed: number) {
  const rng = createRng(seed)
  return Array.from({ length: n }, () => {
    const observation = Float64Array.from({ length: 4 }, () => rng.normal() * 2 + 1)
    const action = Float64Array.of(
      Math.tanh(0.5 * observation[0] - 0.3 * observation[2]),
      Math.tanh(0.2 * observation[1] + 0.4 * observation[3]),
    )
    return { observation, action }
  })
}

function mse(weights: LearnerWeights, data: ReturnType<typeof labels>): number {
  let s = 0
  for (const d of data) {
    const m = mlpForward(weights as MlpWeights, d.observation)
    s += (m[0] - d.action[0]) ** 2 + (m[1] - d.action[1]) ** 2
  }
  return s / data.length
}

describe('trainer', () => {
  it('in a worker thread: incremental updates fit the labels, and weights load back', async () => {
    const t = await startTrainer({
      obsDim: 4,
      actDim: 2,
      actionLow: [-1, -1],
      actionHigh: [1, 1],
      seed: 1,
      stepsPerLabel: 8,
      learningRate: 3e-3,
    })
    try {
      expect(['wasm', 'cpu', 'tensorflow', 'tensorflow-gpu']).toContain(t.backend)
      const data = labels(100, 2)
      const before = mse(await t.weights(), data)
      for (let i = 0; i < 100; i += 20) {
        t.add(data.slice(i, i + 20))
        const r = await t.update()
        expect(r.labels).toBe(i + 20)
        expect(r.steps).toBe(20 * 8)
      }
      const w = (await t.weights()) as MlpWeights
      expect(mse(w, data)).toBeLessThan(before / 4)
      expect(w.logStd.every((v) => v < -1)).toBe(true) // NLL shrinks the spread as the fit improves
      await t.load({ ...w, logStd: [0, 0] })
      expect(((await t.weights()) as MlpWeights).logStd).toEqual([0, 0])
      expect(() => t.add([{ observation: [1], action: [1, 1] }])).toThrow(RangeError)
    } finally {
      await t.close()
    }
  })

  it('from scratch: a fresh network per update, best validation weights kept', async () => {
    const t = await startTrainer(
      { obsDim: 4, actDim: 2, schedule: 'scratch', epochs: 30, learningRate: 3e-3, seed: 3 },
      'local',
    )
    try {
      const data = labels(120, 4)
      t.add(data)
      const r = await t.update()
      expect(r.steps).toBe(30 * Math.ceil(96 / 100))
      expect(Number.isFinite(r.loss)).toBe(true)
      const fresh = await startTrainer({ obsDim: 4, actDim: 2, seed: 3 }, 'local')
      expect(mse(r.weights, data)).toBeLessThan(mse(await fresh.weights(), data) / 2)
      await fresh.close()
    } finally {
      await t.close()
    }
  })

  for (const schedule of ['incremental', 'scratch'] as const)
    it(`continues bit-identically from a saved state (${schedule}: weights, Adam moments and steps, its rng)`, async () => {
      const options = { obsDim: 4, actDim: 2, actionLow: [-1, -1], actionHigh: [1, 1], seed: 3, schedule, epochs: 3 }
      const data = labels(120, 5)
      const straight = await startTrainer(options, 'local')
      const saved = await startTrainer(options, 'local')
      const resumed = await startTrainer(options, 'local')
      try {
        // Two runs in step for 60 labels; the second's state then goes to a third trainer given the same labels.
        for (let i = 0; i < 60; i += 10) {
          for (const t of [straight, saved]) {
            t.add(data.slice(i, i + 10))
            await t.update()
          }
        }
        resumed.add(data.slice(0, 60))
        await resumed.restore(structuredClone(await saved.state()))
        await expect(resumed.restore(await saved.state())).resolves.toBeUndefined()
        for (let i = 60; i < 120; i += 10) {
          straight.add(data.slice(i, i + 10))
          resumed.add(data.slice(i, i + 10))
          const [a, b] = [await straight.update(i === 60 ? 5 : 0), await resumed.update(i === 60 ? 5 : 0)]
          expect(b.weights).toEqual(a.weights)
        }
        expect(mse(await resumed.weights(), data)).toBe(mse(await straight.weights(), data))
        // A state for another number of labels is refused, not silently misapplied.
        const other = await startTrainer(options, 'local')
        try {
          await expect(other.restore(await saved.state())).rejects.toThrow(/for 60 labels, 0 are loaded/)
        } finally {
          await other.close()
        }
      } finally {
        await Promise.all([straight.close(), saved.close(), resumed.close()])
      }
    })
})

describe('a class refit', () => {
  it('at 1024 labels a fresh network trained over all of them, then every doubling; resumed exactly across it', async () => {
    const policy = (refitEpochs?: number) =>
      policyToRun({
        id: 'gmm',
        params: { hidden: [8], modes: 2, stepsPerLabel: 1, batchSize: 32, ...(refitEpochs ? { refitEpochs } : {}) },
      })
    const options = (refitEpochs?: number) => ({
      obsDim: 4,
      actDim: 2,
      actionLow: [-1, -1],
      actionHigh: [1, 1],
      seed: 3,
      policy: policy(refitEpochs),
    })
    const data = labels(1300, 9)
    const [plain, straight, saved] = await Promise.all([
      startTrainer(options(), 'local'),
      startTrainer(options(2), 'local'),
      startTrainer(options(2), 'local'),
    ])
    const resumed: Awaited<ReturnType<typeof startTrainer>>[] = []
    try {
      const states: TrainerState[] = []
      for (let i = 0; i < 1300; i += 100) {
        const w: LearnerWeights[] = []
        for (const t of [plain, straight, saved]) {
          t.add(data.slice(i, i + 100))
          w.push((await t.update()).weights)
        }
        states.push(await saved.state())
        // Below 1024 labels the setting changes nothing; the update that passes it starts a fresh network.
        if (i + 100 < 1024) expect(w[1]).toEqual(w[0])
        else expect(w[1]).not.toEqual(w[0])
        expect(w[2]).toEqual(w[1])
      }
      expect(states[9]).toMatchObject({ labels: 1000, refits: 0, nextRefit: 1024 })
      expect(states[10]).toMatchObject({ labels: 1100, refits: 1, nextRefit: 2200 })
      // Resumed from before the refit and from after it, the weights are those of the run never stopped.
      for (const at of [9, 10]) {
        const r = await startTrainer(options(2), 'local')
        resumed.push(r)
        r.add(data.slice(0, (at + 1) * 100))
        await r.restore(structuredClone(states[at]))
        for (let i = (at + 1) * 100; i < 1300; i += 100) {
          r.add(data.slice(i, i + 100))
          await r.update()
        }
        expect(await r.weights()).toEqual(await straight.weights())
      }
    } finally {
      await Promise.all([plain, straight, saved, ...resumed].map((t) => t.close()))
    }
  })
})
