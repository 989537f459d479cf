// Debian's Chromium driven by playwright-core (`npx playwright install` cannot download browsers here).
import { existsSync } from 'node:fs'
import { chromium, type Browser, type LaunchOptions, type Page } from 'playwright-core'

export const CHROMIUM_PATH = process.env.IWB_CHROMIUM ?? '/usr/bin/chromium'

/** Flags that work on these machines: no sandbox (containers), no network chatter, software WebGL. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--enable-unsafe-swiftshader',
  '--use-angle=swiftshader',
]

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
