// The page's input layer in plain Node: dead zone, action mapping, keyboard fallback, and the composable's
// focus handling and its own pad-reading timer, with a fake window and a fake pad (no hardware here).
import { describe, expect, it } from 'vitest'
import { effectScope, nextTick } from 'vue'
import type { TaskInfo } from '../../../src/shared/contract'
import { applyDeadZone, emptyPadState, padToAction, radialDeadZone } from '../../../src/renderer/src/input/pad-state'
import { isTypingTarget, keyboardPadState } from '../../../src/renderer/src/input/keyboard'
import { usePadInput } from '../../../src/renderer/src/composables/usePadInput'
import {
  POLL_HZ_DEFAULT,
  POLL_HZ_MAX,
  POLL_HZ_MIN,
  clampPollHz,
  startPadPoller,
} from '../../../src/renderer/src/input/pad-poller'
import { waitFor } from '../../wait-for'

const cartpole: TaskInfo = {
  id: 'cartpole',
  title: 'Cart-pole',
  obsDim: 4,
  actDim: 1,
  controlHz: 50,
  horizon: 500,
  operator: true,
  actionLow: [-1],
  actionHigh: [1],
  gamepad: [
    { action: 0, source: 'axis0', scale: 1, label: 'stick' },
    { action: 0, source: 'triggers', scale: 1, label: 'triggers' },
  ],
}

describe('radial dead zone', () => {
  it('zeroes small deflections and keeps the direction of larger ones, rescaled to reach 1', () => {
    expect(radialDeadZone(0.1, 0.05, 0.15)).toEqual([0, 0])
    const [x, y] = radialDeadZone(0.6, 0.8, 0.2) // magnitude 1
    expect(Math.hypot(x, y)).toBeCloseTo(1)
    expect(y / x).toBeCloseTo(0.8 / 0.6)
    const [hx] = radialDeadZone(0.6, 0, 0.2)
    expect(hx).toBeCloseTo(0.5)
  })
  it('keeps a diagonal that a per-axis dead zone would snap to an axis', () => {
    const out = applyDeadZone([0.12, 0.12, 0, 0], 0.15) // each axis inside 0.15, magnitude 0.17 outside
    expect(out[0]).toBeGreaterThan(0)
    expect(out[1]).toBeCloseTo(out[0])
  })
})

describe('padToAction', () => {
  it('adds the mapped controls and clips to the action bounds', () => {
    const s = emptyPadState()
    s.axes[0] = 0.5
    s.buttons[7] = 0.25
    expect(Array.from(padToAction(cartpole, s))).toEqual([0.75])
    s.axes[0] = 1
    s.buttons[7] = 1
    expect(Array.from(padToAction(cartpole, s))).toEqual([1])
    s.buttons[7] = 0
    s.buttons[6] = 1
    s.axes[0] = -0.5
    expect(Array.from(padToAction(cartpole, s))).toEqual([-1])
  })
  it('falls back to sticks with y up when a task has no gamepad mapping', () => {
    const task: TaskInfo = { ...cartpole, actDim: 2, actionLow: [-2, -2], actionHigh: [2, 2], gamepad: undefined }
    const s = emptyPadState()
    s.axes[1] = -1 // pushed up
    expect(Array.from(padToAction(task, s))).toEqual([0, 2])
  })
})

describe('keyboard fallback', () => {
  it('maps WASD to the left stick, Space to the hold-to-act bumper and normalises diagonals', () => {
    const s = keyboardPadState(new Set(['KeyD', 'KeyW', 'Space']))
    expect(s.buttons[5]).toBe(1)
    expect(s.axes[0]).toBeCloseTo(Math.SQRT1_2)
    expect(s.axes[1]).toBeCloseTo(-Math.SQRT1_2)
  })
  it('leaves keys typed into text fields alone', () => {
    expect(isTypingTarget({ tagName: 'INPUT', type: 'number' } as unknown as EventTarget)).toBe(true)
    expect(isTypingTarget({ tagName: 'INPUT', type: 'range' } as unknown as EventTarget)).toBe(false)
    expect(isTypingTarget({ tagName: 'BODY' } as unknown as EventTarget)).toBe(false)
  })
})

/** A pad for plain Node (no hardware): the state getGamepads reports, changed by the test. */
class FakePad {
  axes = [0, 0, 0, 0]
  buttons = new Array<number>(17).fill(0)
  connected = true
  reads = 0
  getGamepads = (): (Gamepad | null)[] => {
    this.reads++
    if (!this.connected) return [null]
    return [
      {
        id: 'fake pad',
        index: 0,
        connected: true,
        mapping: 'standard',
        axes: this.axes.slice(),
        buttons: this.buttons.map((v) => ({ pressed: v >= 0.5, touched: v > 0, value: v })),
      } as unknown as Gamepad,
    ]
  }
}

