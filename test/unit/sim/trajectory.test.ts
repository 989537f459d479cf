import { afterAll, describe, expect, it } from 'vitest'
import type { MujocoEnv } from '../../../src/main/sim/mujoco-env'
import { makeEnv } from '../../../src/main/sim/registry'
import {
  ACTION_REPLAY_TOLERANCE,
  replayActions,
  replayFromStates,
  TrajectoryRecorder,
  trajectoryFromJSON,
  trajectoryToJSON,
  type Trajectory,
} from '../../../src/main/sim/trajectory'

const envs: MujocoEnv[] = []
afterAll(() => envs.forEach((e) => e.close()))
const open = async (id: string): Promise<MujocoEnv> => {
  const e = await makeEnv(id)
  envs.push(e)
  return e
}

async function record(id: string, steps: number): Promise<Trajectory> {
  const env = await open(id)
  const rec = new TrajectoryRecorder(env)
  rec.begin(11)
  for (let t = 0; t < steps; t++) {
    // deliberately out of range now and then: the trajectory stores the applied (clipped) action
    const a = env.task.actionLow.map((_, i) => 1.3 * Math.sin(0.15 * t + i))
    const r = rec.step(a, t < steps / 2 ? 'demonstration' : 'intervention')
    if (r.terminated || r.truncated) break
  }
  return rec.finish()
}

describe.each(['walker2d', 'ant', 'reacher-arm'])('trajectory on %s', (id) => {
  it('records state, observation, clipped action, reward and source per step', async () => {
    const t = await record(id, 60)
    expect(t.steps.length).toBeGreaterThan(5)
    const s = t.steps[0]
    expect(s.source).toBe('demonstration')
    expect(t.steps.at(-1)!.source).toMatch(/demonstration|intervention/)
    for (const step of t.steps) for (const v of step.action) expect(Math.abs(v)).toBeLessThanOrEqual(1)
    expect(t.ret).toBeCloseTo(
      t.steps.reduce((a, b) => a + b.reward, 0),
      9,
    )
  })

  it('replays exactly from states in a fresh env', async () => {
    const t = await record(id, 60)
    const env = await open(id)
    env.reset(999)
    const { observations, frames } = replayFromStates(env, t)
    expect(observations.length).toBe(t.steps.length + 1)
    t.steps.forEach((s, i) => expect(Array.from(observations[i])).toEqual(Array.from(s.observation)))
    expect(frames[3].step).toBe(3)
    expect(frames[3].action).toEqual(Array.from(t.steps[3].action))
  })

  it('replays the actions from the initial state within the stated tolerance', async () => {
    const t = await record(id, 60)
    const env = await open(id)
    const report = replayActions(env, t)
    expect(report.steps).toBe(t.steps.length)
    expect(report.maxStateError).toBeLessThanOrEqual(ACTION_REPLAY_TOLERANCE)
    expect(report.maxRewardError).toBeLessThanOrEqual(ACTION_REPLAY_TOLERANCE)
    expect(report.withinTolerance).toBe(true)
  })

  it('survives a JSON round trip', async () => {
    const t = await record(id, 20)
    const back = trajectoryFromJSON(JSON.parse(JSON.stringify(trajectoryToJSON(t))))
    expect(Array.from(back.steps[5].state)).toEqual(Array.from(t.steps[5].state))
    expect(replayActions(await open(id), back).withinTolerance).toBe(true)
  })
})

it('detects a tampered trajectory', async () => {
  const t = await record('hopper', 30)
  t.steps[5].action[0] = -t.steps[5].action[0] || 0.5
  const report = replayActions(await open('hopper'), t)
  expect(report.withinTolerance).toBe(false)
})
