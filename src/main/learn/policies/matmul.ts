// A matrix product whose gradient stays on the fast path of tfjs's WebAssembly backend. Its BatchMatMul takes a
// transposed operand 10 to 20 times slower than a plain one (measured on this project's machine, 64 x 256 by
// 256 x 256: 0.45 ms plain, 5.3 ms with transposeB, 8.5 ms with transposeA), and autodiff's gradient of a product
// uses both (dA = dY B^T, dB = A^T dY). Transposing first and multiplying plainly costs 0.8 ms. The values are
// the same products; only float32 summation order differs from tfjs's own gradient.
import type { Tensor } from '@tensorflow/tfjs'
import type { Tf } from '../backend'

type Product = (a: Tensor, b: Tensor) => Tensor

const products = new WeakMap<Tf, Product>()

/** The last two axes swapped (a matrix, or each matrix of a batch). */
function swapLast(tf: Tf, t: Tensor): Tensor {
  const perm = t.shape.map((_, i) => i)
  perm[perm.length - 2] = perm.length - 1
  perm[perm.length - 1] = perm.length - 2
  return tf.transpose(t, perm)
}

/**
 * a @ b for matrices (n x k by k x m) or batches of them with the same batch shape (no broadcasting), with a
 * gradient of plain products of explicitly transposed operands.
 */
export function matMul<T extends Tensor>(tf: Tf, a: T, b: Tensor): T {
  let product = products.get(tf)
  if (!product) {
    product = tf.customGrad((x, y, save) => {
      const [xa, yb] = [x as Tensor, y as Tensor]
      ;(save as (saved: Tensor[]) => void)([xa, yb])
      return {
        value: tf.matMul(xa, yb),
        gradFunc: (dy, saved) => {
          const [sa, sb] = saved
          return [tf.matMul(dy as Tensor, swapLast(tf, sb)), tf.matMul(swapLast(tf, sa), dy as Tensor)]
        },
      }
    }) as unknown as Product
    products.set(tf, product)
  }
  return product(a, b) as T
}

/** a @ b^T, as matMul of b transposed (the attention scores q k^T). */
export function matMulTransposed<T extends Tensor>(tf: Tf, a: T, b: Tensor): T {
  return matMul(tf, a, swapLast(tf, b))
}
