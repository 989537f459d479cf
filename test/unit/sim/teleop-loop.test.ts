// Start on first input: after a reset the teleop loop holds the new episode still until the person's action leaves
// neutral (cartpole would otherwise fall before anyone can act). Real MuJoCo; the loop's clock and timers are faked
// so that "nothing moved for a second" is exact, not a sleep.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { Frame } from '../../../src/shared/contract'
import { makeEnv } from '../../../src/main/sim/registry'
import { TeleopLoop } from '../../../src/main/sim/teleop-loop'

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
