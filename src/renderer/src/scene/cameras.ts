// Where the viewer's cameras stand: the view a scene opens with, the top and side presets, the tracking view and a
// model's own <camera>. SceneView (the page) and the frame renderer (exported dataset images) both place their
// cameras here, so an exported image is taken from where the person looked.
import * as THREE from 'three'
import type { Frame, SceneGeometry } from '../../../shared/contract'
import { mjQuat } from './build-scene'
import { framingView, modelBounds } from './framing'

export interface OpeningView {
  position: THREE.Vector3
  target: THREE.Vector3
  near: number
  far: number
}

/** The preset views' field of view (degrees); a model's camera brings its own. */
export const PRESET_FOV = 45

/**
 * The view a scene opens with: from the front-right and well above, the robot (not the floor) filling it. Given the
 * model's pose (a frame) and the view's width / height, the whole model is framed (framing.ts); without one, or for
 * a model of only a floor, MuJoCo's extent around the origin.
 */
export function openingView(
  geo: Pick<SceneGeometry, 'extent' | 'geoms' | 'sites' | 'trackBody'>,
  posed?: { frame: Pick<Frame, 'xpos' | 'xquat'>; aspect: number },
): OpeningView {
  const bounds = posed ? modelBounds(geo, posed.frame) : null
  if (bounds && posed) return framingView(bounds, PRESET_FOV, posed.aspect)
  // extent covers the whole model (floors included); planar tasks (maze, arm) need the height, walkers still read side-on
  const e = Math.min(3, Math.max(0.4, geo.extent))
  return {
    position: new THREE.Vector3(e * 0.35, -e * 1.25, e * 1.15),
    target: new THREE.Vector3(0, 0, Math.min(e * 0.2, 1)),
    near: e / 200,
    far: e * 200,
  }
}

/** Top and side look at `target` from `distance` away (top from a hair off vertical, so z-up orbiting stays defined). */
export function presetPosition(
  view: 'top' | 'side',
  target: THREE.Vector3,
  distance: number,
  out = new THREE.Vector3(),
): THREE.Vector3 {
  const d = Math.max(0.3, distance)
  return view === 'top'
    ? out.set(target.x, target.y - d * 0.001, target.z + d)
    : out.set(target.x, target.y - d, target.z)
}

/** The tracked body's position in a frame (xpos: nbody x 3), or null when the frame has no such body. */
export function trackedPosition(
  geo: Pick<SceneGeometry, 'trackBody'>,
  xpos: ArrayLike<number>,
  out = new THREE.Vector3(),
): THREE.Vector3 | null {
  const b = geo.trackBody ?? 0
  return xpos.length >= 3 * b + 3 ? out.set(xpos[3 * b], xpos[3 * b + 1], xpos[3 * b + 2]) : null
}

const q1 = new THREE.Quaternion()
/**
 * A model camera's world pose: MuJoCo's camera looks along its frame's -z with +y up, as a three.js camera does,
 * so the pose is the body's composed with the camera's. The body's world matrix must be current.
 */
export function placeModelCamera(
  camera: THREE.PerspectiveCamera,
  c: NonNullable<SceneGeometry['cameras']>[number],
  body: THREE.Object3D,
): void {
  camera.position.set(c.pos[0] ?? 0, c.pos[1] ?? 0, c.pos[2] ?? 0).applyMatrix4(body.matrixWorld)
  body.getWorldQuaternion(camera.quaternion).multiply(mjQuat(c.quat, 0, q1))
  if (camera.fov !== c.fovy) {
    camera.fov = c.fovy
    camera.updateProjectionMatrix()
  }
}
