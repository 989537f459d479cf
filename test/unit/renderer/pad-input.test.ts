// The page's input layer in plain Node: dead zone, action mapping, keyboard fallback, and the composable's
// focus handling and re-arming after a page error, with a fake window and a fake gamepad.js listener.
import { describe, expect, it } from 'vitest'
import { effectScope, nextTick } from 'vue'
import type { TaskInfo } from '../../../src/shared/contract'
import { applyDeadZone, emptyPadState, padToAction, radialDeadZone } from '../../../src/renderer/src/input/pad-state'
import { isTypingTarget, keyboardPadState } from '../../../src/renderer/src/input/keyboard'
import { usePadInput, type GamepadListenerLike } from '../../../src/renderer/src/composables/usePadInput'
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

class FakeListener implements GamepadListenerLike {
  starts = 0
  stops = 0
  handlers = new Map<string, ((e: { detail: unknown }) => void)[]>()
  start(): void {
    this.starts++
  }
  stop(): void {
    this.stops++
  }
  on(name: string, cb: (e: { detail: unknown }) => void): void {
    this.handlers.set(name, [...(this.handlers.get(name) ?? []), cb])
  }
  off(name: string, cb: (e: { detail: unknown }) => void): void {
    this.handlers.set(name, (this.handlers.get(name) ?? []).filter((h) => h !== cb))
  }
  emit(name: string, detail: unknown): void {
    for (const h of this.handlers.get(name) ?? []) h({ detail })
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
  it('keeps the latest axis values from change events and holds to act only while the bumper is down', async () => {
    const listener = new FakeListener()
    const scope = effectScope()
    const pad = scope.run(() => usePadInput({ window: fakeWindow(), createListener: () => listener, deadZone: 0.1 }))!
    listener.emit('gamepad:axis', { axis: 0, value: 0.9, gamepad: { id: 'pad' } })
    await tick()
    expect(pad.state.value.axes[0]).toBeGreaterThan(0.8)
    expect(pad.deadman.value).toBe(false)
    const pressed: number[] = []
    pad.onPress((b) => pressed.push(b))
    listener.emit('gamepad:button', { button: 5, value: 1, pressed: true })
    await tick()
    expect(pad.deadman.value).toBe(true)
    expect(pressed).toEqual([5])
    // no new event: the value stays (gamepad.js only reports changes)
    await tick()
    expect(pad.state.value.axes[0]).toBeGreaterThan(0.8)
    scope.stop()
    expect(listener.stops).toBe(1)
  })

  it('ignores input while the window is unfocused and takes it back on focus', async () => {
    const listener = new FakeListener()
    const win = fakeWindow()
    const scope = effectScope()
    const pad = scope.run(() => usePadInput({ window: win, createListener: () => listener }))!
    listener.emit('gamepad:axis', { axis: 2, value: -1, gamepad: { id: 'pad' } })
    win.dispatchEvent(new Event('blur'))
    await tick()
    expect(pad.focused.value).toBe(false)
    expect(pad.state.value.axes[2]).toBe(0)
    win.dispatchEvent(new Event('focus'))
    await tick()
    expect(pad.state.value.axes[2]).toBeLessThan(-0.9)
    scope.stop()
  })

  it('restarts gamepad polling after a page error stopped it', async () => {
    const listener = new FakeListener()
    const win = fakeWindow()
    const scope = effectScope()
    const pad = scope.run(() => usePadInput({ window: win, createListener: () => listener }))!
    expect(listener.starts).toBe(1)
    win.dispatchEvent(new Event('error'))
    await waitFor(() => listener.starts > 1, { message: 'polling restarted' })
    expect(listener.starts).toBe(2)
    expect(pad.rearms.value).toBe(1)
    scope.stop()
  })

  it('drives the sticks from the keyboard, with Space as hold-to-act', async () => {
    const win = fakeWindow()
    const scope = effectScope()
    const pad = scope.run(() => usePadInput({ window: win, createListener: () => new FakeListener() }))!
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
