// The algorithms' constructors (src/main/learn/algorithms/registry.ts): one per descriptor of the shared registry,
// each building the algorithm a session's configuration names with its parameters.
import { describe, expect, it } from 'vitest'
import { ALGO_IDS } from '../../../src/shared/algorithms'
import { sessionConfig } from '../../../src/shared/session-config'
import { ALGORITHM_BUILDERS, makeAlgorithm } from '../../../src/main/learn/algorithms/registry'
import { DAgger } from '../../../src/main/learn/algorithms/dagger'
import { WarmStagger } from '../../../src/main/learn/algorithms/warm-stagger'

describe('algorithm constructors', () => {
  it('has one for every algorithm of the registry, and builds the one a configuration names', () => {
    expect(Object.keys(ALGORITHM_BUILDERS)).toEqual(ALGO_IDS)
    for (const algo of ALGO_IDS) expect(makeAlgorithm(sessionConfig({ taskId: 'cartpole', algo })).name).toBe(algo)
  })

  it("passes the configuration's parameters", () => {
    const dagger = makeAlgorithm(sessionConfig({ taskId: 'cartpole', algo: 'dagger', algoParams: { states: 7 } }))
    expect(dagger).toBeInstanceOf(DAgger)
    expect((dagger as DAgger).statesPerRollout).toBe(7)
    const warm = makeAlgorithm(
      sessionConfig({ taskId: 'cartpole', algo: 'warm-stagger', budget: 90, algoParams: { fraction: 0.25 } }),
    )
    expect(warm).toBeInstanceOf(WarmStagger)
    expect((warm as WarmStagger).offlineBudget).toBe(22)
    // demonstrations are required when the configuration draws from them
    expect(() =>
      makeAlgorithm(sessionConfig({ taskId: 'cartpole', algo: 'bc', offline: { kind: 'demos' } }), 'iid', null),
    ).toThrow(/none were loaded/)
  })
})
