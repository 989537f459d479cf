// The standard-mapping gamepad (W3C Gamepad spec, mapping === 'standard'): buttons 0-3 are the right cluster
// (bottom, right, left, top), 4/5 bumpers, 6/7 analog triggers, 8/9 back/start, 10/11 stick clicks,
// 12-15 d-pad, 16 home; axes 0-3 are the two sticks with y positive when pushed down.
import type { GamepadAxisMap, TaskInfo } from '../../../shared/contract'

export const AXES = 4
export const BUTTONS = 17

export const Button = {
  bottom: 0,
  right: 1,
  left: 2,
  top: 3,
  leftBumper: 4,
  rightBumper: 5,
  leftTrigger: 6,
  rightTrigger: 7,
  back: 8,
  start: 9,
} as const

export const BUTTON_NAMES = [
  'A / ✕',
  'B / ○',
  'X / □',
  'Y / △',
  'LB',
  'RB',
  'LT',
  'RT',
  'Back',
  'Start',
  'L3',
  'R3',
  'D-pad ↑',
  'D-pad ↓',
  'D-pad ←',
  'D-pad →',
  'Home',
] as const

/** One snapshot of the controls, whatever produced them (pad, keyboard, mouse). Replaced, never mutated in place. */
export interface PadState {
  axes: Float32Array
  buttons: Float32Array
}

export function emptyPadState(): PadState {
  return { axes: new Float32Array(AXES), buttons: new Float32Array(BUTTONS) }
}

/**
 * Radial dead zone on one stick: inside `radius` the stick reads zero; outside, the magnitude is rescaled from
 * [radius, 1] to [0, 1] so small deliberate motions are still possible and the direction is kept. A per-axis
 * (square) dead zone would snap diagonal motions to the axes.
 */
export function radialDeadZone(x: number, y: number, radius: number): [number, number] {
  const m = Math.hypot(x, y)
  if (!(m > radius)) return [0, 0]
  const scaled = Math.min(1, (m - radius) / (1 - radius))
  return [(x / m) * scaled, (y / m) * scaled]
}

/** Apply the radial dead zone to both sticks (axes 0/1 and 2/3). */
export function applyDeadZone(raw: ArrayLike<number>, radius: number): Float32Array {
  const out = new Float32Array(AXES)
  for (let s = 0; s < AXES; s += 2) {
    const [x, y] = radialDeadZone(raw[s] ?? 0, raw[s + 1] ?? 0, radius)
    out[s] = x
    out[s + 1] = y
  }
  return out
}

/**
 * A control the page reads: task.json's sources, and the page's own spare ones for actions nothing else drives:
 * the d-pad's two axes and the stick clicks (buttons no view takes for itself).
 */
export type PadSource = GamepadAxisMap['source'] | 'dpad-y' | 'dpad-x' | 'stick-clicks'
export type PadMap = Omit<GamepadAxisMap, 'source'> & { source: PadSource }

export function controlValue(state: PadState, source: PadSource): number {
  switch (source) {
    case 'axis0':
      return state.axes[0]
    case 'axis1':
      return state.axes[1]
    case 'axis2':
      return state.axes[2]
    case 'axis3':
      return state.axes[3]
    case 'trigger6':
      return state.buttons[6]
    case 'trigger7':
      return state.buttons[7]
    case 'triggers':
      return state.buttons[7] - state.buttons[6]
    case 'dpad-y':
      return state.buttons[12] - state.buttons[13]
    case 'dpad-x':
      return state.buttons[15] - state.buttons[14]
    case 'stick-clicks':
      return state.buttons[11] - state.buttons[10]
  }
}

/** Spare inputs, in the order actions that nothing drives get them (the triggers only where the task uses neither). */
const SPARE: PadSource[] = ['triggers', 'dpad-y', 'dpad-x', 'stick-clicks']

/**
 * What drives each action: the task's gamepad mapping (or stick axis i for action i), then the spare inputs for the
 * actions it leaves undriven, in order (a model of ours with eight actions gets all eight on the pad); each spare
 * one spans the action's range, up / right / R3 / RT positive.
 */
