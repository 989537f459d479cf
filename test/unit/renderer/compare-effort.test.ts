// The Compare view's human-effort columns (compare/plot.ts summarize): seconds to 80% of the way to the shown task's
// expert and the return per human second, from each session's curve.
import { describe, expect, it } from 'vitest'
import type { EvaluationPoint, SessionInfo } from '../../../src/shared/contract'
import { summarize } from '../../../src/renderer/src/compare/plot'

const session = (id: number, humanSeconds: number) =>
  ({
    id,
    taskId: 'reacher-arm',
    algo: 'stagger',
    oracle: 'person:noise=0.1',
    humanSeconds,
  }) as Partial<SessionInfo> as SessionInfo
const point = (cost: number, humanSeconds: number, meanReturn: number) =>
  ({ sessionId: 1, labels: cost, cost, humanSeconds, meanReturn, stdReturn: 0 }) as EvaluationPoint

describe('the Compare table', () => {
  it("gives a person's seconds to 80% of the way to the expert and the return per human second", () => {
    // given out of order: the curve is read by cost
    const points = [point(20, 90, -12), point(0, 0, -50), point(10, 45, -17)]
    const expert = { taskId: 'reacher-arm', meanReturn: -10, episodes: 25 }
    const [row] = summarize([{ session: session(1, 90), points }], expert)
    expect(row.humanSecondsTo80).toBe(45)
    expect(row.rohe).toBeCloseTo(38 / 90, 12)
    // another task's expert says nothing about this session; the expert's own sessions have no human seconds
    expect(summarize([{ session: session(1, 90), points }], { ...expert, taskId: 'hopper' })[0].humanSecondsTo80).toBe(
      null,
    )
    const machine = points.map((p) => ({ ...p, humanSeconds: 0 }))
    expect(summarize([{ session: session(2, 0), points: machine }], expert)[0]).toMatchObject({
      humanSecondsTo80: null,
      rohe: null,
    })
  })
})
