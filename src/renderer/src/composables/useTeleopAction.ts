// Send the action the person holds to the live simulation: on every change (at most at the control rate) and
// as a heartbeat, so a lost message cannot leave the robot pushing. Zero unless the hold-to-act control is held.
import { onScopeDispose, watch, type Ref } from 'vue'
import type { TaskInfo, WorkbenchApi } from '../../../shared/contract'
import { padToAction } from '../input/pad-state'
import type { PadInput } from './usePadInput'

export function useTeleopAction(
  api: WorkbenchApi,
  pad: PadInput,
  task: Ref<TaskInfo | null>,
  onError: (err: unknown) => void,
): { current: () => Float64Array } {
  let last = ''
  let lastSentAt = 0
  let inFlight = 0
  let action: Float64Array = new Float64Array(0)
  let failed = false

  function compute(): Float64Array {
    const t = task.value
    if (!t) return new Float64Array(0)
    return pad.deadman.value ? padToAction(t, pad.state.value) : new Float64Array(t.actDim)
  }

  function send(force: boolean): void {
    const t = task.value
    if (!t) return
    action = compute()
    const key = Array.from(action, (v) => v.toFixed(4)).join(',')
    const now = performance.now()
    if (!force && key === last) return
    if (!force && now - lastSentAt < 1000 / t.controlHz) return // the next tick will carry it
    if (inFlight > 2) return
    last = key
    lastSentAt = now
    inFlight++
    api
      .call('teleop.action', { action: Array.from(action) })
      .then(() => {
        failed = false
      })
      .catch((err: unknown) => {
        // An action sent for a task the page has since left (a switch or a reopen raced it) failing is expected.
        if (task.value !== t) return
        if (!failed) onError(err) // report once per outage, not 50 times a second
        failed = true
        last = ''
      })
      .finally(() => inFlight--)
  }

  watch(pad.state, () => send(false))
  const timer = setInterval(() => {
    // carries a change the throttle held back, and repeats the held action every 500 ms
    send(performance.now() - lastSentAt > 500)
  }, 20)
  onScopeDispose(() => clearInterval(timer))
  return { current: () => action }
}
