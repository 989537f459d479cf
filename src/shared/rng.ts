// A small seeded random source (sfc32 seeded through splitmix32) so resets, perturbations, sampling and
// bootstrap resampling are reproducible across processes, worker threads and the page; Math.random is never used
// for anything that must replay. Plain TypeScript: it runs in Node and in the browser.
export interface Rng {
  /** uniform in [0, 1) */
  next(): number
  uniform(lo: number, hi: number): number
  /** standard normal (Box-Muller) */
  normal(): number
  int(n: number): number
  /** the generator's whole state, to continue the same sequence later (checkpoints) */
  state(): RngState
}

/** sfc32's four words and the Box-Muller spare. */
export interface RngState {
  words: [number, number, number, number]
  spare: number | null
}

function splitmix32(a: number): () => number {
  return () => {
    a = (a + 0x9e3779b9) | 0
    let t = a ^ (a >>> 16)
    t = Math.imul(t, 0x21f0aaad)
    t = t ^ (t >>> 15)
    t = Math.imul(t, 0x735a2d97)
    return (t ^ (t >>> 15)) >>> 0
  }
}

/** A generator from a seed, or one that continues exactly from a saved state. */
export function createRng(seed: number, from?: RngState): Rng {
  const sm = splitmix32(Math.floor(seed) ^ Math.floor(seed / 0x100000000))
  let a = sm()
  let b = sm()
  let c = sm()
  let d = sm()
  const next = (): number => {
    a >>>= 0
    b >>>= 0
    c >>>= 0
    d >>>= 0
    let t = (a + b) | 0
    a = b ^ (b >>> 9)
    b = (c + (c << 3)) | 0
    c = (c << 21) | (c >>> 11)
    d = (d + 1) | 0
    t = (t + d) | 0
    c = (c + t) | 0
    return (t >>> 0) / 4294967296
  }
  let spare: number | null = null
  if (from) {
    ;[a, b, c, d] = from.words
    spare = from.spare
  } else for (let i = 0; i < 12; i++) next()
  return {
    next,
    uniform: (lo, hi) => lo + (hi - lo) * next(),
    normal() {
      if (spare !== null) {
        const s = spare
        spare = null
        return s
      }
      let u = 0
      while (u === 0) u = next()
      const v = next()
      const r = Math.sqrt(-2 * Math.log(u))
      spare = r * Math.sin(2 * Math.PI * v)
      return r * Math.cos(2 * Math.PI * v)
    },
    int: (n) => Math.floor(next() * n),
    state: () => ({ words: [a >>> 0, b >>> 0, c >>> 0, d >>> 0], spare }),
  }
}
