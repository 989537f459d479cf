// Each task that names its observation components (the Datasets view's plot labels, issue 27 item 18) names every
// one of them, and the names match what observe() writes there (checked on pick-place: the cube's height is its z
// less its half size, the zone offset is zone less cube).
import { describe, expect, it } from 'vitest'
import { listTasks, makeEnv } from '../../../src/main/sim/registry'

describe('observation labels', () => {
  it('name every component of the tasks a person records, one each', () => {
    const named = listTasks().filter((t) => t.obsLabels)
    expect(named.map((t) => t.id).sort()).toEqual(
      ['cartpole', 'pick-place', 'point-maze', 'push-t', 'reacher-arm', 'two-way'].sort(),
    )
    for (const t of named) {
      expect(t.obsLabels, t.id).toHaveLength(t.obsDim)
      expect(new Set(t.obsLabels).size, t.id).toBe(t.obsDim)
    }
  })

  it("match pick-place's observation", async () => {
    const env = await makeEnv('pick-place')
    try {
      const obs = env.reset(3)
      const labels = listTasks().find((t) => t.id === 'pick-place')!.obsLabels!
      const at = (name: string) => obs[labels.indexOf(name)]
      expect(at('zone − cube x')).toBeCloseTo(at('zone x') - at('cube x'), 9)
      expect(at('cube − gripper z')).toBeCloseTo(at('cube z') - at('gripper z'), 9)
      expect(at('cos gripper yaw') ** 2 + at('sin gripper yaw') ** 2).toBeCloseTo(1, 9)
    } finally {
      env.close()
    }
  })
})
