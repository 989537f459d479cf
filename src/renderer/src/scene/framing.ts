// Where a scene's camera starts so the whole model is in sight (issue 27, item 14): MuJoCo's extent spans from the
// world's origin (an arm mounted at (0.6, 0.5, 0.8) got a view of mostly floor, aimed at the origin), so the view
// is taken from the model's own geoms and success sites, posed by a frame, floors and height fields left out.
import * as THREE from 'three'
import type { Frame, SceneGeometry } from '../../../shared/contract'

export interface ModelBounds {
  center: THREE.Vector3
  radius: number
}

/** the smallest radius framed: a model of one tiny geom still gets a view a few centimetres across */
const MIN_RADIUS = 0.05
/** the opening view looks from the front-right and well above, as the presets always did */
const LOOK_FROM = new THREE.Vector3(0.35, -1.25, 1.15).normalize()
/** room around the model's bounding sphere */
const MARGIN = 1.05

const bodyQ = new THREE.Quaternion()
const geomQ = new THREE.Quaternion()
const corner = new THREE.Vector3()

/** A point of the model with the radius around it that is solid too. */
type Ball = [THREE.Vector3, number]

/**
 * One geom as posed, as balls: a box, ellipsoid or mesh (MuJoCo's sizes are a mesh's box half-sizes) by its eight
 * corners, a capsule or cylinder by its two end circles, a sphere by its centre and radius.
 */
function geomBalls(g: SceneGeometry['geoms'][number], q: THREE.Quaternion, p: THREE.Vector3, out: Ball[]): void {
  const [a = 0, b = 0, c = 0] = g.size
  const put = (x: number, y: number, z: number, r: number): void => {
    out.push([corner.set(x, y, z).applyQuaternion(q).add(p).clone(), r])
  }
  if (g.type === 'sphere') put(0, 0, 0, a)
  else if (g.type === 'capsule' || g.type === 'cylinder') {
    put(0, 0, b, a)
    put(0, 0, -b, a)
  } else for (const sx of [-1, 1]) for (const sy of [-1, 1]) for (const sz of [-1, 1]) put(sx * a, sy * b, sz * c, 0)
}

/**
 * The sphere to frame: every geom but planes and height fields, and the task's success sites, posed as in `frame`
 * (xpos, xquat of each body). It is centred on the tracked body, so an arm that turns or folds about its base stays
 * inside it and the tracking view keeps it centred; null when the model has nothing but a floor.
 */
export function modelBounds(
  geo: Pick<SceneGeometry, 'geoms' | 'sites' | 'trackBody'>,
  frame: Pick<Frame, 'xpos' | 'xquat'>,
): ModelBounds | null {
  const x = frame.xpos
  const xq = frame.xquat
  const balls: Ball[] = []
  const posed = (body: number, pos: number[], quat: number[]): [THREE.Quaternion, THREE.Vector3] | null => {
    if (x.length < 3 * body + 3 || xq.length < 4 * body + 4) return null
    // MuJoCo's quaternions are (w, x, y, z); a geom's or site's pose is its body's composed with its own
    bodyQ.set(xq[4 * body + 1], xq[4 * body + 2], xq[4 * body + 3], xq[4 * body])
    geomQ.set(quat[1] ?? 0, quat[2] ?? 0, quat[3] ?? 0, quat[0] ?? 1)
    const p = new THREE.Vector3(pos[0] ?? 0, pos[1] ?? 0, pos[2] ?? 0)
      .applyQuaternion(bodyQ)
      .add(new THREE.Vector3(x[3 * body], x[3 * body + 1], x[3 * body + 2]))
    return [bodyQ.clone().multiply(geomQ), p]
  }
  for (const g of geo.geoms) {
    if (g.type === 'plane' || g.type === 'hfield') continue
    const at = posed(g.body, g.pos, g.quat)
    if (at) geomBalls(g, at[0], at[1], balls)
  }
  for (const site of geo.sites ?? []) {
    const at = site.success ? posed(site.body, site.pos, site.quat) : null
    if (at) balls.push([at[1], site.size])
  }
  if (balls.length === 0) return null
  const t = geo.trackBody
  const center =
    t > 0 && x.length >= 3 * t + 3
      ? new THREE.Vector3(x[3 * t], x[3 * t + 1], x[3 * t + 2])
      : new THREE.Box3().setFromPoints(balls.map(([p]) => p)).getCenter(new THREE.Vector3())
  const radius = Math.max(...balls.map(([p, r]) => p.distanceTo(center) + r))
  return { center, radius: Math.max(MIN_RADIUS, radius) }
}

export interface FramingView {
  position: THREE.Vector3
  target: THREE.Vector3
  near: number
  far: number
}

/** A camera pose whose view (vertical field of view `fovDeg`, width / height `aspect`) holds the whole sphere. */
export function framingView(bounds: ModelBounds, fovDeg: number, aspect: number): FramingView {
  const half = THREE.MathUtils.degToRad(fovDeg) / 2
  // the narrower of the two directions decides: a tall narrow view must hold the sphere across too
  const narrow = Math.min(half, Math.atan(Math.tan(half) * Math.max(0.1, aspect)))
  const distance = (bounds.radius * MARGIN) / Math.sin(narrow)
  return {
    target: bounds.center.clone(),
    position: bounds.center.clone().addScaledVector(LOOK_FROM, distance),
    near: Math.max(0.001, distance / 200),
    far: Math.max(200, distance * 200),
  }
}
