// A symmetric positive definite system solved by its Cholesky factor (the risk critic's ridge normal equations;
// a few hundred unknowns at most, so a dense factor in plain arrays is the simplest exact way).

/** The factor L of a (d x d, row-major, symmetric positive definite) with a = L L^T, and solve(b) for a x = b. */
export function cholesky(a: Float64Array, d: number): { solve(b: Float64Array): Float64Array } {
  const l = new Float64Array(d * d)
  for (let i = 0; i < d; i++)
    for (let j = 0; j <= i; j++) {
      let s = a[i * d + j]
      for (let k = 0; k < j; k++) s -= l[i * d + k] * l[j * d + k]
      if (i === j) {
        if (!(s > 0)) throw new RangeError('the risk critic’s system is not positive definite')
        l[i * d + i] = Math.sqrt(s)
      } else l[i * d + j] = s / l[j * d + j]
    }
  return {
    solve(b) {
      const y = new Float64Array(d)
      for (let i = 0; i < d; i++) {
        let s = b[i]
        for (let k = 0; k < i; k++) s -= l[i * d + k] * y[k]
        y[i] = s / l[i * d + i]
      }
      const x = new Float64Array(d)
      for (let i = d - 1; i >= 0; i--) {
        let s = y[i]
        for (let k = i + 1; k < d; k++) s -= l[k * d + i] * x[k]
        x[i] = s / l[i * d + i]
      }
      return x
    },
  }
}
