// A study's human-effort figures (learn/study.ts armResult): seconds, context switches, human seconds to 80% of the
// way to the expert, the return per human second and the areas against human seconds, over seeds; arms answered
// by a simulated person.
import { describe, expect, it } from 'vitest'
import {
  areaUnderHumanSeconds,
  armResult,
  horizonText,
  HUMAN_HORIZONS,
  studyArms,
  type SeedCurve,
} from '../../../src/main/learn/study'
import type { EvaluationRecord } from '../../../src/main/learn/session-log'
import { parsePersonText, personText } from '../../../src/shared/person-model'

const point = (labels: number, humanSeconds: number, ret: number): EvaluationRecord => ({
  labels,
  cost: labels,
  humanSeconds,
  returns: [ret, ret],
})
const arm = { algo: 'stagger', costRatio: 1, group: 'C=1', fallAngle: null }

describe("a study arm's human effort", () => {
  it('gives the mean seconds, switches and return per second over seeds, and the seconds to 80% of the way', () => {
    // start -50, expert -10: the target is -18
    const curves: SeedCurve[] = [
      { seed: 0, contextSwitches: 3, evaluations: [point(0, 0, -50), point(10, 40, -20), point(20, 80, -10)] },
      { seed: 1, contextSwitches: 5, evaluations: [point(0, 0, -50), point(10, 40, -16), point(20, 120, -14)] },
    ]
    const r = armResult(arm, curves, 20, -50, -10)
    expect(r.humanSeconds).toBe(100)
    expect(r.humanSecondsBand80[0]).toBeLessThanOrEqual(100)
    expect(r.humanSecondsBand80[1]).toBeGreaterThanOrEqual(100)
    expect(r.contextSwitches).toBe(4)
    expect(r.rohe).toBeCloseTo((40 / 80 + 36 / 120) / 2, 12)
    // the mean curve against human seconds: at 40 s (-20 + -16) / 2 = -18 reaches the target
    expect(r.humanSecondsTo80).toBe(40)
    // areas against human seconds, each seed's curve held at its last return past its end
    const seed0 = [(40 * -50 + 20 * -20) / 60, (40 * -50 + 40 * -20 + 520 * -10) / 600]
    const seed1 = [(40 * -50 + 20 * -16) / 60, (40 * -50 + 80 * -16 + 480 * -14) / 600]
    expect(r.secondsAreas!.map((a) => a.horizon)).toEqual(HUMAN_HORIZONS)
    expect(r.secondsAreas![0].area).toBeCloseTo((seed0[0] + seed1[0]) / 2, 9)
    expect(r.secondsAreas![1].area).toBeCloseTo((seed0[1] + seed1[1]) / 2, 9)
    expect(r.secondsAreas![1].band80[0]).toBeLessThan(r.secondsAreas![1].area)
    expect(r.secondsAreas![1].band80[1]).toBeGreaterThan(r.secondsAreas![1].area)
    expect(areaUnderHumanSeconds(curves[0].evaluations, 3600)).toBeCloseTo((-2000 - 800 - 3520 * 10) / 3600, 9)
    expect(HUMAN_HORIZONS.map(horizonText)).toEqual(['1 min', '10 min', '1 h'])
  })

  it("has no return per second and no seconds to the expert for the expert's own sessions", () => {
    const curves: SeedCurve[] = [{ seed: 0, evaluations: [point(0, 0, -50), point(10, 0, -10)] }]
    const r = armResult(arm, curves, 10, -50, -10)
    expect(r.humanSeconds).toBe(0)
    expect(r.contextSwitches).toBeNull()
    expect(r.rohe).toBeNull()
    expect(r.humanSecondsTo80).toBeNull()
    expect(r.secondsAreas).toBeNull()
  })

  it('runs every arm with the simulated person it is given', () => {
    const person = personText(parsePersonText('person:noise=0.1'))
    const arms = studyArms('cost-sweep', {
      task: 'reacher-arm',
      seeds: 2,
      seedBase: 0,
      algos: ['bc', 'stagger'],
      costRatios: [1, 2],
      oracle: person,
    })
    expect(arms.flatMap((a) => a.configs).every((c) => c.oracle === person)).toBe(true)
    expect(
      studyArms('cost-sweep', { task: 'reacher-arm', seeds: 1, seedBase: 0, algos: ['bc'], costRatios: [1] })[0]
        .configs[0].oracle,
    ).toBe('expert')
  })
})

describe('the person study', () => {
  it('runs every algorithm with each simulated person of the noise sweep, a group per person', () => {
    const arms = studyArms('person', {
      task: 'reacher-arm',
      seeds: 2,
      seedBase: 0,
      algos: ['bc', 'stagger'],
      costRatios: [1],
    })
    expect(arms.map((a) => [a.algo, a.group, a.personNoise])).toEqual([
      ['bc', 'person 1 (noise 0)', 0],
      ['stagger', 'person 1 (noise 0)', 0],
      ['bc', 'person 2 (noise 0.1)', 0.1],
      ['stagger', 'person 2 (noise 0.1)', 0.1],
      ['bc', 'person 3 (noise 0.3)', 0.3],
      ['stagger', 'person 3 (noise 0.3)', 0.3],
    ])
    expect(arms[2].configs.map((c) => parsePersonText(c.oracle).noise)).toEqual([0.1, 0.1])
    // a fitted person's model instead of the sweep
    const me = personText(parsePersonText('person:noise=0.05/0.2,query=5'))
    const mine = studyArms('person', {
      task: 'reacher-arm',
      seeds: 1,
      seedBase: 0,
      algos: ['bc'],
      costRatios: [1],
      people: [me],
    })
    expect(mine[0].configs[0].oracle).toBe(me)
    expect(mine[0].personNoise).toBeCloseTo(0.125, 12)
  })
})
