// The camera starts framing the whole model (issue 27, item 14): an own arm mounted off the origin, compiled by
// real MuJoCo and posed by a real frame, is held whole by the opening view, centred on its base, also when it turns
// about the base; floors are left out. The rule before (MuJoCo's extent, aimed near the origin) showed it off-centre.
import * as THREE from 'three'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Frame, SceneGeometry } from '../../../src/shared/contract'
import { clearFolderTasks, makeEnv, registerFolderTask } from '../../../src/main/sim/registry'
import { checkTaskFolder } from '../../../src/main/sim/tasks/folder-task'
import { framingView, modelBounds } from '../../../src/renderer/src/scene/framing'
import { openingView, PRESET_FOV } from '../../../src/renderer/src/scene/cameras'

const bytes = (s: string): Uint8Array => new TextEncoder().encode(s)

/** A 0.45 m arm on a stand at (0.6, 0.5, 0.8) over a 6 m floor. */
const MODEL = `<mujoco>
  <worldbody>
    <geom name="floor" type="plane" size="3 3 0.1"/>
    <body name="base" pos="0.6 0.5 0.8">
      <joint name="j" type="hinge" axis="0 0 1"/>
      <geom type="cylinder" size="0.05 0.05"/>
      <body pos="0 0 0.05">
        <joint type="hinge" axis="0 1 0"/>
        <geom type="capsule" fromto="0 0 0 0.2 0 0.1" size="0.025"/>
        <body pos="0.2 0 0.1">
          <joint type="hinge" axis="0 1 0"/>
          <geom type="box" pos="0.1 0 0" size="0.1 0.02 0.02"/>
        </body>
      </body>
    </body>
  </worldbody>
  <actuator><motor joint="j"/></actuator>
</mujoco>`

let geo: SceneGeometry
let frame: Frame

beforeAll(async () => {
  const spec = await checkTaskFolder({
    'task.json': bytes(JSON.stringify({ id: 'mounted-arm', model: 'arm.xml' })),
    'arm.xml': bytes(MODEL),
  })
  registerFolderTask(spec)
  const env = await makeEnv('mounted-arm')
  try {
    env.reset(0)
    geo = env.geometry()
    frame = env.frame()
  } finally {
    env.close()
  }
})
afterAll(() => clearFolderTasks())

/** How much of the view the model's bodies span (the larger of across and up), and whether all are in view. */
function seenIn(
  position: THREE.Vector3,
  target: THREE.Vector3,
  aspect: number,
  f: Frame,
): { inside: boolean; span: number } {
  const cam = new THREE.PerspectiveCamera(45, aspect, 0.01, 1000)
  cam.up.set(0, 0, 1)
  cam.position.copy(position)
  cam.lookAt(target)
  cam.updateMatrixWorld()
  cam.updateProjectionMatrix()
  const xs: number[] = []
  const ys: number[] = []
  let inside = true
  for (const g of geo.geoms) {
    if (g.type === 'plane') continue
    const b = g.body
    const v = new THREE.Vector3(f.xpos[3 * b], f.xpos[3 * b + 1], f.xpos[3 * b + 2]).project(cam)
    inside &&= Math.abs(v.x) <= 1 && Math.abs(v.y) <= 1
    xs.push(v.x)
    ys.push(v.y)
  }
  const spread = (a: number[]): number => (Math.max(...a) - Math.min(...a)) / 2
  return { inside, span: Math.max(spread(xs), spread(ys)) }
}

/** The frame with the arm turned half round its base's vertical axis (bodies 2 and up swing about body 1). */
function turned(f: Frame): Frame {
  const xpos = [...f.xpos]
  const [bx, by] = [f.xpos[3], f.xpos[4]]
  for (let b = 2; 3 * b < xpos.length; b++) {
    xpos[3 * b] = 2 * bx - f.xpos[3 * b]
    xpos[3 * b + 1] = 2 * by - f.xpos[3 * b + 1]
  }
  return { ...f, xpos }
}

/** Where body b lands in the view (normalised device coordinates). */
function ndc(v: { position: THREE.Vector3; target: THREE.Vector3 }, aspect: number, b: number): THREE.Vector3 {
  const cam = new THREE.PerspectiveCamera(PRESET_FOV, aspect, 0.01, 1000)
  cam.up.set(0, 0, 1)
  cam.position.copy(v.position)
  cam.lookAt(v.target)
  cam.updateMatrixWorld()
  return new THREE.Vector3(frame.xpos[3 * b], frame.xpos[3 * b + 1], frame.xpos[3 * b + 2]).project(cam)
}

describe('the opening view of an own model', () => {
  it('bounds the model without its floor, around the tracked body (its base)', () => {
    const b = modelBounds(geo, frame)!
    expect(b.radius).toBeGreaterThan(0.3) // the arm reaches about 0.45 m from its base
    expect(b.radius).toBeLessThan(0.6) // the 6 m floor is not in it
    expect(b.center.toArray()).toEqual([0.6, 0.5, 0.8])
  })

  it('holds every part in a wide and a tall view, also once the arm turns about its base', () => {
    for (const aspect of [1.6, 0.6]) {
      const v = openingView(geo, { frame, aspect })
      expect(v.position.toArray()).toEqual(framingView(modelBounds(geo, frame)!, PRESET_FOV, aspect).position.toArray())
      for (const f of [frame, turned(frame)]) {
        const s = seenIn(v.position, v.target, aspect, f)
        expect(s.inside).toBe(true)
        expect(s.span).toBeGreaterThan(0.08)
      }
      // the base is at the centre of the view
      expect(Math.hypot(ndc(v, aspect, 1).x, ndc(v, aspect, 1).y)).toBeLessThan(0.01)
    }
    // before: MuJoCo's extent around the origin, aimed near the origin: the model off to one side
    const before = ndc(openingView(geo), 1.6, 1)
    expect(Math.hypot(before.x, before.y)).toBeGreaterThan(0.2)
  })

  it('a model of only a floor gives no bounds (the view falls back to the extent)', () => {
    expect(modelBounds({ ...geo, geoms: geo.geoms.filter((g) => g.type === 'plane') }, frame)).toBeNull()
  })
})
