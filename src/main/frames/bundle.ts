// The page's scene renderer (src/renderer/src/scene/frame-page.ts and what it imports: build-scene, cameras,
// overlays, three) bundled into one script for the headless Chromium, once per process.
import { fileURLToPath } from 'node:url'

const ENTRY = fileURLToPath(new URL('../../renderer/src/scene/frame-page.ts', import.meta.url))
let bundled: Promise<string> | null = null

export function framePageScript(): Promise<string> {
  bundled ??= import('esbuild').then(async ({ build }) => {
    const r = await build({
      entryPoints: [ENTRY],
      bundle: true,
      write: false,
      format: 'iife',
      platform: 'browser',
      target: 'chrome120',
      logLevel: 'silent',
    })
    return r.outputFiles[0].text
  })
  return bundled
}
