// Debian's Chromium, headless, driven by playwright-core (which downloads no browser): where dataset images are
// rendered for the CLI. Missing, it is one line saying how to get it.
import { existsSync } from 'node:fs'
import { chromium, type Browser } from 'playwright-core'

export class FramesError extends Error {}

export function chromiumPath(): string {
  return process.env.IWB_CHROMIUM ?? '/usr/bin/chromium'
}

/** Flags that work on machines without a GPU or a sandbox: software WebGL (SwiftShader), no network chatter. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--enable-unsafe-swiftshader',
  '--use-angle=swiftshader',
]

export async function launchHeadless(): Promise<Browser> {
  const path = chromiumPath()
  if (!existsSync(path))
    throw new FramesError(
      `camera images are rendered in Chromium, not found at ${path}: apt-get install chromium (or set IWB_CHROMIUM)`,
    )
  return chromium.launch({ executablePath: path, headless: true, args: CHROMIUM_ARGS })
}
