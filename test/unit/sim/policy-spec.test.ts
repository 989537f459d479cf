import { describe, expect, it } from 'vitest'
import { linearForward, mlpForward, policyFromSpec, type MlpWeights } from '../../../src/main/sim/policy-spec'
import { createRng } from '../../../src/main/sim/rng'

describe('policy specs', () => {
  it('linear: a = M (x - mu) / sigma, clipped to the bounds', () => {
    const spec = {
      kind: 'linear' as const,
      obsDim: 2,
      actDim: 2,
      M: [1, 2, -3, 0.5],
      mu: [1, 0],
      sigma: [2, 4],
      low: [-1, -1],
      high: [1, 1],
    }
    expect(Array.from(linearForward(spec, [3, 4]))).toEqual([1 * 1 + 2 * 1, -3 * 1 + 0.5 * 1])
    expect(Array.from(policyFromSpec(spec).act(Float64Array.of(3, 4)))).toEqual([1, -1])
    expect(() => policyFromSpec({ ...spec, M: [1] })).toThrow(/M has 1 entries/)
  })

  it('mlp: tanh hidden layers and a linear output, in Float64', () => {
    const w: MlpWeights = {
      obsDim: 2,
      actDim: 1,
      hidden: [2],
      layers: [
        { w: [0.5, -1, 2, 0.25], b: [0.1, -0.2] },
        { w: [1.5, -0.75], b: [-0.6] },
      ],
      logStd: [Math.log(0.2)],
    }
    const x = [0.3, -0.7]
    const h0 = Math.tanh(0.5 * 0.3 + -1 * -0.7 + 0.1)
    const h1 = Math.tanh(2 * 0.3 + 0.25 * -0.7 - 0.2)
    expect(mlpForward(w, x)[0]).toBe(1.5 * h0 - 0.75 * h1 - 0.6)
    const p = policyFromSpec({ kind: 'mlp', weights: w })
    const a = p.sample!(Float64Array.from(x), createRng(1))
    const b = p.sample!(Float64Array.from(x), createRng(1))
    expect(Array.from(a)).toEqual(Array.from(b))
    // the Gaussian has std exp(logStd): check the spread over many draws
    const rng = createRng(3)
    const draws = Array.from({ length: 4000 }, () => p.sample!(Float64Array.from(x), rng)[0])
    const mean = draws.reduce((s, v) => s + v, 0) / draws.length
    const sd = Math.sqrt(draws.reduce((s, v) => s + (v - mean) ** 2, 0) / draws.length)
    expect(mean).toBeCloseTo(mlpForward(w, x)[0], 1)
    expect(sd).toBeGreaterThan(0.17)
    expect(sd).toBeLessThan(0.23)
    expect(() => mlpForward({ ...w, layers: [{ w: [1], b: [0, 0] }] }, x)).toThrow(/expected 2 x 2/)
  })

  it('scripted specs rebuild the task controller; unknown ones fail clearly', () => {
    expect(policyFromSpec({ kind: 'scripted', taskId: 'cartpole' }).act(Float64Array.of(0, 0.1, 0, 0)).length).toBe(1)
    expect(() => policyFromSpec({ kind: 'scripted', taskId: 'hopper' })).toThrow(/no scripted expert/)
  })
})
