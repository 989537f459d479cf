import { afterAll, describe, expect, it } from 'vitest'
import { Frame, SceneGeometry, TaskInfo } from '../../../src/shared/contract'
import type { MujocoEnv } from '../../../src/main/sim/mujoco-env'
import { listTasks, makeEnv } from '../../../src/main/sim/registry'

const envs: MujocoEnv[] = []
const open = async (id: string): Promise<MujocoEnv> => {
  const e = await makeEnv(id)
  envs.push(e)
  return e
}
afterAll(() => envs.forEach((e) => e.close()))

describe('task registry', () => {
  it('lists the four benchmarks and the operator tasks with valid TaskInfo', async () => {
    const tasks = listTasks()
    const ids = tasks.map((t) => t.id)
    expect(ids).toEqual(
      expect.arrayContaining(['hopper', 'halfcheetah', 'walker2d', 'ant', 'reacher-arm', 'point-maze', 'cartpole']),
    )
    const dims = Object.fromEntries(tasks.map((t) => [t.id, [t.obsDim, t.actDim]]))
    expect(dims).toMatchObject({ hopper: [11, 3], halfcheetah: [17, 6], walker2d: [17, 6], ant: [27, 8] })
    for (const t of tasks) {
      expect(() => TaskInfo.parse(t)).not.toThrow()
      expect(t.id).toBe(t.id.toLowerCase())
      if (t.operator) {
        expect(t.gamepad?.length).toBeGreaterThan(0)
        for (const g of t.gamepad!) expect(g.action).toBeLessThan(t.actDim)
      } else expect(t.horizon).toBe(1000)
    }
    await expect(makeEnv('nope')).rejects.toThrow(/unknown task 'nope'/)
  })
})

describe.each(listTasks().map((t) => t.id))('%s', (id) => {
  it('loads, resets, steps and yields geometry and frames the page can use', async () => {
    const env = await open(id)
    const obs = env.reset(3)
    expect(obs.length).toBe(env.task.obsDim)
    expect(obs.every(Number.isFinite)).toBe(true)
    const zero = new Array(env.task.actDim).fill(0)
    const r = env.step(zero)
    expect(r.observation.length).toBe(env.task.obsDim)
    expect(Number.isFinite(r.reward)).toBe(true)
    expect(r.info.step).toBe(1)
    expect(env.stepCount).toBe(1)
    const g = SceneGeometry.parse(env.geometry())
    expect(g.geoms.length).toBeGreaterThan(1)
    expect(g.nbody).toBe(g.bodyNames.length)
    expect(g.trackBody).toBeGreaterThan(0)
    for (const geom of g.geoms) expect(geom.body).toBeLessThan(g.nbody)
    const f = Frame.parse(env.frame())
    expect(f.xpos.length).toBe(g.nbody * 3)
    expect(f.xquat.length).toBe(g.nbody * 4)
  })

  it('is deterministic given the seed, and seeds give different initial states', async () => {
    const env = await open(id)
    const run = (seed: number): number[] => {
      const out = Array.from(env.reset(seed))
      for (let t = 0; t < 30; t++) {
        const a = env.task.actionLow.map((lo, i) => lo + ((Math.sin(t + i) + 1) / 2) * (env.task.actionHigh[i] - lo))
        const r = env.step(a)
        out.push(...r.observation, r.reward)
        if (r.terminated) break
      }
      return out
    }
    expect(run(7)).toEqual(run(7))
    expect(run(7)).not.toEqual(run(8))
  })
})

describe('action rule', () => {
  it('throws a RangeError on a wrong length or a non-finite entry, and applies nothing', async () => {
    const env = await open('hopper')
    env.reset(1)
    const before = env.getState()
    expect(() => env.step([0, 0])).toThrow(/action must have length 3, got 2/)
    expect(() => env.step([0, NaN, 0])).toThrow(RangeError)
    expect(() => env.step([0, NaN, 0])).toThrow(/action\[1\] is NaN/)
    expect(() => env.step([0, 0, Infinity])).toThrow(/finite/)
    expect(Array.from(env.getState())).toEqual(Array.from(before))
    expect(env.stepCount).toBe(0)
  })

  it('clips out-of-range entries and says so in info.clipped', async () => {
    const a = await open('hopper')
    const b = await open('hopper')
    a.reset(2)
    b.reset(2)
    const ra = a.step([5, -7, 0.5])
    const rb = b.step([1, -1, 0.5])
    expect(ra.info.clipped).toBe(true)
    expect(rb.info.clipped).toBe(false)
    expect(Array.from(ra.observation)).toEqual(Array.from(rb.observation))
    expect(ra.reward).toBe(rb.reward)
  })
})

describe('Gymnasium semantics', () => {
  it('hopper terminates when it falls and truncates at the horizon otherwise', async () => {
    const env = await open('hopper')
    env.reset(0)
    let r = env.step([0, 0, 0])
    for (let t = 0; t < 1000 && !r.terminated && !r.truncated; t++) r = env.step([1, 1, 1])
    expect(r.terminated).toBe(true)
    const cheetah = await open('halfcheetah')
    cheetah.reset(0)
    let c = cheetah.step(new Array(6).fill(0))
    while (!c.terminated && !c.truncated) c = cheetah.step(new Array(6).fill(0))
    expect(c.truncated).toBe(true)
    expect(cheetah.stepCount).toBe(1000)
  })

  it('hopper rewards forward velocity plus the healthy bonus minus the control cost', async () => {
    const env = await open('hopper')
    env.reset(4)
    const x0 = env.sim.qpos()[0]
    const r = env.step([0.5, 0.5, 0.5])
    const xVel = (env.sim.qpos()[0] - x0) / 0.008
    expect(r.reward).toBeCloseTo(1 + xVel - 1e-3 * 0.75, 10)
  })

  it('get/set state round-trips through the env', async () => {
    const env = await open('walker2d')
    env.reset(5)
    for (let t = 0; t < 10; t++) env.step([0.1, 0.2, 0.3, -0.1, -0.2, -0.3])
    const s = env.getState()
    const o = env.observe()
    env.reset(9)
    env.setState(s)
    expect(Array.from(env.observe())).toEqual(Array.from(o))
  })
})

describe('frames', () => {
  it('show the poses of the state reached by the last step, the same as after restoring that state', async () => {
    const env = await open('cartpole')
    env.reset(2)
    for (let t = 0; t < 20; t++) env.step([1])
    const live = env.frame()
    const state = env.getState()
    env.reset(3)
    env.setState(state)
    const restored = env.frame()
    expect(live.xpos).toEqual(restored.xpos)
    expect(live.xquat).toEqual(restored.xquat)
    // and reading a frame does not change what happens next
    const next = env.step([1]).observation
    env.setState(state)
    expect(Array.from(env.step([1]).observation)).toEqual(Array.from(next))
  })
})
