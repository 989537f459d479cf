// pick-place: a 7-joint arm with a parallel gripper (resources/mjcf/panda-gripper.xml) lifts a cube from a random
// pose and sets it down on a random target zone. The operator commands the gripper's velocity (x, y, z, yaw) and
// the fingers' speed; ee-control turns that into joint velocities for the velocity servos, holding the gripper
// pointed down. Cube and zone live in qpos, so the physics state holds the whole task.
import type { MjSim } from '../mujoco'
import { createCartesianDrive, sitePose } from '../ee-control'
import { clip, sumSq, type TaskDef } from './task-def'

/** The arm's rest posture: the gripper 14 cm above the table, pointing down, fingers across world y. */
export const PANDA_HOME = [0, 0.3, 0, -2.2, 0, 2.5, Math.PI / 4]

export const PICK = {
  /** full-stick gripper speed (m/s) and yaw rate (rad/s) */
  maxSpeed: 0.25,
  maxYawRate: 1.5,
  /** finger travel (each side, m) and the cube's half size (m) */
  fingerOpen: 0.04,
  cubeHalf: 0.025,
  /** where cubes and zones are drawn (m, world frame) */
  xRange: [0.4, 0.65] as const,
  yRange: [-0.2, 0.2] as const,
  minZoneDistance: 0.12,
  /** success: cube centre within this of the zone centre (the zone's radius is 0.04 m), resting, released */
  successRadius: 0.03,
  /** the gripper site is kept in this box so the fingers stay over the table */
  siteLow: [0.25, -0.35, 0.015] as const,
  siteHigh: [0.8, 0.35, 0.4] as const,
  /** gain (1/s) of the term that keeps the gripper pointed down */
  uprightGain: 5,
}

/** Quaternion (w, x, y, z) to yaw about world z. */
export function quatYaw(w: number, x: number, y: number, z: number): number {
  return Math.atan2(2 * (w * z + x * y), 1 - 2 * (y * y + z * z))
}

/** An angle wrapped into [-pi/4, pi/4): a cube looks the same every quarter turn. */
export function quarterWrap(a: number): number {
  const q = Math.PI / 2
  return a - q * Math.round(a / q)
}

