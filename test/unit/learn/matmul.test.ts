// learn/policies/matmul.ts: the product whose gradient avoids the wasm backend's slow transposed BatchMatMul
// gives the values and the gradients of tfjs's own matMul, for matrices and for batches of them (attention).
import { describe, expect, it } from 'vitest'
import type { Tensor } from '@tensorflow/tfjs'
import { selectBackend } from '../../../src/main/learn/backend'
import { matMul, matMulTransposed } from '../../../src/main/learn/policies/matmul'

/** The largest difference between two tensors' values, relative to the largest magnitude of the first. */
function relError(a: Tensor, b: Tensor): number {
  const x = a.dataSync()
  const y = b.dataSync()
  expect(y.length).toBe(x.length)
  let scale = 0
  let err = 0
  for (let i = 0; i < x.length; i++) {
    scale = Math.max(scale, Math.abs(x[i]))
    err = Math.max(err, Math.abs(x[i] - y[i]))
  }
  return err / scale
}

describe('matMul with a plain-product gradient', () => {
  it('agrees with tfjs matMul in value and in both gradients (matrices and batches)', async () => {
    const { tf } = await selectBackend()
    const cases: [number[], number[], boolean][] = [
      [[48, 37], [37, 29], false],
      [[3, 2, 9, 5], [3, 2, 5, 7], false],
      [[3, 2, 9, 5], [3, 2, 7, 5], true], // q k^T
    ]
    for (const [sa, sb, transposed] of cases) {
      const a = tf.randomNormal(sa, 0, 1, 'float32', 1)
      const b = tf.randomNormal(sb, 0, 1, 'float32', 2)
      const ours = (x: Tensor, y: Tensor) => (transposed ? matMulTransposed(tf, x, y) : matMul(tf, x, y))
      const theirs = (x: Tensor, y: Tensor) => tf.matMul(x, y, false, transposed)
      // a loss that weighs each output differently, so a wrong or swapped gradient shows
      const weights = tf.randomNormal(theirs(a, b).shape, 0, 1, 'float32', 3)
      const loss = (f: typeof ours) => (x: Tensor, y: Tensor) => tf.sum(tf.mul(tf.square(f(x, y)), weights))
      expect(relError(theirs(a, b), ours(a, b))).toBeLessThan(1e-5)
      const [ga, gb] = tf.grads(loss(theirs))([a, b])
      const [oa, ob] = tf.grads(loss(ours))([a, b])
      expect(oa.shape).toEqual(a.shape)
      expect(ob.shape).toEqual(b.shape)
      expect(relError(ga, oa)).toBeLessThan(1e-5)
      expect(relError(gb, ob)).toBeLessThan(1e-5)
    }
  })
})
