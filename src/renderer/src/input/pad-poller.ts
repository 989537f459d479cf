// Reads the gamepad on its own timer, not once per drawn frame: with software WebGL the page draws 2-7 frames a
// second, and a press shorter than a frame was lost when the pad was read in requestAnimationFrame (gamepad.js).
// The Gamepad API only gives the current state, so a press is noticed if it lasts one read interval (10 ms at
// the default 100 Hz); its press edge is reported on the read that saw it, whatever the frame rate.
import { AXES, BUTTONS } from './pad-state'

/** Read rates outside this range either miss short presses or spend the page's time on polling. */
export const POLL_HZ_MIN = 30
export const POLL_HZ_MAX = 250
export const POLL_HZ_DEFAULT = 100

export interface PadReading {
  /** the pad's id, null when none is connected */
  id: string | null
  axes: Float32Array
  buttons: Float32Array
}

export interface PadPollerOptions {
  /** navigator.getGamepads, or a fake in tests */
  getGamepads: () => ArrayLike<Gamepad | null>
  hz?: number
  /** called after every read that changed something, with the buttons that went down in it */
  onChange: (reading: PadReading, pressed: number[]) => void
  /** a read threw (e.g. the API is blocked by a permissions policy); polling goes on */
  onError?: (message: string) => void
  setInterval?: (fn: () => void, ms: number) => unknown
  clearInterval?: (handle: unknown) => void
}

export interface PadPoller {
  /** one read now (the timer calls this) */
  poll(): void
  stop(): void
  readonly hz: number
}

export function clampPollHz(hz: number | undefined): number {
  if (hz === undefined || !Number.isFinite(hz)) return POLL_HZ_DEFAULT
  return Math.min(POLL_HZ_MAX, Math.max(POLL_HZ_MIN, hz))
}

/** The first connected pad, preferring one with the standard mapping. */
function pickPad(pads: ArrayLike<Gamepad | null>): Gamepad | null {
  let any: Gamepad | null = null
  for (let i = 0; i < pads.length; i++) {
    const p = pads[i]
    if (!p || !p.connected) continue
    if (p.mapping === 'standard') return p
    any ??= p
  }
  return any
}

export function startPadPoller(opts: PadPollerOptions): PadPoller {
  const hz = clampPollHz(opts.hz)
  const axes = new Float32Array(AXES)
  const buttons = new Float32Array(BUTTONS)
  let id: string | null = null
  let lastError: string | null = null

  function poll(): void {
    let pad: Gamepad | null
    try {
      pad = pickPad(opts.getGamepads())
      lastError = null
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err)
      if (message !== lastError) opts.onError?.(message)
      lastError = message
      return
    }
    let changed = (pad?.id ?? null) !== id
    id = pad?.id ?? null
    const pressed: number[] = []
    for (let i = 0; i < AXES; i++) {
      const v = pad ? (pad.axes[i] ?? 0) : 0
      if (v !== axes[i]) {
        axes[i] = v
        changed = true
      }
    }
    for (let i = 0; i < BUTTONS; i++) {
      const v = pad ? (pad.buttons[i]?.value ?? 0) : 0
      if (v === buttons[i]) continue
      if (buttons[i] < 0.5 && v >= 0.5) pressed.push(i)
      buttons[i] = v
      changed = true
    }
    if (changed) opts.onChange({ id, axes: axes.slice(), buttons: buttons.slice() }, pressed)
  }

  const set = opts.setInterval ?? ((fn: () => void, ms: number) => setInterval(fn, ms))
  const clear = opts.clearInterval ?? ((h: unknown) => clearInterval(h as ReturnType<typeof setInterval>))
  const handle = set(poll, 1000 / hz)
  return {
    poll,
    stop: () => clear(handle),
    hz,
  }
}