export const pickPlace: TaskDef = {
  info: {
    id: 'pick-place',
    title: 'Pick and place',
    obsDim: 25,
    obsLabels: [
      'gripper x',
      'gripper y',
      'gripper z',
      'cos gripper yaw',
      'sin gripper yaw',
      'finger opening',
      'cube x',
      'cube y',
      'cube z',
      'cube − gripper yaw',
      'zone x',
      'zone y',
      'cube − gripper x',
      'cube − gripper y',
      'cube − gripper z',
      'zone − cube x',
      'zone − cube y',
      'arm joint 1',
      'arm joint 2',
      'arm joint 3',
      'arm joint 4',
      'arm joint 5',
      'arm joint 6',
      'arm joint 7',
      'cube height',
    ],
    actDim: 5,
    controlHz: 25,
    horizon: 300,
    operator: true,
    actionLow: [-1, -1, -1, -1, -1],
    actionHigh: [1, 1, 1, 1, 1],
    gamepad: [
      { action: 0, source: 'axis1', scale: -1, label: 'gripper forward / back (x)' },
      { action: 1, source: 'axis0', scale: -1, label: 'gripper left / right (y)' },
      { action: 2, source: 'axis3', scale: -1, label: 'gripper up / down (z)' },
      { action: 3, source: 'axis2', scale: -1, label: 'gripper turn (yaw)' },
      {
        action: 4,
        source: 'triggers',
        scale: 1,
        label: 'hold the right trigger to close the fingers; let go (or left trigger) to open',
      },
    ],
    description:
      'A 7-joint arm with a two-finger gripper: lift the red cube and set it down on the green zone, then let go. Left stick moves the gripper in the horizontal plane (0.25 m/s), right stick up/down and turn; hold the right trigger to grip. +10 on success.',
  },
  mjcf: 'panda-gripper.xml',
  frameSkip: 20,
  trackBody: 'link1',
  survivalBonus: 0,
  bind(sim: MjSim) {
    const dt = sim.timestep * 20
    const drive = createCartesianDrive(sim, {
      site: 'grip',
      joints: ['joint1', 'joint2', 'joint3', 'joint4', 'joint5', 'joint6', 'joint7'],
      axes: ['x', 'y', 'z', 'roll', 'pitch', 'yaw'],
      rest: PANDA_HOME,
      postureGain: 0.5,
      dt,
      gripper: sim.requireId('actuator', 'gripper'),
    })
    const ee = drive.ee
    const adr = (joint: string): number => (sim.model.jnt_qposadr as Int32Array)[sim.requireId('joint', joint)]
    const finger = adr('finger_left')
    const fingerR = adr('finger_right')
    const cube = adr('cube')
    const zoneX = adr('zone_x')
    const zoneY = adr('zone_y')
    const cmd = new Float64Array(6)
    const cubeState = () => {
      const q = sim.qpos()
      const c = [q[cube], q[cube + 1], q[cube + 2]]
      const zoneErr = Math.hypot(q[zoneX] - c[0], q[zoneY] - c[1])
      return { c, zoneErr, opening: q[finger] }
    }
    return {
      reset(rng) {
        drive.reset()
        const q = sim.qpos()
        PANDA_HOME.forEach((v, i) => (q[ee.qposAdr[i]] = v + rng.uniform(-0.03, 0.03)))
        q[finger] = q[fingerR] = PICK.fingerOpen
        const [x0, x1] = PICK.xRange
        const [y0, y1] = PICK.yRange
        const cx = rng.uniform(x0, x1)
        const cy = rng.uniform(y0, y1)
        const yaw = rng.uniform(-Math.PI / 4, Math.PI / 4)
        q.set([cx, cy, PICK.cubeHalf, Math.cos(yaw / 2), 0, 0, Math.sin(yaw / 2)], cube)
        for (let tries = 0; tries < 100; tries++) {
          q[zoneX] = rng.uniform(x0, x1)
          q[zoneY] = rng.uniform(y0, y1)
          if (Math.hypot(q[zoneX] - cx, q[zoneY] - cy) >= PICK.minZoneDistance) break
        }
      },
      applyAction(a) {
        const { pos, mat } = sitePose(sim, ee.siteId)
        for (let i = 0; i < 3; i++) {
          let v = a[i] * PICK.maxSpeed
          // At the edge of the workspace box only motion back inside is kept.
          if ((pos[i] <= PICK.siteLow[i] && v < 0) || (pos[i] >= PICK.siteHigh[i] && v > 0)) v = 0
          cmd[i] = v
        }
        // Keep the gripper's axis (site z) on -world z: angular velocity k (a x d) with d = (0, 0, -1).
        cmd[3] = -PICK.uprightGain * mat[5]
        cmd[4] = PICK.uprightGain * mat[2]
        cmd[5] = a[3] * PICK.maxYawRate
        // Grip command: 0 or less opens fully, up to 1 closes (squeezing what is between the fingers).
        drive.apply(cmd, PICK.fingerOpen * (1 - clip(a[4], 0, 1)))
      },
      beforeStep() {},
      afterStep(a) {
        sim.kinematics()
        const { pos } = sitePose(sim, ee.siteId)
        const { c, zoneErr, opening } = cubeState()
        const reach = Math.hypot(pos[0] - c[0], pos[1] - c[1], pos[2] - c[2])
        const resting = c[2] < PICK.cubeHalf + 0.005
        const success = zoneErr < PICK.successRadius && resting && opening > PICK.cubeHalf + 0.005
        const lifted = c[2] > PICK.cubeHalf + 0.01
        const reward = -reach - 2 * zoneErr + (lifted ? 0.5 : 0) - 0.01 * sumSq(a) + (success ? 10 : 0)
        return {
          reward,
          terminated: success,
          info: { zone_distance: zoneErr, lifted, success },
        }
      },
      observe(out) {
        const q = sim.qpos()
        const { pos, mat } = sitePose(sim, ee.siteId)
        const gripYaw = Math.atan2(mat[3], mat[0])
        const { c } = cubeState()
        const cubeYaw = quatYaw(q[cube + 3], q[cube + 4], q[cube + 5], q[cube + 6])
        out.set(pos, 0)
        out[3] = Math.cos(gripYaw)
        out[4] = Math.sin(gripYaw)
        out[5] = q[finger]
        out.set(c, 6)
        out[9] = quarterWrap(cubeYaw - gripYaw)
        out[10] = q[zoneX]
        out[11] = q[zoneY]
        for (let i = 0; i < 3; i++) out[12 + i] = c[i] - pos[i]
        out[15] = q[zoneX] - c[0]
        out[16] = q[zoneY] - c[1]
        for (let i = 0; i < 7; i++) out[17 + i] = q[ee.qposAdr[i]]
        out[24] = c[2] - PICK.cubeHalf
      },
    }
  },
}

/** Observation layout of pick-place, for the scripted expert. */
export const PICK_OBS = {
  grip: 0,
  opening: 5,
  cube: 6,
  yawError: 9,
  zone: 10,
  cubeFromGrip: 12,
  zoneFromCube: 15,
  cubeHeight: 24,
} as const
