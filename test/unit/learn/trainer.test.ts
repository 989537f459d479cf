import { describe, expect, it } from 'vitest'
import { startTrainer } from '../../../src/main/learn/trainer'
import { mlpForward } from '../../../src/main/sim/policy-spec'
import { createRng } from '../../../src/main/sim/rng'

// A smooth target the 2x64 network can fit: a = tanh(A x).
function labels(n: number, seed: number) {
  const rng = createRng(seed)
  return Array.from({ length: n }, () => {
    const observation = Float64Array.from({ length: 4 }, () => rng.normal() * 2 + 1)
    const action = Float64Array.of(Math.tanh(0.5 * observation[0] - 0.3 * observation[2]), Math.tanh(0.2 * observation[1] + 0.4 * observation[3]))
    return { observation, action }
  })
}

function mse(weights: Parameters<typeof mlpForward>[0], data: ReturnType<typeof labels>): number {
  let s = 0
  for (const d of data) {
    const m = mlpForward(weights, d.observation)
    s += (m[0] - d.action[0]) ** 2 + (m[1] - d.action[1]) ** 2
  }
  return s / data.length
}

describe('trainer', () => {
  it('in a worker thread: incremental updates fit the labels, and weights load back', async () => {
    const t = await startTrainer({ obsDim: 4, actDim: 2, actionLow: [-1, -1], actionHigh: [1, 1], seed: 1, stepsPerLabel: 8, learningRate: 3e-3 })
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
      const w = await t.weights()
      expect(mse(w, data)).toBeLessThan(before / 4)
      expect(w.logStd.every((v) => v < -1)).toBe(true) // NLL shrinks the spread as the fit improves
      await t.load({ ...w, logStd: [0, 0] })
      expect((await t.weights()).logStd).toEqual([0, 0])
      expect(() => t.add([{ observation: [1], action: [1, 1] }])).toThrow(RangeError)
    } finally {
      await t.close()
    }
  })

  it('from scratch: a fresh network per update, best validation weights kept', async () => {
    const t = await startTrainer({ obsDim: 4, actDim: 2, schedule: 'scratch', epochs: 30, learningRate: 3e-3, seed: 3 }, 'local')
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
})
