// The algorithms' registry (src/shared/algorithms.ts): the session configuration's algorithm fields, labels,
// budget splits and the CLI's and page's lists all read it, with the values the hand-written versions had.
import { describe, expect, it } from 'vitest'
import {
  ALGO_IDS,
  ALGORITHMS,
  algoLearners,
  algorithm,
  algoUsage,
  listText,
  OFFLINE_ALGOS,
} from '../../../src/shared/algorithms'
import {
  Algo,
  ALGO_VERSIONS,
  algoLabel,
  budgetSplit,
  offlineShare,
  parseAlgoLabel,
  sessionConfig,
} from '../../../src/shared/session-config'

describe('algorithm registry', () => {
  it('lists the algorithms, their versions and what they take', () => {
    expect(Algo.options).toEqual(['bc', 'dagger', 'stagger', 'warm-stagger', 'hg-dagger'])
    expect(ALGO_IDS).toEqual(Algo.options)
    expect(ALGO_VERSIONS).toEqual({ bc: 1, dagger: 2, stagger: 1, 'warm-stagger': 2, 'hg-dagger': 1 })
    expect(OFFLINE_ALGOS).toEqual(['bc', 'warm-stagger'])
    expect(ALGORITHMS.filter((a) => !a.oracle).map((a) => a.id)).toEqual(['bc'])
    expect(ALGORITHMS.map(algoLearners)).toEqual([1, 1, 1, 1, 1])
    expect(ALGORITHMS.filter((a) => a.startedFrom === 'sessions').map((a) => a.id)).toEqual([
      'bc',
      'dagger',
      'stagger',
      'warm-stagger',
    ])
    expect(() => algorithm('ppo')).toThrow(/^unknown algorithm 'ppo' \(bc, dagger, stagger, warm-stagger, hg-dagger\)$/)
    expect(listText(['a'])).toBe('a')
    expect(listText(['a', 'b', 'c'], 'or')).toBe('a, b or c')
  })

  it('reads and writes the labels the CLI and the studies use', () => {
    expect(ALGORITHMS.map(algoUsage)).toEqual([
      'bc',
      'dagger[:m=STATES]',
      'stagger',
      'warm-stagger[:fraction in 0..1]',
      'hg-dagger',
    ])
    expect(parseAlgoLabel('bc')).toStrictEqual({ algo: 'bc', warmFraction: null })
    expect(parseAlgoLabel('dagger')).toStrictEqual({ algo: 'dagger', warmFraction: null })
    expect(parseAlgoLabel('dagger:m=10')).toStrictEqual({ algo: 'dagger', warmFraction: null, daggerStates: 10 })
    expect(parseAlgoLabel('warm-stagger')).toStrictEqual({ algo: 'warm-stagger', warmFraction: 0.5 })
    expect(parseAlgoLabel('warm-stagger:0.125')).toStrictEqual({ algo: 'warm-stagger', warmFraction: 0.125 })
    for (const label of ['bc', 'dagger', 'dagger:m=10', 'stagger', 'warm-stagger:0.25', 'hg-dagger'])
      expect(algoLabel(parseAlgoLabel(label))).toBe(label)
    expect(algoLabel({ algo: 'warm-stagger', warmFraction: null })).toBe('warm-stagger:0.5')
    expect(algoLabel({ algo: 'stagger', warmFraction: 0.3, daggerStates: 4 })).toBe('stagger')
    const bad: [string, RegExp][] = [
      ['ppo', /^unknown algorithm 'ppo' \(bc, dagger\[:m=STATES\], stagger, warm-stagger\[:fraction in 0..1\], hg/],
      ['stagger:0.3', /^stagger takes no parameters, got 'stagger:0.3'$/],
      ['dagger:0.3', /^dagger takes m=STATES after a colon, got 'dagger:0.3'$/],
      ['dagger:m=0', /^dagger takes m=STATES \(random states per rollout\): .*>=1, got 'm=0'$/],
      ['dagger:m=1001', /<=1000, got 'm=1001'$/],
      ['dagger:m=2.5', /dagger takes m=STATES/],
      ['dagger:m=10:m=3', /^dagger takes m=STATES after a colon/],
      ['warm-stagger:2', /^warm-stagger takes fraction in 0..1 \(a fraction\): .*<=1, got '2'$/],
      ['warm-stagger:', /warm-stagger takes fraction/],
      ['warm-stagger:0.1:0.2', /warm-stagger takes fraction in 0..1 after a colon/],
    ]
    for (const [label, message] of bad) expect(() => parseAlgoLabel(label), label).toThrow(message)
  })

  it('splits a budget as before: all offline for BC, the fraction for WARM-STAGGER, queries for the rest', () => {
    const c = { budget: 1000, costRatio: 3, warmFraction: 0.25 }
    expect(ALGO_IDS.map((algo) => budgetSplit({ ...c, algo }))).toEqual([
      { offline: 1000, queries: 0 },
      { offline: 0, queries: 333 },
      { offline: 0, queries: 333 },
      { offline: 250, queries: 250 },
      { offline: 0, queries: 333 },
    ])
    expect(offlineShare({ algo: 'warm-stagger', budget: 999, warmFraction: null })).toBe(499)
    // costs are sums of C's: 0.1 * 3 rounds to 0.30000000000000004
    expect(budgetSplit({ algo: 'stagger', budget: 3, costRatio: 0.1, warmFraction: null }).queries).toBe(30)
  })

  it("fills the algorithm's own parameters, drops the warm fraction of others and refuses DAgger's states", () => {
    expect(sessionConfig({ taskId: 'hopper', algo: 'warm-stagger' }).warmFraction).toBe(0.5)
    expect(sessionConfig({ taskId: 'hopper', algo: 'stagger', warmFraction: 0.3 }).warmFraction).toBeNull()
    expect(sessionConfig({ taskId: 'hopper', algo: 'dagger' }).daggerStates).toBeNull()
    expect(sessionConfig({ taskId: 'hopper', algo: 'dagger', daggerStates: 5 }).daggerStates).toBe(5)
    expect(() => sessionConfig({ taskId: 'hopper', algo: 'stagger', daggerStates: 5 })).toThrow(
      /^session config: daggerStates: only dagger takes random states per rollout$/,
    )
    expect(() => sessionConfig({ taskId: 'hopper', algo: 'dagger', offline: { kind: 'demos' } })).toThrow(
      /^session config: offline: only bc and warm-stagger take offline labels from demonstrations$/,
    )
  })
})