export function gamepadMapping(task: TaskInfo): PadMap[] {
  const base: PadMap[] = taskMapping(task)
  const driven = new Set(base.map((m) => m.action))
  const triggers = base.some((m) => m.source === 'triggers' || m.source === 'trigger6' || m.source === 'trigger7')
  const spare = SPARE.filter((s) => s !== 'triggers' || !triggers)
  const names = actionLabels(task)
  for (let a = 0; a < task.actDim && spare.length > 0; a++) {
    if (driven.has(a)) continue
    const half = Math.max(Math.abs(task.actionLow[a] ?? -1), Math.abs(task.actionHigh[a] ?? 1))
    const label = names[a] === `a${a}` ? `action ${a}` : names[a]
    base.push({ action: a, source: spare.shift()!, scale: half, label })
  }
  return base
}

/** The task's gamepad mapping, or a default one: action i from stick axis i (x right, y up), full range. */
function taskMapping(task: TaskInfo): GamepadAxisMap[] {
  if (task.gamepad && task.gamepad.length > 0) return [...task.gamepad]
  const sources = ['axis0', 'axis1', 'axis2', 'axis3'] as const
  const out: GamepadAxisMap[] = []
  for (let i = 0; i < Math.min(task.actDim, sources.length); i++) {
    const half = Math.max(Math.abs(task.actionLow[i] ?? -1), Math.abs(task.actionHigh[i] ?? 1))
    // stick y is positive when pushed down; pushing up should mean "more"
    out.push({ action: i, source: sources[i], scale: i % 2 === 1 ? -half : half, label: `action ${i}` })
  }
  return out
}

/** Where each control is, for the legend: 'left stick ←→', 'D-pad ↑ / ↓'. */
export const SOURCE_NAMES: Record<PadSource, string> = {
  axis0: 'left stick ←→',
  axis1: 'left stick ↑↓',
  axis2: 'right stick ←→',
  axis3: 'right stick ↑↓',
  trigger6: 'LT',
  trigger7: 'RT',
  triggers: 'RT − LT',
  'dpad-y': 'D-pad ↑ − ↓',
  'dpad-x': 'D-pad → − ←',
  'stick-clicks': 'R3 − L3 (stick clicks)',
}

/** The actions no control drives (a model with more actions than the pad has inputs): they stay 0. */
export function unmappedActions(task: TaskInfo, mapping = gamepadMapping(task)): number[] {
  const driven = new Set(mapping.map((m) => m.action))
  return Array.from({ length: task.actDim }, (_, i) => i).filter((i) => !driven.has(i))
}

/** Each action component's name: the task's own (actLabels), else its gamepad mapping's label, else 'a<i>'. */
export function actionLabels(task: TaskInfo): string[] {
  const labels = Array.from({ length: task.actDim }, (_, i) => task.actLabels?.[i]?.slice(0, 60) || `a${i}`)
  // the task's own names only: a spare input's 'action N' names nothing
  for (const m of taskMapping(task))
    if (m.action < task.actDim && labels[m.action] === `a${m.action}`) labels[m.action] = m.label.slice(0, 60)
  return labels
}

/** Turn controls into an action: sum each mapped control times its scale, then clip to the task's bounds. */
export function padToAction(task: TaskInfo, state: PadState, mapping = gamepadMapping(task)): Float64Array {
  const action = new Float64Array(task.actDim)
  for (const m of mapping) {
    if (m.action < task.actDim) action[m.action] += controlValue(state, m.source) * m.scale
  }
  return clipAction(task, action)
}

export function clipAction(task: TaskInfo, action: Float64Array): Float64Array {
  for (let i = 0; i < action.length; i++) {
    const lo = task.actionLow[i] ?? -Infinity
    const hi = task.actionHigh[i] ?? Infinity
    action[i] = Math.min(hi, Math.max(lo, action[i]))
  }
  return action
}

/** Largest absolute control value: used to detect "the person touched the controls". */
export function activity(state: PadState): number {
  let m = 0
  for (const v of state.axes) m = Math.max(m, Math.abs(v))
  for (const v of state.buttons) m = Math.max(m, Math.abs(v))
  return m
}

/** Combine two sources control by control, keeping the one pushed further. */
export function mergePadStates(a: PadState, b: PadState): PadState {
  const out = emptyPadState()
  for (let i = 0; i < AXES; i++) out.axes[i] = Math.abs(a.axes[i]) >= Math.abs(b.axes[i]) ? a.axes[i] : b.axes[i]
  for (let i = 0; i < BUTTONS; i++) out.buttons[i] = Math.max(a.buttons[i], b.buttons[i])
  return out
}
