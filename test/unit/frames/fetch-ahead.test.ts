// The order dataset images are fetched ahead in (frames/dataset-images.ts): the batch a writer asks for next is the
// rest of its episode, then the next episode that has steps; nothing after the last.
import { describe, expect, it } from 'vitest'
import { nextSpan } from '../../../src/main/frames/dataset-images'

describe('nextSpan', () => {
  const lengths = [5, 0, 3, 0]
  it('goes on within an episode, a batch at a time, the last one short', () => {
    expect(nextSpan(lengths, 2, [0, 0, 2])).toEqual([0, 2, 4])
    expect(nextSpan(lengths, 2, [0, 2, 4])).toEqual([0, 4, 5])
  })
  it('skips episodes without steps and stops after the last', () => {
    expect(nextSpan(lengths, 2, [0, 4, 5])).toEqual([2, 0, 2])
    expect(nextSpan(lengths, 2, [2, 2, 3])).toBeNull()
  })
  it('visits every step of every episode once, in order', () => {
    const seen: string[] = []
    for (let s: readonly [number, number, number] | null = [0, 0, 2]; s; s = nextSpan(lengths, 2, s))
      for (let i = s[1]; i < s[2]; i++) seen.push(`${s[0]}:${i}`)
    expect(seen).toEqual(['0:0', '0:1', '0:2', '0:3', '0:4', '2:0', '2:1', '2:2'])
  })
})
