import { describe, expect, it } from 'vitest'
import { selectBackend, backendName } from '../../../src/main/learn/backend'
import { GaussianMlp, orthogonal } from '../../../src/main/learn/gaussian-mlp'
import { mlpForward } from '../../../src/main/sim/policy-spec'
import { createRng } from '../../../src/main/sim/rng'

function dataset(n: number, obsDim: number, actDim: number, seed: number) {
  const rng = createRng(seed)
  const obs = new Float32Array(n * obsDim)
  const act = new Float32Array(n * actDim)
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < obsDim; j++) obs[i * obsDim + j] = 3 + 5 * rng.normal()
    for (let k = 0; k < actDim; k++) {
      let s = 0
      for (let j = 0; j < obsDim; j++) s += ((j + k) % 3 === 0 ? 0.1 : -0.05) * obs[i * obsDim + j]
      act[i * actDim + k] = Math.tanh(s)
    }
  }
  return { obs, act }
}

describe('backend', () => {
  it('picks an available backend and reports it', async () => {
    expect(backendName()).toBeNull()
    const { tf, name } = await selectBackend()
    // tfjs-node is not installable here, so wasm is the best choice on these machines.
    expect(['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu']).toContain(name)
    expect(backendName()).toBe(name)
    expect(tf.getBackend()).toBe(name === 'tensorflow-gpu' ? 'tensorflow' : name)
  })
})

describe('orthogonal init', () => {
  it('gives orthonormal rows (wide) and columns (tall)', () => {
    for (const [r, c] of [
      [4, 9],
      [9, 4],
    ]) {
      const m = orthogonal(r, c, 1, 3)
      const n = Math.min(r, c)
      for (let a = 0; a < n; a++)
        for (let b = 0; b < n; b++) {
          let d = 0
          for (let k = 0; k < Math.max(r, c); k++)
            d += r <= c ? m[a * c + k] * m[b * c + k] : m[k * c + a] * m[k * c + b]
          expect(d).toBeCloseTo(a === b ? 1 : 0, 5)
        }
    }
  })
})

describe('GaussianMlp', () => {
  for (const loss of ['nll', 'mse'] as const) {
    it(`training with ${loss} reduces the loss`, async () => {
      const { tf } = await selectBackend()
      const { obs, act } = dataset(256, 5, 2, 1)
      const net = new GaussianMlp(tf, 5, 2, {
        loss,
        learningRate: 3e-3,
        seed: 2,
        actionLow: [-1, -1],
        actionHigh: [1, 1],
      })
      net.setNormalizer([3, 3, 3, 3, 3], [5, 5, 5, 5, 5])
      const before = net.lossValue(obs, act, 256)
      for (let i = 0; i < 200; i++) net.trainBatch(obs, act, 256)
      const after = net.lossValue(obs, act, 256)
      expect(after).toBeLessThan(before - (loss === 'nll' ? 1 : 0.1))
      net.dispose()
    })
  }

  it('exported weights give the same mean as the tfjs model (1e-5), also after renormalising', async () => {
    const { tf } = await selectBackend()
    const { obs, act } = dataset(64, 7, 3, 4)
    const net = new GaussianMlp(tf, 7, 3, { learningRate: 1e-2, seed: 5 })
    for (let i = 0; i < 20; i++) net.trainBatch(obs, act, 64)
    const before = net.predictMean(obs, 64)
    net.setNormalizer(new Array(7).fill(3), new Array(7).fill(5)) // must not change the function
    for (let i = 0; i < 20; i++) net.trainBatch(obs, act, 64)
    const tfMean = net.predictMean(obs, 64)
    const w = net.exportWeights()
    expect(w.layers.map((l) => l.b.length)).toEqual([64, 64, 3])
    for (let i = 0; i < 64; i++) {
      const m = mlpForward(w, obs.subarray(i * 7, i * 7 + 7))
      for (let k = 0; k < 3; k++) expect(Math.abs(m[k] - tfMean[i * 3 + k])).toBeLessThan(1e-5)
    }
    // Loading the export into a fresh network reproduces it.
    const copy = new GaussianMlp(tf, 7, 3, { seed: 9 })
    copy.loadWeights(w)
    const again = copy.predictMean(obs, 64)
    for (let i = 0; i < again.length; i++) expect(Math.abs(again[i] - tfMean[i])).toBeLessThan(1e-5)
    expect(copy.exportWeights().logStd).toEqual(w.logStd)
    expect(before.length).toBe(tfMean.length)
    net.dispose()
    copy.dispose()
  })

  it('leaks no tensors', async () => {
    const { tf } = await selectBackend()
    const start = tf.memory().numTensors
    const { obs, act } = dataset(32, 4, 2, 6)
    const net = new GaussianMlp(tf, 4, 2, { actionLow: [-1, -1], actionHigh: [1, 1] })
    for (let i = 0; i < 3; i++) net.trainBatch(obs, act, 32)
    net.setNormalizer([1, 1, 1, 1], [2, 2, 2, 2])
    net.lossValue(obs, act, 32)
    net.predictMean(obs, 32)
    net.loadWeights(net.exportWeights())
    net.trainBatch(obs, act, 32)
    net.dispose()
    expect(tf.memory().numTensors).toBe(start)
  })
})
