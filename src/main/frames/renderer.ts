// Rendering poses into camera images in a headless Chromium: one page holds the scene, a batch of poses crosses
// per round trip and every camera's RGB bytes come back as base64.
import type { Browser, Page } from 'playwright-core'
import type { SceneGeometry } from '../../shared/contract'
import { IMAGE_LIMITS } from '../../shared/dataset-images'
import { framePageScript } from './bundle'
import { FramesError, launchHeadless } from './chromium'

export interface Pose {
  xpos: ArrayLike<number>
  xquat: ArrayLike<number>
}

export interface ImageRenderer {
  readonly cameras: readonly string[]
  readonly width: number
  readonly height: number
  /** Every camera's images of the poses (at most IMAGE_LIMITS.batchFrames): per camera n x height x width x 3 bytes. */
  render(poses: readonly Pose[]): Promise<Uint8Array[]>
  close(): Promise<void>
}

interface FramesApi {
  open(geo: SceneGeometry, cameras: readonly string[], width: number, height: number): void
  render(poses: { xpos: number[]; xquat: number[] }[]): string[]
}
type WithFrames = typeof globalThis & { iwbFrames: FramesApi }

export async function openImageRenderer(
  geometry: SceneGeometry,
  cameras: readonly string[],
  width: number,
  height: number,
): Promise<ImageRenderer> {
  const script = await framePageScript()
  const browser: Browser = await launchHeadless()
  try {
    const page: Page = await browser.newPage()
    const errors: string[] = []
    page.on('pageerror', (e) => errors.push(e.message))
    await page.setContent('<!doctype html><html><body></body></html>')
    await page.addScriptTag({ content: script })
    try {
      await page.evaluate(([g, c, w, h]) => (globalThis as WithFrames).iwbFrames.open(g, c, w, h), [
        geometry,
        [...cameras],
        width,
        height,
      ] as const)
    } catch (e) {
      // the page's own message (an unknown camera, no WebGL), without playwright's call log
      const why = (e instanceof Error ? e.message : String(e)).split('\n')[0].replace(/^.*?Error: /, '')
      throw new FramesError(why)
    }
    return {
      cameras,
      width,
      height,
      async render(poses) {
        if (poses.length > IMAGE_LIMITS.batchFrames)
          throw new RangeError(`at most ${IMAGE_LIMITS.batchFrames} poses a batch, got ${poses.length}`)
        const plain = poses.map((p) => ({ xpos: Array.from(p.xpos), xquat: Array.from(p.xquat) }))
        const images = await page.evaluate((ps) => (globalThis as WithFrames).iwbFrames.render(ps), plain)
        if (errors.length) throw new FramesError(`the renderer failed: ${errors[0]}`)
        return images.map((b) => new Uint8Array(Buffer.from(b, 'base64')))
      },
      close: () => browser.close(),
    }
  } catch (e) {
    await browser.close()
    throw e
  }
}
