// Start on first input: after a reset the teleop loop holds the new episode still until the person's action leaves
// neutral (cartpole would otherwise fall before anyone can act). Real MuJoCo; the loop's clock and timers are faked
// so that "nothing moved for a second" is exact, not a sleep.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { Frame } from '../../../src/shared/contract'
import { makeEnv } from '../../../src/main/sim/registry'
import { TeleopLoop, type TeleopStep } from '../../../src/main/sim/teleop-loop'

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] })
})
afterEach(() => {
  vi.useRealTimers()
})

describe('TeleopLoop start on first input', () => {
  it('waits after reset until a non-neutral action, then runs at the control rate; off, it runs at once', async () => {
    const env = await makeEnv('cartpole')
    const frames: Frame[] = []
    const loop = new TeleopLoop(env, {
      onFrame: (f) => frames.push(f),
      onSteps: () => undefined,
      now: () => Date.now(),
    })
    try {
      loop.start()
      loop.control('start-on-input', 1)
      const reset = loop.control('reset')
      expect(reset.step).toBe(0)
      expect(frames[frames.length - 1].waiting).toBe(true)
      await vi.advanceTimersByTimeAsync(1000)
      expect(loop.status().step).toBe(0) // a whole second and the pole has not moved
      loop.setAction(new Array(env.task.actDim).fill(0)) // neutral: still waiting
      await vi.advanceTimersByTimeAsync(500)
      expect(loop.status().step).toBe(0)

      // a push: the episode runs at the control rate from now on (a fifth of a second, before the pole can fall)
      loop.setAction(new Array(env.task.actDim).fill(0.3))
      await vi.advanceTimersByTimeAsync(200)
      expect(loop.status().step).toBeGreaterThanOrEqual(Math.floor(0.15 * env.task.controlHz))
      expect(frames[frames.length - 1].waiting).toBe(false)

      // switched off, a reset starts at once
      loop.control('start-on-input', 0)
      loop.setAction(new Array(env.task.actDim).fill(0))
      loop.control('reset')
      await vi.advanceTimersByTimeAsync(500)
      expect(loop.status().step).toBeGreaterThan(0)
      expect(frames[frames.length - 1].waiting).toBeUndefined()
    } finally {
      loop.stop()
      env.close()
    }
  })
})

describe('TeleopLoop recording and episode ends', () => {
  it('Record from a fresh episode starts at step 0 and records nothing until the first input', async () => {
    const env = await makeEnv('reacher-arm')
    const frames: Frame[] = []
    const recorded: TeleopStep[] = []
    const loop = new TeleopLoop(env, {
      seed: 4,
      onFrame: (f) => frames.push(f),
      onSteps: (s) => recorded.push(...s),
      now: () => Date.now(),
    })
    const reference = await makeEnv('reacher-arm')
    try {
      loop.start()
      loop.setAction([0.5, 0.5]) // the person drives mid-episode before pressing Record
      await vi.advanceTimersByTimeAsync(2000)
      expect(loop.status().step).toBeGreaterThan(25)
      loop.control('start-on-input', 1)
      loop.setAction([0, 0])
      const started = loop.startRecording(true)
      expect(started).toMatchObject({ step: 0, recording: true })
      expect(frames[frames.length - 1]).toMatchObject({ step: 0, waiting: true, recording: true })
      await vi.advanceTimersByTimeAsync(1000)
      expect(loop.status().step).toBe(0)
      expect(recorded).toEqual([])

      loop.setAction([0.3, 0])
      await vi.advanceTimersByTimeAsync(400)
      loop.stopRecording()
      expect(recorded.length).toBeGreaterThan(5)
      // the first recorded state is the new episode's first state (the next seed's reset), not a mid-episode one
      reference.reset(5)
      expect(recorded[0].state).toEqual(Array.from(reference.getState()))

      // without fresh, a recording goes on from the current step
      const before = loop.status().step
      expect(loop.startRecording(false).step).toBe(before)
      loop.stopRecording()
    } finally {
      loop.stop()
      env.close()
      reference.close()
    }
  })

  it("announces an episode's end in every frame after it, with the last step's success", async () => {
    const env = await makeEnv('reacher-arm')
    const frames: Frame[] = []
    const ends: { success: boolean | null; truncated: boolean }[] = []
    const loop = new TeleopLoop(env, {
      seed: 2,
      onFrame: (f) => frames.push(f),
      onSteps: () => undefined,
      onEpisodeEnd: (e) => ends.push(e),
      now: () => Date.now(),
    })
    try {
      loop.start()
      loop.startRecording(false)
      // drive the fingertip onto the target and hold it there until the time limit (200 steps at 25 Hz)
      for (let t = 0; t < 9000 && ends.length === 0; t += 40) {
        const o = env.observe()
        loop.setAction([Math.max(-1, Math.min(1, o[10] / 0.05)), Math.max(-1, Math.min(1, o[11] / 0.05))])
        await vi.advanceTimersByTimeAsync(40)
      }
      expect(ends).toEqual([expect.objectContaining({ success: true, truncated: true, steps: 200 })])
      const shown = frames[frames.length - 1]
      expect(shown.ended).toMatchObject({ count: 1, steps: 200, success: true, truncated: true, recorded: true })
      expect(shown.recording).toBe(false)
      // the end stays in the frames of the next episode, whose own success starts afresh
      await vi.advanceTimersByTimeAsync(200)
      const later = frames[frames.length - 1]
      expect(later.step).toBeGreaterThan(0)
      expect(later.ended?.count).toBe(1)
      expect(typeof later.success).toBe('boolean')
    } finally {
      loop.stop()
      env.close()
    }
  })
})
