// A model with more actions than sticks and triggers (issue 27, item 14): the page gives the actions its mapping
// leaves undriven the d-pad and the stick clicks (pad or keys I K J L, Z C), and names those no input is left for.
import { describe, expect, it } from 'vitest'
import type { TaskInfo } from '../../../src/shared/contract'
import {
  actionLabels,
  emptyPadState,
  gamepadMapping,
  padToAction,
  unmappedActions,
} from '../../../src/renderer/src/input/pad-state'
import { keyboardPadState } from '../../../src/renderer/src/input/keyboard'

const sources = ['axis0', 'axis1', 'axis2', 'axis3', 'triggers'] as const

/** Ten actions in [-1, 1], the first five mapped as a folder task's default gamepad maps them. */
const ten: TaskInfo = {
  id: 'ten-motors',
  title: 'Ten motors',
  obsDim: 20,
  actDim: 10,
  controlHz: 25,
  horizon: 100,
  operator: true,
  actionLow: new Array<number>(10).fill(-1),
  actionHigh: new Array<number>(10).fill(1),
  gamepad: sources.map((source, action) => ({ action, source, scale: 1, label: `h${action}` })),
}

describe('actions beyond the sticks and triggers', () => {
  it("get the d-pad and the stick clicks in order; the task's names stay the names", () => {
    expect(gamepadMapping(ten).map((m) => [m.action, m.source, m.label])).toEqual([
      ...sources.map((s, a) => [a, s, `h${a}`]),
      [5, 'dpad-y', 'action 5'],
      [6, 'dpad-x', 'action 6'],
      [7, 'stick-clicks', 'action 7'],
    ])
    expect(actionLabels(ten)).toEqual(['h0', 'h1', 'h2', 'h3', 'h4', 'a5', 'a6', 'a7', 'a8', 'a9'])
    // an own model names every actuator (actLabels): the spare inputs and the plots take those names
    const named = { ...ten, actLabels: Array.from({ length: 10 }, (_, i) => `joint ${i}`) }
    expect(
      gamepadMapping(named)
        .slice(5)
        .map((m) => m.label),
    ).toEqual(['joint 5', 'joint 6', 'joint 7'])
    expect(actionLabels(named)[9]).toBe('joint 9')
    // a task whose mapping uses no trigger gets the triggers first
    const sticks = { ...ten, gamepad: ten.gamepad!.slice(0, 4) }
    expect(
      gamepadMapping(sticks)
        .slice(4, 6)
        .map((m) => [m.action, m.source]),
    ).toEqual([
      [4, 'triggers'],
      [5, 'dpad-y'],
    ])
  })

  it('the d-pad drives the sixth and seventh, the stick clicks the eighth', () => {
    const s = emptyPadState()
    s.buttons[12] = 1 // d-pad up
    s.buttons[14] = 1 // d-pad left
    s.buttons[10] = 1 // L3
    expect(Array.from(padToAction(ten, s)).slice(4)).toEqual([0, 1, -1, -1, 0, 0])
    const t = emptyPadState()
    t.buttons[13] = 1 // d-pad down
    t.buttons[15] = 1 // d-pad right
    t.buttons[11] = 1 // R3
    t.buttons[7] = 1 // RT
    expect(Array.from(padToAction(ten, t)).slice(4)).toEqual([1, -1, 1, 1, 0, 0])
  })

  it('the keyboard stands in for them: I K J L the d-pad, Z C the stick clicks', () => {
    expect(Array.from(padToAction(ten, keyboardPadState(new Set(['KeyI', 'KeyL', 'KeyC'])))).slice(5, 8)).toEqual([
      1, 1, 1,
    ])
    expect(Array.from(padToAction(ten, keyboardPadState(new Set(['KeyK', 'KeyJ', 'KeyZ'])))).slice(5, 8)).toEqual([
      -1, -1, -1,
    ])
  })

  it('names the actions no input is left for', () => {
    expect(unmappedActions(ten)).toEqual([8, 9])
    expect(unmappedActions({ ...ten, actDim: 8, actionLow: ten.actionLow.slice(0, 8) })).toEqual([])
  })
})
