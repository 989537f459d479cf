// Debian's Chromium driven by playwright-core (`npx playwright install` cannot download browsers here).
import { existsSync } from 'node:fs'
import { chromium, type Browser, type LaunchOptions, type Page } from 'playwright-core'
import { CHROMIUM_ARGS, chromiumPath } from '../../../src/main/frames/chromium'

// The same Chromium and flags the dataset images' renderer launches (src/main/frames/chromium.ts).
export const CHROMIUM_PATH = chromiumPath()
export { CHROMIUM_ARGS }

export async function launchChromium(options: LaunchOptions = {}): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`Chromium not found at ${CHROMIUM_PATH}: apt-get install -y chromium (or set IWB_CHROMIUM)`)
  }
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    ...options,
    args: [...CHROMIUM_ARGS, ...(options.args ?? [])],
  })
}

/** Collect page errors and console errors, so a test can assert the page ran cleanly. */
export function collectErrors(page: Page): string[] {
  const errors: string[] = []
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`))
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`)
  })
  return errors
}
