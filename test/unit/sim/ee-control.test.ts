// The end-effector controller on real MuJoCo models, integrated kinematically (q += qdot dt, then mj_forward) so
// the test measures the controller itself: the site moves along the commanded direction, yaw turns the site
// about the world z axis, and no joint ever leaves its range however long a command pushes toward it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { chainJoints, createEeController, sitePose, type EeAxis } from '../../../src/main/sim/ee-control'
import { loadModelFromFile, type MjSim } from '../../../src/main/sim/mujoco'
import { mjcfPath } from '../../../src/main/sim/resources'

/** the arm's rest posture: gripper 14 cm above the table, pointing down */
const PANDA_HOME = [0, 0.3, 0, -2.2, 0, 2.5, Math.PI / 4]
const DT = 0.04
/** commanded vs achieved displacement: at most this angle (degrees) */
const MAX_ANGLE_DEG = 5

let arm: MjSim
beforeAll(async () => {
  arm = await loadModelFromFile(mjcfPath('panda-gripper.xml'))
})
afterAll(() => arm.close())

function home(sim: MjSim, q0: ArrayLike<number>): void {
  sim.reset()
  const q = sim.qpos()
  for (let i = 0; i < q0.length; i++) q[i] = q0[i]
  sim.forward()
}

/** Integrate the controller's joint velocities for `steps` periods; returns every joint vector visited. */
function drive(sim: MjSim, ctl: ReturnType<typeof createEeController>, cmd: number[], steps: number): number[][] {
  const seen: number[][] = []
  for (let s = 0; s < steps; s++) {
    const qdot = ctl.jointVelocities(cmd, DT)
    const q = sim.qpos()
    ctl.qposAdr.forEach((adr, i) => (q[adr] += qdot[i] * DT))
    sim.forward()
    seen.push(ctl.qposAdr.map((adr) => q[adr]))
  }
  return seen
}

const angleDeg = (a: number[], b: number[]): number => {
  const dot = a.reduce((s, x, i) => s + x * b[i], 0)
  return (Math.acos(Math.min(1, dot / Math.hypot(...a) / Math.hypot(...b))) * 180) / Math.PI
}
const yawOf = (mat: Float64Array): number => Math.atan2(mat[3], mat[0])

describe('end-effector control (damped least squares on mj_jacSite)', () => {
  it('finds the arm joints that move the gripper site', () => {
    const site = arm.requireId('site', 'grip')
    expect(chainJoints(arm, site)).toEqual(['joint1', 'joint2', 'joint3', 'joint4', 'joint5', 'joint6', 'joint7'])
  })

  it.each([
    ['+x', [0.1, 0, 0, 0]],
    ['-y', [0, -0.1, 0, 0]],
    ['+z', [0, 0, 0.1, 0]],
    ['-z', [0, 0, -0.1, 0]],
  ])('moves the 7-joint arm %s along the command', (_, cmd) => {
    home(arm, PANDA_HOME)
    const ctl = createEeController(arm, { site: 'grip', rest: PANDA_HOME })
    const p0 = sitePose(arm, ctl.siteId).pos
    drive(arm, ctl, cmd, 10)
    const p1 = sitePose(arm, ctl.siteId).pos
    const moved = [0, 1, 2].map((i) => p1[i] - p0[i])
    expect(angleDeg(moved, cmd.slice(0, 3))).toBeLessThan(MAX_ANGLE_DEG)
    // 10 periods at 0.1 m/s: 4 cm, within 10 %
    expect(Math.hypot(...moved)).toBeGreaterThan(0.9 * 0.1 * DT * 10)
    expect(Math.hypot(...moved)).toBeLessThan(1.1 * 0.1 * DT * 10)
  })

  it('turns the gripper about the vertical for a yaw command and keeps it in place', () => {
    home(arm, PANDA_HOME)
    const ctl = createEeController(arm, { site: 'grip', rest: PANDA_HOME })
    const { pos: p0, mat: m0 } = sitePose(arm, ctl.siteId)
    drive(arm, ctl, [0, 0, 0, 0.5], 10)
    const { pos: p1, mat: m1 } = sitePose(arm, ctl.siteId)
    const turned = Math.atan2(Math.sin(yawOf(m1) - yawOf(m0)), Math.cos(yawOf(m1) - yawOf(m0)))
    expect(turned).toBeGreaterThan(0.9 * 0.5 * DT * 10)
    expect(turned).toBeLessThan(1.1 * 0.5 * DT * 10)
    expect(Math.hypot(p1[0] - p0[0], p1[1] - p0[1], p1[2] - p0[2])).toBeLessThan(0.005)
  })

  it.each([
    ['reach outward', [0.5, 0, 0.2, 0], 'moves'],
    ['dive down', [0, 0, -0.5, 0], 'moves'],
    ['spin', [0, 0, 0, 2], 'limit'],
  ])('never takes a joint past its range (%s, held for 6 s)', (_, cmd, pushes) => {
    home(arm, PANDA_HOME)
    const ctl = createEeController(arm, { site: 'grip', rest: PANDA_HOME })
    const p0 = sitePose(arm, ctl.siteId).pos
    const range = arm.model.jnt_range as Float64Array
    const ids = ctl.joints.map((j) => arm.requireId('joint', j))
    const visited = drive(arm, ctl, cmd, 150)
    const outside = visited.flatMap((q, s) =>
      q.flatMap((v, i) => (v < range[2 * ids[i]] || v > range[2 * ids[i] + 1] ? [`step ${s} joint ${i}: ${v}`] : [])),
    )
    expect(outside).toEqual([])
    // the command did push: the site went far (to the edge of the workspace), or a joint ended at its limit
    const last = visited.at(-1)!
    const nearest = Math.min(...last.map((v, i) => Math.min(v - range[2 * ids[i]], range[2 * ids[i] + 1] - v)))
    const p1 = sitePose(arm, ctl.siteId).pos
    if (pushes === 'moves') expect(Math.hypot(p1[0] - p0[0], p1[1] - p0[1], p1[2] - p0[2])).toBeGreaterThan(0.4)
    else expect(nearest).toBeLessThan(0.1)
  })

  it('holds the orientation while translating when all six axes are commanded', () => {
    home(arm, PANDA_HOME)
    const ctl = createEeController(arm, {
      site: 'grip',
      axes: ['x', 'y', 'z', 'roll', 'pitch', 'yaw'],
      rest: PANDA_HOME,
    })
    const { pos: p0, mat: m0 } = sitePose(arm, ctl.siteId)
    drive(arm, ctl, [0, 0.1, 0, 0, 0, 0], 10)
    const { pos: p1, mat: m1 } = sitePose(arm, ctl.siteId)
    expect(angleDeg([p1[0] - p0[0], p1[1] - p0[1], p1[2] - p0[2]], [0, 1, 0])).toBeLessThan(MAX_ANGLE_DEG)
    // the gripper's axes barely turned: every entry of the rotation within 0.01
    m1.forEach((v, i) => expect(Math.abs(v - m0[i])).toBeLessThan(0.01))
  })

  it('rejects bad axes, commands and periods', () => {
    home(arm, PANDA_HOME)
    expect(() => createEeController(arm, { site: 'grip', axes: [] as EeAxis[] })).toThrow(/axes/)
    expect(() => createEeController(arm, { site: 'grip', axes: ['x', 'x'] })).toThrow(/axes/)
    const ctl = createEeController(arm, { site: 'grip', axes: ['x', 'y'] })
    expect(() => ctl.jointVelocities([1], DT)).toThrow(/2 axes/)
    expect(() => ctl.jointVelocities([1, 0], 0)).toThrow(/dt/)
  })
})
