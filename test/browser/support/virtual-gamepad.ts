// A standard-mapping gamepad for headless Chromium: navigator.getGamepads is overridden in an init script, and
// the test moves sticks and presses buttons through window.__virtualPad.
import type { Page } from 'playwright-core'
import { waitFor } from '../../wait-for'

/** Runs in the page before any of its scripts. */
function install(): void {
  const state = { axes: [0, 0, 0, 0], buttons: new Array<number>(17).fill(0), connected: true, timestamp: 0 }
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
      buttons: state.buttons.map((v) => ({ pressed: v >= 0.5, touched: v > 0, value: v })),
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
      ;(window as unknown as { __virtualPad: { buttons: number[] } }).__virtualPad.buttons[b] = v
    },
    [button, value] as const,
  )
}

/**
 * Press a button, hold it until `seen` says the page acted on it, and release it: gamepad.js polls once per
 * animation frame, and software-rendered WebGL on a loaded machine can drop the page to a few frames per second.
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
