// The manipulation tasks: their scripted experts (the simulated oracle) solve most seeded episodes, the step's
// info says success, and a policy that does nothing never succeeds (so the check can fail).
import { afterAll, describe, expect, it } from 'vitest'
import { makeEnv, taskInfo } from '../../../src/main/sim/registry'
import { scriptedPolicy } from '../../../src/main/sim/scripted'
import type { MujocoEnv } from '../../../src/main/sim/mujoco-env'
import { PICK } from '../../../src/main/sim/tasks/pick-place'
import { PUSHT, insideTee } from '../../../src/main/sim/tasks/push-t'
import { teeContacts } from '../../../src/main/sim/scripted-manipulation'

const envs: MujocoEnv[] = []
afterAll(() => envs.forEach((e) => e.close()))
const open = async (id: string): Promise<MujocoEnv> => {
  const e = await makeEnv(id)
  envs.push(e)
  return e
}

/** Run one episode with a policy; whether any step reported success, and the last step's info. */
function episode(env: MujocoEnv, seed: number, act: (obs: Float64Array) => ArrayLike<number>) {
  let obs = env.reset(seed)
  let success = false
  for (;;) {
    const r = env.step(act(obs))
    obs = r.observation
    if (r.info.success === true) success = true
    if (r.terminated || r.truncated) return { success, info: r.info, terminated: r.terminated }
  }
}

describe.each(['pick-place', 'push-t'])('%s', (id) => {
  it('the scripted expert solves at least 8 of 10 seeded episodes, each ending on success', async () => {
    const env = await open(id)
    const expert = scriptedPolicy(id)
    let solved = 0
    for (let seed = 200; seed < 210; seed++) {
      const r = episode(env, seed, (o) => expert.act(o))
      // success ends the episode (terminated), and only success does
      expect(r.terminated).toBe(r.success)
      if (r.success) solved++
    }
    expect(solved).toBeGreaterThanOrEqual(8)
  })

  it('a policy that does nothing never succeeds', async () => {
    const env = await open(id)
    const still = new Float64Array(taskInfo(id).actDim)
    const r = episode(env, 201, () => still)
    expect(r.success).toBe(false)
    expect(r.info.success).toBe(false)
  })
})

describe('pick-place', () => {
  it('holds a grasped cube: closing on it and rising lifts it', async () => {
    const env = await open('pick-place')
    const expert = scriptedPolicy('pick-place')
    let obs = env.reset(7)
    let lifted = false
    for (let i = 0; i < 200 && !lifted; i++) {
      const r = env.step(expert.act(obs))
      obs = r.observation
      lifted = r.info.lifted === true
    }
    expect(lifted).toBe(true)
    // the cube rose with the fingers closed on it (opening about the cube's half size)
    expect(obs[5]).toBeLessThan(PICK.cubeHalf + 0.004)
  })
})

describe('push-t', () => {
  it('offers contact points on the outline where the pusher fits', () => {
    const points = teeContacts()
    expect(points.length).toBeGreaterThan(30)
    for (const k of points) {
      // on the outline: just outside along the normal is free, just inside is the block
      expect(insideTee(k.x + k.nx * 0.002, k.y + k.ny * 0.002, 0)).toBe(false)
      expect(insideTee(k.x - k.nx * 0.002, k.y - k.ny * 0.002, 0)).toBe(true)
      // the pusher touching there overlaps no other part of the block
      const r = PUSHT.pusherRadius
      expect(insideTee(k.x + k.nx * r * 1.01, k.y + k.ny * r * 1.01, r * 0.99)).toBe(false)
    }
  })
})
