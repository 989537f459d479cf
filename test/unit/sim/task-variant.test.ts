// A task variant named by its id ('hopper@fall=0.05'): the recoverability study's fall angle, honoured by the env.
import { describe, expect, it } from 'vitest'
import { listTasks, makeEnv, taskDef } from '../../../src/main/sim/registry'
import { createRng } from '../../../src/main/sim/rng'
import { envTaskId, FALL_ANGLE_TASKS, sessionConfig } from '../../../src/shared/session-config'

/** Steps until the episode ends under the same seeded random actions. */
async function episodeLength(taskId: string): Promise<number> {
  const env = await makeEnv(taskId)
  try {
    const rng = createRng(5)
    env.reset(11)
    for (let k = 1; k <= env.task.horizon; k++) {
      const a = Float64Array.from({ length: env.task.actDim }, () => rng.uniform(-1, 1))
      if (env.step(a).terminated) return k
    }
    return env.task.horizon
  } finally {
    env.close()
  }
}

describe('fall angle', () => {
  it('a tighter fall angle ends the same episode sooner; a looser one later', async () => {
    const tight = await episodeLength('hopper@fall=0.02')
    const normal = await episodeLength('hopper')
    const loose = await episodeLength('hopper@fall=1.5')
    expect(tight).toBeLessThan(normal)
    expect(loose).toBeGreaterThanOrEqual(normal)
  })

  it("the cart-pole's tip-over angle is its fall angle", async () => {
    const tight = await episodeLength('cartpole@fall=0.1')
    const normal = await episodeLength('cartpole')
    expect(tight).toBeLessThan(normal)
  })

  it('exactly the tasks that build the variant take it in a session config', () => {
    const withVariant = listTasks()
      .map((t) => t.id)
      .filter((id) => taskDef(id).withFallAngle !== undefined)
    expect([...withVariant].sort()).toEqual([...FALL_ANGLE_TASKS].sort())
  })

  it('is part of the session config, only for the tasks that have it, and names the env', () => {
    const c = sessionConfig({ taskId: 'hopper', algo: 'stagger', fallAngle: 0.1 })
    expect(envTaskId(c)).toBe('hopper@fall=0.1')
    expect(taskDef(envTaskId(c)).info.id).toBe('hopper@fall=0.1')
    expect(envTaskId(sessionConfig({ taskId: 'hopper', algo: 'stagger' }))).toBe('hopper')
    expect(() => sessionConfig({ taskId: 'reacher-arm', algo: 'stagger', fallAngle: 0.1 })).toThrow(/fall angle/)
    expect(() => sessionConfig({ taskId: 'hopper', algo: 'stagger', fallAngle: 0 })).toThrow(/fallAngle/)
    expect(() => taskDef('reacher-arm@fall=0.1')).toThrow(/no variant/)
  })
})
