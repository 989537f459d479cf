// The statistics module shared by the CLI report and the page: known values, and a bootstrap band that is
// reproducible, contains the mean and narrows with more data.
import { describe, expect, it } from 'vitest'
import { createRng } from '../../../src/shared/rng'
import { bootstrapBand, mean, meanStd, quantile, std, sum } from '../../../src/shared/stats'

describe('mean and std', () => {
  it('gives the known values (population std, as numpy)', () => {
    expect(sum([1, 2, 3.5])).toBe(6.5)
    expect(mean([2, 4, 4, 4, 5, 5, 7, 9])).toBe(5)
    expect(std([2, 4, 4, 4, 5, 5, 7, 9])).toBe(2)
    expect(meanStd([1, 3])).toEqual({ mean: 2, std: 1 })
    expect(meanStd([-7])).toEqual({ mean: -7, std: 0 })
  })
  it('reads no values as 0, as the store records an empty evaluation', () => {
    expect(mean([])).toBe(0)
    expect(std([])).toBe(0)
    expect(meanStd([])).toEqual({ mean: 0, std: 0 })
  })
})

describe('quantile', () => {
  it('interpolates between order statistics (numpy linear) and does not need sorted input', () => {
    const xs = [15, 20, 35, 40, 50]
    expect(quantile(xs, 0)).toBe(15)
    expect(quantile(xs, 1)).toBe(50)
    expect(quantile([50, 15, 40, 35, 20], 0.5)).toBe(35)
    expect(quantile(xs, 0.4)).toBe(29) // h = 1.6: 20 + 0.6 * 15
    expect(quantile([1, 2, 3, 4], 0.25)).toBe(1.75)
    expect(quantile([], 0.5)).toBeNaN()
    expect(quantile([3], 0.9)).toBe(3)
  })
})

describe('bootstrapBand', () => {
  const sample = (n: number, seed: number): number[] => {
    const rng = createRng(seed)
    return Array.from({ length: n }, () => 10 + 3 * rng.normal())
  }

  it('contains the mean, and is exactly reproducible with a seed', () => {
    const xs = sample(12, 4)
    const b = bootstrapBand(xs, { seed: 9 })
    expect(b.n).toBe(12)
    expect(b.mean).toBeCloseTo(mean(xs), 12)
    expect(b.lo).toBeLessThan(b.mean)
    expect(b.hi).toBeGreaterThan(b.mean)
    expect(bootstrapBand(xs, { seed: 9 })).toEqual(b)
    expect(bootstrapBand(xs, { seed: 10 })).not.toEqual(b)
  })

  it('narrows with more data (about as 1 / sqrt(n)) and widens with the level', () => {
    const width = (xs: number[], level = 0.8): number => {
      const b = bootstrapBand(xs, { level })
      return b.hi - b.lo
    }
    const few = width(sample(10, 1))
    const many = width(sample(1000, 1))
    expect(many).toBeLessThan(few / 4)
    // an 80% band of the mean of N(10, 3) draws is about 2 * 1.28 * 3 / sqrt(n) wide
    expect(many).toBeGreaterThan(0.5 * ((2 * 1.2816 * 3) / Math.sqrt(1000)))
    expect(many).toBeLessThan(1.5 * ((2 * 1.2816 * 3) / Math.sqrt(1000)))
    const xs = sample(30, 2)
    expect(width(xs, 0.95)).toBeGreaterThan(width(xs, 0.8))
  })

  it('collapses for one value or identical values, and is NaN for none', () => {
    expect(bootstrapBand([5])).toEqual({ mean: 5, lo: 5, hi: 5, n: 1 })
    expect(bootstrapBand([5, 5, 5])).toMatchObject({ mean: 5, lo: 5, hi: 5 })
    const none = bootstrapBand([])
    expect(none.n).toBe(0)
    expect(none.mean).toBeNaN()
  })
})