function fakeWindow(): Window {
  const target = new EventTarget() as EventTarget & { document: { hasFocus(): boolean } }
  target.document = { hasFocus: () => true }
  return target as unknown as Window
}

function keyEvent(type: string, code: string): Event {
  const e = new Event(type, { cancelable: true })
  Object.assign(e, { code, repeat: false })
  return e
}

const tick = async (): Promise<void> => {
  await Promise.resolve()
  await nextTick()
}

describe('usePadInput', () => {
  it('reads the pad on its own timer and holds to act only while the bumper is down', async () => {
    const fake = new FakePad()
    const scope = effectScope()
    const pad = scope.run(() => usePadInput({ window: fakeWindow(), getGamepads: fake.getGamepads, deadZone: 0.1 }))!
    fake.axes[0] = 0.9
    await waitFor(() => pad.state.value.axes[0] > 0.8, { message: 'the stick read' })
    expect(pad.padId.value).toBe('fake pad')
    expect(pad.deadman.value).toBe(false)
    const pressed: number[] = []
    pad.onPress((b) => pressed.push(b))
    fake.buttons[5] = 1
    await waitFor(() => pad.deadman.value, { message: 'the bumper read' })
    expect(pressed).toEqual([5])
    // held: read again and again, pressed once
    const reads = fake.reads
    await waitFor(() => fake.reads > reads + 3, { message: 'more reads' })
    expect(pressed).toEqual([5])
    scope.stop()
  })

  it('reads at the bounded rate on one interval timer, cleared on stop', () => {
    const fake = new FakePad()
    const timers: { ms: number; cleared: boolean }[] = []
    const poller = startPadPoller({
      getGamepads: fake.getGamepads,
      hz: 1000,
      onChange: () => undefined,
      setInterval: (_fn, ms) => timers.push({ ms, cleared: false }) - 1,
      clearInterval: (h) => (timers[h as number].cleared = true),
    })
    expect(timers).toEqual([{ ms: 1000 / POLL_HZ_MAX, cleared: false }])
    poller.stop()
    expect(timers[0].cleared).toBe(true)
  })

  it('counts a press that lasts a single read', async () => {
    const fake = new FakePad()
    const scope = effectScope()
    const pad = scope.run(() => usePadInput({ window: fakeWindow(), getGamepads: fake.getGamepads }))!
    const pressed: number[] = []
    pad.onPress((b) => pressed.push(b))
    const reads = fake.reads
    fake.buttons[0] = 1
    await waitFor(() => fake.reads > reads, { message: 'one read' })
    fake.buttons[0] = 0
    await waitFor(() => pressed.length > 0, { message: 'the press' })
    expect(pressed).toEqual([0])
    scope.stop()
  })

  it('ignores input while the window is unfocused and takes it back on focus', async () => {
    const fake = new FakePad()
    const win = fakeWindow()
    const scope = effectScope()
    const pad = scope.run(() => usePadInput({ window: win, getGamepads: fake.getGamepads }))!
    fake.axes[2] = -1
    await waitFor(() => pad.state.value.axes[2] < -0.9, { message: 'the stick read' })
    win.dispatchEvent(new Event('blur'))
    await tick()
    expect(pad.focused.value).toBe(false)
    expect(pad.state.value.axes[2]).toBe(0)
    win.dispatchEvent(new Event('focus'))
    await tick()
    expect(pad.state.value.axes[2]).toBeLessThan(-0.9)
    scope.stop()
  })

  it('bounds the read rate and says when the pad cannot be read', async () => {
    expect(clampPollHz(1e6)).toBe(POLL_HZ_MAX)
    expect(clampPollHz(1)).toBe(POLL_HZ_MIN)
    expect(clampPollHz(Number.NaN)).toBe(POLL_HZ_DEFAULT)
    const scope = effectScope()
    const pad = scope.run(() =>
      usePadInput({
        window: fakeWindow(),
        getGamepads: () => {
          throw new Error('blocked by permissions policy')
        },
      }),
    )!
    await waitFor(() => pad.padError.value !== null, { message: 'the read error' })
    expect(pad.padError.value).toContain('blocked')
    scope.stop()
  })

  it('drives the sticks from the keyboard, with Space as hold-to-act', async () => {
    const win = fakeWindow()
    const scope = effectScope()
    const pad = scope.run(() => usePadInput({ window: win, getGamepads: new FakePad().getGamepads }))!
    win.dispatchEvent(keyEvent('keydown', 'KeyA'))
    win.dispatchEvent(keyEvent('keydown', 'Space'))
    await tick()
    expect(pad.state.value.axes[0]).toBe(-1)
    expect(pad.deadman.value).toBe(true)
    expect(pad.source.value).toBe('keyboard')
    win.dispatchEvent(keyEvent('keyup', 'Space'))
    await tick()
    expect(pad.deadman.value).toBe(false)
    scope.stop()
  })
})
