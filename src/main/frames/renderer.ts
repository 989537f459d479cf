// Rendering poses into camera images in a headless Chromium: one page holds the scene, a batch of poses crosses
// per round trip and every camera's RGB bytes come back as base64. A pool of them draws batches side by side:
// SwiftShader keeps about 1.4 of a small machine's 2 cores busy, two Chromiums nearly both (bench frames).
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

/** `count` renderers of the same scene; a batch goes to whichever is free (first come, first served). */
export async function openRendererPool(
  geometry: SceneGeometry,
  cameras: readonly string[],
  width: number,
  height: number,
  count: number,
): Promise<ImageRenderer> {
  const opened = await Promise.allSettled(
    Array.from({ length: count }, () => openImageRenderer(geometry, cameras, width, height)),
  )
  const renderers = opened.flatMap((o) => (o.status === 'fulfilled' ? [o.value] : []))
  const failed = opened.find((o): o is PromiseRejectedResult => o.status === 'rejected')
  if (failed) {
    await Promise.all(renderers.map((r) => r.close()))
    throw failed.reason
  }
  if (count === 1) return renderers[0]
  const free = [...renderers]
  const waiting: ((r: ImageRenderer) => void)[] = []
  const release = (r: ImageRenderer): void => {
    const next = waiting.shift()
    if (next) next(r)
    else free.push(r)
  }
  return {
    cameras,
    width,
    height,
    async render(poses) {
      const r = free.pop() ?? (await new Promise<ImageRenderer>((resolve) => waiting.push(resolve)))
      try {
        return await r.render(poses)
      } finally {
        release(r)
      }
    },
    async close() {
      await Promise.all(renderers.map((r) => r.close()))
    },
  }
}
