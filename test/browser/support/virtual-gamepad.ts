// A standard-mapping gamepad for headless Chromium: navigator.getGamepads is overridden in an init script, and
// the test moves sticks and presses buttons through window.__virtualPad.
import type { Page } from 'playwright-core'
import { waitFor } from '../../wait-for'

/** Runs in the page before any of its scripts. */
function install(): void {
  // releaseAt: a timed press reads as released from that time on (performance.now()), however busy the page is
  const state = {
    axes: [0, 0, 0, 0],
    buttons: new Array<number>(17).fill(0),
    releaseAt: new Array<number>(17).fill(Infinity),
    connected: true,
    timestamp: 0,
  }
  const w = window as unknown as { __virtualPad: typeof state }
  w.__virtualPad = state
  const pad = (): Gamepad =>
    ({
      id: 'Virtual pad (STANDARD GAMEPAD Vendor: 0000 Product: 0000)',
      index: 0,
      connected: true,
      mapping: 'standard',
      timestamp: ++state.timestamp,
      axes: state.axes.slice(),
      buttons: state.buttons.map((b, i) => {
        const v = performance.now() < state.releaseAt[i] ? b : 0
        return { pressed: v >= 0.5, touched: v > 0, value: v }
      }),
      vibrationActuator: null,
      hapticActuators: [],
    }) as unknown as Gamepad
  Object.defineProperty(Navigator.prototype, 'getGamepads', {
    configurable: true,
    value: () => (state.connected ? [pad(), null, null, null] : [null, null, null, null]),
  })
}

export async function installVirtualGamepad(page: Page): Promise<void> {
  await page.addInitScript(install)
}

export async function setAxes(page: Page, axes: Partial<Record<0 | 1 | 2 | 3, number>>): Promise<void> {
  await page.evaluate((a) => {
    const s = (window as unknown as { __virtualPad: { axes: number[] } }).__virtualPad
    for (const [k, v] of Object.entries(a)) s.axes[Number(k)] = v as number
  }, axes)
}

export async function setButton(page: Page, button: number, value: number): Promise<void> {
  await page.evaluate(
    ([b, v]) => {
      const s = (window as unknown as { __virtualPad: { buttons: number[]; releaseAt: number[] } }).__virtualPad
      s.buttons[b] = v
      s.releaseAt[b] = Infinity
    },
    [button, value] as const,
  )
}

/**
 * Press a button, hold it until `seen` says the page acted on it, and release it (for tests about what the press
 * does rather than how short it may be; pressFor times a short one).
 */
export async function tapButton(
  page: Page,
  button: number,
  seen: () => Promise<boolean>,
  what = `button ${button}`,
): Promise<void> {
  await setButton(page, button, 1)
  try {
    await waitFor(seen, { timeoutMs: 30_000, intervalMs: 50, message: `the page to act on ${what}` })
  } finally {
    await setButton(page, button, 0)
  }
}

/**
 * Press a button for exactly `ms` milliseconds of the page's clock (the pad reads as released from then on, even
 * if the page is busy). With slow frames (slow-frames.ts) the press starts only where it ends before the next
 * frame is due. Resolves with its start and end.
 */
export async function pressFor(page: Page, button: number, ms: number): Promise<{ down: number; up: number }> {
  return page.evaluate(
    ([b, d]) =>
      new Promise<{ down: number; up: number }>((resolve) => {
        const w = window as unknown as {
          __virtualPad: { buttons: number[]; releaseAt: number[] }
          __nextFrameAt?: number
        }
        const tryPress = (): void => {
          // after the frame's callbacks (the scene's drawing among them) have run
          setTimeout(() => {
            const down = performance.now()
            if ((w.__nextFrameAt ?? Infinity) - down < d + 20) {
              requestAnimationFrame(tryPress)
              return
            }
            w.__virtualPad.releaseAt[b] = down + d
            w.__virtualPad.buttons[b] = 1
            resolve({ down, up: down + d })
          }, 0)
        }
        requestAnimationFrame(tryPress)
      }),
    [button, ms] as const,
  )
}
