// task.json's `init`: a spread of initial states (keyframes drawn at random, noise on qpos and qvel), drawn from the
// reset's seed, so the same seed starts the same way and different seeds differ; a bad `init` is one line.
import { afterEach, describe, expect, it } from 'vitest'
import { clearFolderTasks, makeEnv, registerFolderTask } from '../../../src/main/sim/registry'
import { VectorEnv } from '../../../src/main/sim/rollout-pool'
import { checkTaskFolder, type TaskFiles } from '../../../src/main/sim/tasks/folder-task'

afterEach(() => clearFolderTasks())

const enc = (s: string): Uint8Array => new TextEncoder().encode(s)

// nq 7 + 1 + 1 = 9 (a free ball, a hinge limited to +-0.2 rad, a slide), nv 6 + 1 + 1 = 8
const MODEL = `<mujoco model="init">
  <compiler angle="radian"/>
  <worldbody>
    <body name="ball" pos="0 0 1"><freejoint name="free"/><geom type="sphere" size="0.05"/></body>
    <body name="arm" pos="1 0 0">
      <joint name="hinge" type="hinge" axis="0 1 0" range="-0.2 0.2"/>
      <geom type="capsule" fromto="0 0 0 0 0 0.3" size="0.02"/>
      <body name="cart" pos="0 0 0.3">
        <joint name="slide" type="slide" axis="1 0 0"/>
        <geom type="box" size="0.05 0.05 0.05"/>
      </body>
    </body>
  </worldbody>
  <actuator><motor joint="hinge"/><motor joint="slide"/></actuator>
  <keyframe>
    <key name="high" qpos="0 0 2 1 0 0 0 0.1 0.5" qvel="0 0 0 0 0 0 0 1"/>
  </keyframe>
</mujoco>`

function folder(init: unknown): TaskFiles {
  return {
    'task.json': enc(JSON.stringify({ id: 'init-test', model: 'm.xml', horizon: 20, init })),
    'm.xml': enc(MODEL),
  }
}

/** qpos and qvel right after reset(seed) of the registered task. */
async function starts(init: unknown, seeds: number[]): Promise<{ qpos: number[]; qvel: number[] }[]> {
  registerFolderTask(await checkTaskFolder(folder(init), 'init-test'))
  const env = await makeEnv('init-test')
  try {
    return seeds.map((s) => {
      env.reset(s)
      return { qpos: Array.from(env.sim.qpos()), qvel: Array.from(env.sim.qvel()) }
    })
  } finally {
    env.close()
  }
}

const QPOS0 = [0, 0, 1, 1, 0, 0, 0, 0, 0]

describe("task.json's init", () => {
  it('without init every seed starts from qpos0 at rest', async () => {
    const [a, b] = await starts(undefined, [1, 2])
    expect(a).toEqual(b)
    expect(a.qpos).toEqual(QPOS0)
    expect(a.qvel.every((v) => v === 0)).toBe(true)
  })

  it('noise: different seeds start differently, the same seed the same, within the bounds', async () => {
    const init = {
      qpos: { noise: 'uniform', scale: 0.05, joints: { hinge: 1 } },
      qvel: { noise: 'gaussian', scale: 0.1, joints: { slide: 0 } },
    }
    const [a, b, a2] = await starts(init, [1, 2, 1])
    expect(a2).toEqual(a)
    expect(b.qpos).not.toEqual(a.qpos)
    expect(b.qvel).not.toEqual(a.qvel)
    for (const s of [a, b]) {
      // the free joint's position within +-scale of qpos0, its quaternion still a unit one and turned
      for (let i = 0; i < 3; i++) expect(Math.abs(s.qpos[i] - QPOS0[i])).toBeLessThanOrEqual(0.05)
      expect(Math.hypot(...s.qpos.slice(3, 7))).toBeCloseTo(1, 12)
      expect(s.qpos[3]).toBeLessThan(1)
      // the hinge's scale 1 is held in its range +-0.2; the slide within +-0.05
      expect(Math.abs(s.qpos[7])).toBeLessThanOrEqual(0.2)
      expect(Math.abs(s.qpos[8])).toBeLessThanOrEqual(0.05)
      // gaussian qvel within +-3 scale; the slide's own scale 0 leaves it at rest
      for (let i = 0; i < 7; i++) expect(Math.abs(s.qvel[i])).toBeLessThanOrEqual(0.3)
      expect(s.qvel[7]).toBe(0)
    }
  })

  it('keyframes: a named <key> (with its qvel) or a qpos list, drawn by the seed', async () => {
    const inline = [0.5, 0, 1, 1, 0, 0, 0, -0.1, -0.3]
    const seeds = Array.from({ length: 16 }, (_, i) => i)
    const out = await starts({ keyframes: ['high', inline] }, [...seeds, 3])
    const high = out.filter((s) => s.qpos[2] === 2)
    const flat = out.filter((s) => s.qpos[0] === 0.5)
    expect(high.length + flat.length).toBe(out.length)
    expect(high.length).toBeGreaterThan(0)
    expect(flat.length).toBeGreaterThan(0)
    expect(high[0]).toEqual({ qpos: [0, 0, 2, 1, 0, 0, 0, 0.1, 0.5], qvel: [0, 0, 0, 0, 0, 0, 0, 1] })
    expect(flat[0]).toEqual({ qpos: inline, qvel: [0, 0, 0, 0, 0, 0, 0, 0] })
    expect(out[out.length - 1]).toEqual(out[3])
  })

  it('a rollout worker starts the episode of a seed as the main thread does', async () => {
    const init = { keyframes: ['high'], qpos: { scale: 0.02 } }
    const [here] = await starts(init, [7])
    const vec = await VectorEnv.create('init-test', 1)
    try {
      // the observation is qpos then qvel
      expect(Array.from(await vec.reset([7])).slice(0, 9)).toEqual(here.qpos)
    } finally {
      await vec.close()
    }
  })

  it('a bad init is refused in one line naming the field', async () => {
    const problem = async (init: unknown): Promise<string> => {
      try {
        await checkTaskFolder(folder(init), 'init-test')
      } catch (e) {
        return (e as Error).message
      }
      return 'accepted'
    }
    expect(await problem({ qpos: { scale: 50 } })).toMatch(/^task\.json: init\.qpos\.scale: .*10/)
    expect(await problem({ qvel: { noise: 'cauchy', scale: 1 } })).toMatch(/^task\.json: init\.qvel\.noise: /)
    expect(await problem({ qpos: { scale: -1 } })).toMatch(/^task\.json: init\.qpos\.scale: /)
    expect(await problem({ keyframes: [] })).toMatch(/^task\.json: init\.keyframes: /)
    expect(await problem({ jitter: 1 })).toMatch(/^task\.json: init: /)
    expect(await problem({ keyframes: [{ qpos: [0] }] })).toBe(
      'task.json: init.keyframes.0: must be the name of a <key> in the model or a list of qpos numbers',
    )
    expect(await problem({ keyframes: ['high', 'nope'] })).toBe(
      "task.json: init.keyframes.1: no keyframe named 'nope' in m.xml",
    )
    expect(await problem({ keyframes: [[0, 1]] })).toBe(
      'task.json: init.keyframes.0: 2 qpos values, but m.xml has 9 (nq)',
    )
    expect(await problem({ qvel: { joints: { elbow: 0.1 } } })).toBe(
      "task.json: init.qvel.joints.elbow: no joint named 'elbow' in m.xml",
    )
    for (const m of await Promise.all([problem({ qpos: { scale: 50 } }), problem({ keyframes: ['nope'] })]))
      expect(m).not.toContain('\n')
  })
})
