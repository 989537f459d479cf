// The person study's crossover per person, STAGGER's sessions re-priced instead of run again at each C: a session
// at C asks the first budget / C of the queries the C = 1 session asks (real sessions, checked here), so its area
// is the C = 1 curve's with the cost axis stretched by C.
import { describe, expect, it } from 'vitest'
import { expertFor } from '../../../src/main/experts/registry'
import { ExpertOracle } from '../../../src/main/learn/oracle'
import { MemorySessionLog, type EvaluationRecord } from '../../../src/main/learn/session-log'
import { runSession } from '../../../src/main/learn/session-runner'
import { areaUnderCost, repricedArea, repricedCrossover } from '../../../src/main/learn/study'
import { makeEnv } from '../../../src/main/sim/registry'
import { sessionConfig } from '../../../src/shared/session-config'

async function stagger(costRatio: number): Promise<EvaluationRecord[]> {
  const config = sessionConfig({
    taskId: 'cartpole',
    algo: 'stagger',
    budget: 24,
    costRatio,
    seed: 5,
    evalEvery: 4,
    evalEpisodes: 2,
  })
  const log = new MemorySessionLog(config)
  const expert = expertFor('cartpole')
  expect((await runSession({ log, oracle: new ExpertOracle(expert), expert, makeEnv })).status).toBe('finished')
  return log.evaluations()
}

const curve = (points: [number, number][]): EvaluationRecord[] =>
  points.map(([labels, ret]) => ({ labels, cost: labels, humanSeconds: 0, returns: [ret] }))

describe('re-priced STAGGER sessions', () => {
  it('a session at C = 2 is the C = 1 session cut at budget / C, so its area is the re-priced one', async () => {
    const [one, two] = [await stagger(1), await stagger(2)]
    expect(two.at(-1)!.labels).toBe(12)
    for (const e of two) {
      const same = one.find((o) => o.labels === e.labels)!
      expect(e.returns).toEqual(same.returns)
      expect(e.cost).toBe(2 * e.labels)
    }
    expect(repricedArea(one, 2, 24)).toBeCloseTo(areaUnderCost(two, 24), 9)
    expect(repricedArea(one, 1, 24)).toBe(areaUnderCost(one, 24))
  }, 120_000)

  it('finds where BC overtakes STAGGER as the price of a query grows', () => {
    // STAGGER reaches 100 at 20 queries; BC reaches 100 only at 60 labels; budget 100
    const s = curve([
      [0, 0],
      [20, 100],
      [100, 100],
    ])
    const b = curve([
      [0, 0],
      [60, 100],
      [100, 100],
    ])
    // areas: STAGGER at C: 100 (1 - 20 C / 100) for C <= 5; BC 40
    expect(repricedArea(s, 1, 100)).toBe(80)
    expect(repricedArea(s, 3, 100)).toBe(40)
    expect(repricedArea(s, 10, 100)).toBe(0)
    const x = repricedCrossover([b, b], [s, s], 100, [1, 2, 4, 8])
    expect(x.gaps).toEqual([40, 20, -20, -40])
    expect(x.ratio).toBeCloseTo(Math.exp((Math.log(2) + Math.log(4)) / 2), 9) // halfway in log C
    expect(repricedCrossover([b], [s], 100, [1, 2]).ratio).toBeNull() // STAGGER stays ahead
  })
})
