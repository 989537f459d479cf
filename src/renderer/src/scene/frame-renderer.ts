// Dataset images (`iwb export --cameras`): the page's scene (build-scene.ts, overlays.ts, cameras.ts, SceneView's
// renderer settings) drawn from chosen cameras at a fixed size and read back as RGB bytes, rows top-down.
import * as THREE from 'three'
import type { SceneGeometry } from '../../../shared/contract'
import { CAMERA_PRESETS, type CameraPreset } from '../../../shared/dataset-images'
import { buildScene } from './build-scene'
import { openingView, placeModelCamera, presetPosition, PRESET_FOV, trackedPosition } from './cameras'
import { buildOverlays } from './overlays'

export interface FramePose {
  xpos: ArrayLike<number>
  xquat: ArrayLike<number>
}

export interface FrameRenderer {
  /** Every camera's image of each pose: one buffer per camera, poses.length x height x width x 3 bytes. */
  render(poses: readonly FramePose[]): Uint8Array[]
  dispose(): void
}

/** the batch canvas's side: WebGL guarantees far more (a 512-pixel image still fits 4 a canvas; larger ones made multisampling slower) */
const ATLAS_SIDE = 1024

/** Shadow maps of twice the image's side (a power of two, 256..1024): what the page's give its view. */
export function shadowMapFor(width: number, height: number): number {
  return Math.min(1024, Math.max(256, 2 ** Math.ceil(Math.log2(2 * Math.max(width, height)))))
}

/** SceneView's background where the model has no skybox. */
const SKY = 0x1d2430

/** The names `cameras` may hold: the viewer's presets and the model's own cameras. */
export function cameraChoices(geo: SceneGeometry): string[] {
  return [...CAMERA_PRESETS, ...(geo.cameras ?? []).map((c) => c.name)]
}

export function createFrameRenderer(
  canvas: HTMLCanvasElement,
  geo: SceneGeometry,
  cameras: readonly string[],
  width: number,
  height: number,
): FrameRenderer {
  for (const c of cameras)
    if (!cameraChoices(geo).includes(c))
      throw new Error(`no camera '${c}' in task ${geo.taskId}: one of ${cameraChoices(geo).join(', ')}`)
  // Images are drawn side by side on one canvas and read back together: each readPixels waits for the GPU
  // process, once per batch rather than once per image. SceneView's settings, at one pixel per image pixel.
  const cols = Math.max(1, Math.floor(ATLAS_SIDE / width))
  const rows = Math.max(1, Math.floor(ATLAS_SIDE / height))
  const renderer = new THREE.WebGLRenderer({ canvas, antialias: true })
  renderer.setPixelRatio(1)
  renderer.setSize(cols * width, rows * height, false)
  renderer.setScissorTest(true)
  renderer.shadowMap.enabled = true
  renderer.shadowMap.type = THREE.PCFShadowMap
  renderer.outputColorSpace = THREE.SRGBColorSpace
  const scene = new THREE.Scene()
  // the page's 1024-texel shadows over a view a few hundred pixels wide: the same texels per image pixel
  const model = buildScene(geo, { shadowMapSize: shadowMapFor(width, height) })
  scene.add(model.root)
  scene.background = model.background ?? new THREE.Color(SKY)
  scene.backgroundRotation.set(Math.PI / 2, 0, 0)
  // what the viewer draws with its toggles off (a task's success sites stay drawn)
  const overlays = buildOverlays(geo, model.bodies, model.root)
  overlays.setVisible({ axes: false, contacts: false, sites: false, frames: false })

  const opening = openingView(geo)
  const camera = new THREE.PerspectiveCamera(PRESET_FOV, width / height, opening.near, opening.far)
  camera.up.set(0, 0, 1) // MuJoCo is z-up
  const distance = opening.position.distanceTo(opening.target)
  const track = new THREE.Vector3()
  const target = new THREE.Vector3()
  const place = (name: string, pose: FramePose): void => {
    const own = geo.cameras?.find((c) => c.name === name)
    if (own && !(CAMERA_PRESETS as readonly string[]).includes(name)) {
      const body = model.bodies[own.body] ?? model.bodies[0]
      body.updateMatrixWorld()
      placeModelCamera(camera, own, body)
      return
    }
    if (camera.fov !== PRESET_FOV) {
      camera.fov = PRESET_FOV
      camera.updateProjectionMatrix()
    }
    const preset = name as CameraPreset
    target.copy(opening.target)
    if (preset === 'track' && trackedPosition(geo, pose.xpos, track)) {
      // the page moves camera and target with the body: the opening view, shifted to keep it at the centre
      camera.position.copy(opening.position).add(track).sub(opening.target)
      target.copy(track)
    } else if (preset === 'top' || preset === 'side') presetPosition(preset, target, distance, camera.position)
    else camera.position.copy(opening.position)
    camera.lookAt(target)
  }

  const gl = renderer.getContext()
  const rgba = new Uint8Array(cols * width * rows * height * 4)
  const lightCentre = new THREE.Vector3()
  /** the images drawn on the canvas, not yet read: where each goes */
  let pending: { out: Uint8Array; at: number }[] = []
  const readBack = (): void => {
    if (!pending.length) return
    const usedRows = Math.ceil(pending.length / cols)
    gl.readPixels(0, 0, cols * width, usedRows * height, gl.RGBA, gl.UNSIGNED_BYTE, rgba)
    const stride = cols * width * 4
    pending.forEach(({ out, at }, k) => {
      const x0 = (k % cols) * width
      const y0 = Math.floor(k / cols) * height
      // WebGL's rows run bottom-up; images run top-down
      for (let y = 0; y < height; y++) {
        let from = (y0 + height - 1 - y) * stride + x0 * 4
        let to = at + y * width * 3
        for (let x = 0; x < width; x++, from += 4, to += 3) {
          out[to] = rgba[from]
          out[to + 1] = rgba[from + 1]
          out[to + 2] = rgba[from + 2]
        }
      }
    })
    pending = []
  }
  // one draw of the scene as built compiles every shader (shadows' too) now, not in the first batch
  renderer.setViewport(0, 0, width, height)
  renderer.setScissor(0, 0, width, height)
  renderer.render(scene, camera)
  gl.finish()
  return {
    render(poses) {
      const out = cameras.map(() => new Uint8Array(poses.length * width * height * 3))
      poses.forEach((pose, i) => {
        model.applyFrame(pose.xpos, pose.xquat)
        // lights follow the tracked body, as in the page
        if (trackedPosition(geo, pose.xpos, lightCentre)) model.followLights(lightCentre)
        model.root.updateMatrixWorld()
        cameras.forEach((name, c) => {
          if (pending.length === cols * rows) readBack()
          const k = pending.length
          const x = (k % cols) * width
          const y = Math.floor(k / cols) * height
          renderer.setViewport(x, y, width, height)
          renderer.setScissor(x, y, width, height)
          place(name, pose)
          renderer.render(scene, camera)
          pending.push({ out: out[c], at: i * width * height * 3 })
        })
      })
      // read in the same task as the draws: the drawing buffer is not preserved
      readBack()
      return out
    },
    dispose() {
      overlays.dispose()
      model.dispose()
      renderer.dispose()
    },
  }
}
