// The entry a headless Chromium loads to render dataset images (src/main/frames bundles it): the frame renderer on
// a canvas of its own, driven through `globalThis.iwbFrames` a batch of poses at a time.
import type { SceneGeometry } from '../../../shared/contract'
import { createFrameRenderer, type FramePose, type FrameRenderer } from './frame-renderer'

let current: FrameRenderer | null = null

/** Bytes as base64 in slices (String.fromCharCode takes a bounded argument list). */
function base64(bytes: Uint8Array): string {
  let bin = ''
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000))
  return btoa(bin)
}

const api = {
  open(geo: SceneGeometry, cameras: string[], width: number, height: number): void {
    current?.dispose()
    const canvas = document.createElement('canvas')
    document.body.appendChild(canvas)
    current = createFrameRenderer(canvas, geo, cameras, width, height)
  },
  /** poses as flat arrays; one base64 string per camera */
  render(poses: FramePose[]): string[] {
    if (!current) throw new Error('no scene opened')
    return current.render(poses).map(base64)
  },
}

;(globalThis as unknown as { iwbFrames: typeof api }).iwbFrames = api
