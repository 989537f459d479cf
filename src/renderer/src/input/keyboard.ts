// Keyboard fallback for people without a pad: the keys stand in for standard-mapping controls.
import { emptyPadState, type PadState } from './pad-state'

/** KeyboardEvent.code -> [axis, direction] */
export const KEY_AXES: Record<string, [number, number]> = {
  KeyA: [0, -1],
  KeyD: [0, 1],
  KeyW: [1, -1],
  KeyS: [1, 1],
  ArrowLeft: [2, -1],
  ArrowRight: [2, 1],
  ArrowUp: [3, -1],
  ArrowDown: [3, 1],
}

/** KeyboardEvent.code -> standard button index */
export const KEY_BUTTONS: Record<string, number> = {
  Space: 5, // hold-to-act, like the right bumper
  Enter: 0,
  Escape: 1,
  KeyR: 3,
  KeyQ: 6,
  KeyE: 7,
  KeyP: 9,
  // the d-pad and the stick clicks: the spare inputs for actions the task's mapping leaves undriven
  KeyI: 12,
  KeyK: 13,
  KeyJ: 14,
  KeyL: 15,
  KeyZ: 10,
  KeyC: 11,
}

export const KEY_LEGEND: [string, string][] = [
  ['W A S D', 'left stick'],
  ['← ↑ → ↓', 'right stick'],
  ['Q / E', 'left / right trigger'],
  ['I K J L', 'D-pad ↑ ↓ ← →'],
  ['Z / C', 'L3 / R3 (stick clicks)'],
  ['Space (hold)', 'hold to act (RB)'],
  ['Enter', 'A: commit'],
  ['Esc', 'B: skip / cancel'],
  ['R', 'Y: reset action'],
  ['P', 'Start: pause'],
]

export function keyboardPadState(down: ReadonlySet<string>): PadState {
  const s = emptyPadState()
  for (const code of down) {
    const axis = KEY_AXES[code]
    if (axis) s.axes[axis[0]] += axis[1]
    const button = KEY_BUTTONS[code]
    if (button !== undefined) s.buttons[button] = 1
  }
  for (let i = 0; i < s.axes.length; i++) s.axes[i] = Math.max(-1, Math.min(1, s.axes[i]))
  // diagonal keys should not exceed a full stick deflection
  for (let k = 0; k < s.axes.length; k += 2) {
    const m = Math.hypot(s.axes[k], s.axes[k + 1])
    if (m > 1) {
      s.axes[k] /= m
      s.axes[k + 1] /= m
    }
  }
  return s
}

/** Keys typed into form fields belong to the field, not to the robot. */
export function isTypingTarget(target: EventTarget | null): boolean {
  const el = target as { tagName?: string; isContentEditable?: boolean } | null
  if (!el || typeof el.tagName !== 'string') return false
  const tag = el.tagName.toUpperCase()
  if (tag === 'TEXTAREA' || tag === 'SELECT' || el.isContentEditable) return true
  if (tag === 'INPUT') {
    const type = ((el as { type?: string }).type ?? 'text').toLowerCase()
    return type !== 'range' && type !== 'checkbox' && type !== 'radio' && type !== 'button'
  }
  return false
}
