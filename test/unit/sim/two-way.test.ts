// The two-way task: its scripted expert solves every seeded episode and takes the left way in about half of them
// (the side follows the sign of the start noise), and a policy that averages the left-going and right-going
// actions stalls under the wall: the failure mode the task is built to show.
import { afterAll, describe, expect, it } from 'vitest'
import { makeEnv, taskInfo } from '../../../src/main/sim/registry'
import { scriptedPolicy } from '../../../src/main/sim/scripted'
import { twoWayGoRound, twoWaySide } from '../../../src/main/sim/scripted-two-way'
import type { MujocoEnv } from '../../../src/main/sim/mujoco-env'
import { TWO_WAY } from '../../../src/main/sim/tasks/two-way'

const envs: MujocoEnv[] = []
afterAll(() => envs.forEach((e) => e.close()))
const open = async (): Promise<MujocoEnv> => {
  const e = await makeEnv('two-way')
  envs.push(e)
  return e
}

type Act = (obs: Float64Array) => ArrayLike<number>

interface Episode {
  success: boolean
  terminated: boolean
  steps: number
  /** side of the wall's centre line where the ball first crossed the wall's line (y = wall y), 0 if never */
  side: -1 | 0 | 1
  startX: number
  last: Float64Array
}

/** Run one episode from `obs` (already reset) with a policy. */
function run(env: MujocoEnv, obs: Float64Array, act: Act): Episode {
  const startX = obs[0]
  let side: -1 | 0 | 1 = 0
  let steps = 0
  for (;;) {
    const r = env.step(act(obs))
    const before = obs
    obs = r.observation
    steps++
    if (side === 0 && before[1] < TWO_WAY.wall[1] && obs[1] >= TWO_WAY.wall[1]) side = obs[0] < TWO_WAY.wall[0] ? -1 : 1
    if (r.terminated || r.truncated) {
      return { success: r.info.success === true, terminated: r.terminated, steps, side, startX, last: obs }
    }
  }
}

const SEEDS = Array.from({ length: 50 }, (_, i) => i)

describe('two-way', () => {
  it('is an operator task with a 6-D observation and a 2-D action in [-1, 1]', () => {
    const t = taskInfo('two-way')
    expect(t).toMatchObject({ title: 'Two-way wall', obsDim: 6, actDim: 2, operator: true, horizon: 120 })
    expect(t.actionLow).toEqual([-1, -1])
    expect(t.actionHigh).toEqual([1, 1])
    expect(t.gamepad?.length).toBeGreaterThan(0)
  })

  it('the scripted expert succeeds in every one of 50 seeded episodes and goes left in 35-65 % of them', async () => {
    const env = await open()
    const expert = scriptedPolicy('two-way')
    const eps = SEEDS.map((seed) => run(env, env.reset(seed), (o) => expert.act(o)))
    const solved = eps.filter((e) => e.success).length
    const left = eps.filter((e) => e.side === -1).length
    const mean = (xs: number[]): number => xs.reduce((s, x) => s + x, 0) / xs.length
    const lenLeft = mean(eps.filter((e) => e.side === -1).map((e) => e.steps))
    const lenRight = mean(eps.filter((e) => e.side === 1).map((e) => e.steps))
    console.log(
      `two-way expert: ${solved}/50 solved, left ${left}/50, mean length left ${lenLeft.toFixed(1)} right ${lenRight.toFixed(1)} steps`,
    )
    expect(solved).toBe(50)
    for (const e of eps) {
      // success ends the episode, well inside the horizon, after going round one side of the wall
      expect(e.terminated).toBe(true)
      expect(e.side).not.toBe(0)
      // the side is the one the start noise put the ball on
      expect(e.side).toBe(e.startX < TWO_WAY.wall[0] ? -1 : 1)
    }
    expect(left / 50).toBeGreaterThanOrEqual(0.35)
    expect(left / 50).toBeLessThanOrEqual(0.65)
    // the two ways are equally long
    expect(Math.abs(lenLeft - lenRight)).toBeLessThan(2)
  })

  it('starts the two ways from nearly the same states: the start noise is at most a centimetre', async () => {
    const env = await open()
    for (const seed of SEEDS.slice(0, 10)) {
      const obs = env.reset(seed)
      expect(Math.abs(obs[0] - TWO_WAY.start[0])).toBeLessThanOrEqual(TWO_WAY.startNoise)
      expect(Math.abs(obs[1] - TWO_WAY.start[1])).toBeLessThanOrEqual(TWO_WAY.startNoise)
      // the goal is fixed
      expect(obs[0] + obs[4]).toBeCloseTo(TWO_WAY.goal[0], 12)
      expect(obs[1] + obs[5]).toBeCloseTo(TWO_WAY.goal[1], 12)
    }
  })

  it('a policy averaging the left-going and right-going actions stalls under the wall (under 20 % success)', async () => {
    const env = await open()
    const expert = scriptedPolicy('two-way')
    const mirror = (o: Float64Array): Float64Array => Float64Array.of(-o[0], o[1], -o[2], o[3], -o[4], o[5])
    const averages: Record<string, Act> = {
      // the expert's two ways at this state
      sides: (o) => {
        const l = twoWayGoRound(o, -1)
        const r = twoWayGoRound(o, 1)
        return [(l[0] + r[0]) / 2, (l[1] + r[1]) / 2]
      },
      // the expert at this state and at its mirror image (the other way's start)
      mirrored: (o) => {
        const a = expert.act(o)
        const b = expert.act(mirror(o))
        return [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2]
      },
    }
    for (const [name, act] of Object.entries(averages)) {
      const eps = SEEDS.map((seed) => run(env, env.reset(seed), act))
      const solved = eps.filter((e) => e.success).length
      console.log(`two-way averaged (${name}): ${solved}/50 solved`)
      expect(solved / 50).toBeLessThan(0.2)
      // stuck: below the wall, near its centre line, at the horizon
      for (const e of eps.filter((x) => !x.success)) {
        expect(e.steps).toBe(taskInfo('two-way').horizon)
        expect(e.last[1]).toBeLessThan(TWO_WAY.wall[1])
        expect(Math.abs(e.last[0] - TWO_WAY.wall[0])).toBeLessThan(TWO_WAY.wall[2])
      }
    }
  })

  it('the expert is memoryless: asked at the averaged policy stuck state, it goes round and succeeds', async () => {
    const env = await open()
    const expert = scriptedPolicy('two-way')
    let obs = env.reset(3)
    for (let i = 0; i < 40; i++) {
      const l = twoWayGoRound(obs, -1)
      const r = twoWayGoRound(obs, 1)
      obs = env.step([(l[0] + r[0]) / 2, (l[1] + r[1]) / 2]).observation
    }
    expect(obs[1]).toBeLessThan(TWO_WAY.wall[1])
    const side = twoWaySide(obs)
    const e = run(env, obs, (o) => expert.act(o))
    expect(e.success).toBe(true)
    expect(e.side).toBe(side)
  })
})
