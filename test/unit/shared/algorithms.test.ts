// The algorithms' registry (src/shared/algorithms.ts): the session configuration's algorithm fields, labels,
// budget splits and the CLI's and page's lists all read it, with the values the hand-written versions had.
import { describe, expect, it } from 'vitest'
import {
  ALGO_IDS,
  ALGORITHMS,
  algoLearners,
  algorithm,
  algoParamsKey,
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
    expect(Algo.options).toEqual([
      'bc',
      'dagger',
      'stagger',
      'warm-stagger',
      'hg-dagger',
      'ensemble-dagger',
      'thrifty-dagger',
    ])
    expect(ALGO_IDS).toEqual(Algo.options)
    expect(ALGO_VERSIONS).toEqual({
      bc: 1,
      dagger: 2,
      stagger: 1,
      'warm-stagger': 2,
      'hg-dagger': 1,
      'ensemble-dagger': 1,
      'thrifty-dagger': 1,
    })
    expect(OFFLINE_ALGOS).toEqual(['bc', 'warm-stagger'])
    expect(ALGORITHMS.filter((a) => !a.oracle).map((a) => a.id)).toEqual(['bc'])
    expect(ALGORITHMS.map((a) => algoLearners(a))).toEqual([1, 1, 1, 1, 1, 5, 5])
    expect(algoLearners(algorithm('ensemble-dagger'), { members: 3, spread: 0.02, safety: 0.1 })).toBe(3)
    expect(ALGORITHMS.filter((a) => a.startedFrom === 'sessions').map((a) => a.id)).toEqual([
      'bc',
      'dagger',
      'stagger',
      'warm-stagger',
      'ensemble-dagger',
      'thrifty-dagger',
    ])
    expect(() => algorithm('ppo')).toThrow(
      /^unknown algorithm 'ppo' \(bc, dagger, stagger, warm-stagger, hg-dagger, ensemble-dagger, thrifty-dagger\)$/,
    )
    expect(listText(['a'])).toBe('a')
    expect(listText(['a', 'b', 'c'], 'or')).toBe('a, b or c')
  })

  it('reads and writes the labels the CLI and the studies use', () => {
    expect(ALGORITHMS.map(algoUsage)).toEqual([
      'bc',
      'dagger[:m=STATES]',
      'stagger',
      'warm-stagger[:fraction in 0..1]',
      'hg-dagger[:weighting=none|iwr][:before=STEPS]',
      'ensemble-dagger[:members=LEARNERS][:spread=FRACTION][:safety=FRACTION]',
      'thrifty-dagger[:members=LEARNERS][:switchRate=RATE][:gamma=DISCOUNT][:handBack=FRACTION]',
    ])
    expect(parseAlgoLabel('bc')).toStrictEqual({ algo: 'bc', algoParams: {} })
    expect(parseAlgoLabel('dagger')).toStrictEqual({ algo: 'dagger', algoParams: { states: null } })
    expect(parseAlgoLabel('dagger:m=10')).toStrictEqual({ algo: 'dagger', algoParams: { states: 10 } })
    expect(parseAlgoLabel('warm-stagger')).toStrictEqual({ algo: 'warm-stagger', algoParams: { fraction: 0.5 } })
    expect(parseAlgoLabel('warm-stagger:0.125')).toStrictEqual({
      algo: 'warm-stagger',
      algoParams: { fraction: 0.125 },
    })
    expect(parseAlgoLabel('hg-dagger:before=4')).toStrictEqual({
      algo: 'hg-dagger',
      algoParams: { weighting: 'none', before: 4 },
    })
    expect(parseAlgoLabel('hg-dagger:weighting=iwr').algoParams).toEqual({ weighting: 'iwr', before: 10 })
    expect(() => parseAlgoLabel('hg-dagger:weighting=iwx')).toThrow(/^hg-dagger takes weighting=none\|iwr/)
    expect(parseAlgoLabel('dagger', { states: 3 }).algoParams).toEqual({ states: 3 })
    expect(() => parseAlgoLabel('dagger:m=2', { states: 3 })).toThrow(/^dagger: states is given twice/)
    for (const label of [
      'bc',
      'dagger',
      'dagger:m=10',
      'stagger',
      'warm-stagger:0.25',
      'hg-dagger',
      'hg-dagger:before=4',
      'hg-dagger:weighting=iwr',
    ])
      expect(algoLabel(parseAlgoLabel(label))).toBe(label)
    expect(algoLabel({ algo: 'warm-stagger' })).toBe('warm-stagger:0.5')
    expect(algoLabel({ algo: 'stagger', algoParams: {} })).toBe('stagger')
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
    const c = { budget: 1000, costRatio: 3 }
    const params = (algo: string) => (algo === 'warm-stagger' ? { algoParams: { fraction: 0.25 } } : {})
    expect(ALGO_IDS.map((algo) => budgetSplit({ ...c, ...params(algo), algo }))).toEqual([
      { offline: 1000, queries: 0 },
      { offline: 0, queries: 333 },
      { offline: 0, queries: 333 },
      { offline: 250, queries: 250 },
      { offline: 0, queries: 333 },
      { offline: 0, queries: 333 },
      { offline: 0, queries: 333 },
    ])
    expect(offlineShare({ algo: 'warm-stagger', budget: 999 })).toBe(499)
    // costs are sums of C's: 0.1 * 3 rounds to 0.30000000000000004
    expect(budgetSplit({ algo: 'stagger', budget: 3, costRatio: 0.1 }).queries).toBe(30)
  })

  it("keeps the algorithm's parameters as JSON checked by its own schema, defaults filled", () => {
    expect(sessionConfig({ taskId: 'hopper', algo: 'warm-stagger' }).algoParams).toEqual({ fraction: 0.5 })
    expect(sessionConfig({ taskId: 'hopper', algo: 'stagger' }).algoParams).toEqual({})
    expect(sessionConfig({ taskId: 'hopper', algo: 'dagger' }).algoParams).toEqual({ states: null })
    expect(sessionConfig({ taskId: 'hopper', algo: 'dagger', algoParams: { states: 5 } }).algoParams).toEqual({
      states: 5,
    })
    expect(() => sessionConfig({ taskId: 'hopper', algo: 'stagger', algoParams: { states: 5 } })).toThrow(
      /^session config: algoParams: stagger takes no parameters$/,
    )
    expect(() => sessionConfig({ taskId: 'hopper', algo: 'dagger', algoParams: { states: 0 } })).toThrow(
      /^session config: algoParams: dagger: states: Too small/,
    )
    expect(() => sessionConfig({ taskId: 'hopper', algo: 'dagger', algoParams: { m: 5 } })).toThrow(
      /^session config: algoParams: dagger: .*Unrecognized key.*"m"/,
    )
    expect(() => sessionConfig({ taskId: 'hopper', algo: 'hg-dagger', algoParams: { weighting: 'heavy' } })).toThrow(
      /^session config: algoParams: hg-dagger: weighting: Invalid option/,
    )
    expect(algoParamsKey({ b: 1, a: null })).toBe('{"a":null,"b":1}')
    expect(() => sessionConfig({ taskId: 'hopper', algo: 'dagger', offline: { kind: 'demos' } })).toThrow(
      /^session config: offline: only bc and warm-stagger take offline labels from demonstrations$/,
    )
  })
})
