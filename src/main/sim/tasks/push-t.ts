// push-t: push a T-shaped block to a fixed goal pose with a round pusher driven in x, y (after PushT, Chi et al.
// 2023, and LeRobot's gym-pusht: 10 Hz control, at most 300 steps). Success is a pose error below both
// thresholds (PUSHT.successDistance, PUSHT.successAngle) instead of PushT's 95 % area coverage; they are of the
// same order for this block (1 cm is a twelfth of the bar, 5 degrees moves the bar's ends by 5 mm). Every step
// also reports PushT's own measure, info.coverage: the share of the goal T's area the block covers (teeCoverage).
import type { MjSim } from '../mujoco'
import { sumSq, type TaskDef } from './task-def'
import { shapeCoverage } from './tee-coverage'

export const PUSHT = {
  /** goal pose of the block's frame (m, m, rad); the same green T is drawn in resources/mjcf/push-t.xml */
  goal: [0, 0, Math.PI / 4] as const,
  /** full-stick pusher speed (m/s) */
  maxSpeed: 0.25,
  /** the block's boxes in its own frame (origin at the centre of mass): centre x, centre y, half sizes (m) */
  boxes: [
    [0, 0.0257, 0.06, 0.015],
    [0, -0.0343, 0.015, 0.045],
  ] as const,
  pusherRadius: 0.015,
  /** initial block position drawn in this square (m) and at least this far from the goal */
  startHalf: 0.12,
  minStartDistance: 0.05,
  /** success thresholds: position error (m) and angle error (rad, 5 degrees) */
  successDistance: 0.01,
  successAngle: (5 * Math.PI) / 180,
}

/** Angle wrapped into (-pi, pi]. */
export function wrapAngle(a: number): number {
  return Math.atan2(Math.sin(a), Math.cos(a))
}

/** The share of the goal T's area covered by the block at pose (x, y, yaw), in [0, 1] (exact; tee-coverage.ts). */
export function teeCoverage(x: number, y: number, yaw: number): number {
  return shapeCoverage(PUSHT.boxes, [x, y, yaw], PUSHT.goal)
}

/** Is the point (x, y), in the block's frame, inside the T grown by `margin`? */
export function insideTee(x: number, y: number, margin: number): boolean {
  return PUSHT.boxes.some(([cx, cy, hx, hy]) => Math.abs(x - cx) <= hx + margin && Math.abs(y - cy) <= hy + margin)
}

export const pushT: TaskDef = {
  info: {
    id: 'push-t',
    title: 'Push-T',
    obsDim: 11,
    obsLabels: [
      'pusher x',
      'pusher y',
      'pusher velocity x',
      'pusher velocity y',
      'T x',
      'T y',
      'cos T yaw',
      'sin T yaw',
      'goal − T x',
      'goal − T y',
      'goal − T yaw',
    ],
    actDim: 2,
    controlHz: 10,
    horizon: 300,
    operator: true,
    actionLow: [-1, -1],
    actionHigh: [1, 1],
    gamepad: [
      { action: 0, source: 'axis0', scale: 1, label: 'pusher left / right' },
      { action: 1, source: 'axis1', scale: -1, label: 'pusher up / down' },
    ],
    description:
      'Push the blue T onto the green one with the orange pusher (left stick, 0.25 m/s). Success when the T is within 1 cm and 5 degrees of the goal; +10 then.',
  },
  mjcf: 'push-t.xml',
  frameSkip: 20,
  trackBody: 'goal',
  survivalBonus: 0,
  bind(sim: MjSim) {
    const adr = (joint: string): number => (sim.model.jnt_qposadr as Int32Array)[sim.requireId('joint', joint)]
    const tx = adr('tee_x')
    const ty = adr('tee_y')
    const tyaw = adr('tee_yaw')
    const px = adr('pusher_x')
    const py = adr('pusher_y')
    const dof = sim.model.jnt_dofadr as Int32Array
    const pvx = dof[sim.requireId('joint', 'pusher_x')]
    const pvy = dof[sim.requireId('joint', 'pusher_y')]
    const errors = (): { dist: number; angle: number } => {
      const q = sim.qpos()
      return {
        dist: Math.hypot(PUSHT.goal[0] - q[tx], PUSHT.goal[1] - q[ty]),
        angle: Math.abs(wrapAngle(PUSHT.goal[2] - q[tyaw])),
      }
    }
    return {
      reset(rng) {
        const q = sim.qpos()
        for (let tries = 0; tries < 100; tries++) {
          q[tx] = rng.uniform(-PUSHT.startHalf, PUSHT.startHalf)
          q[ty] = rng.uniform(-PUSHT.startHalf, PUSHT.startHalf)
          if (Math.hypot(q[tx] - PUSHT.goal[0], q[ty] - PUSHT.goal[1]) >= PUSHT.minStartDistance) break
        }
        q[tyaw] = rng.uniform(-Math.PI, Math.PI)
        // The pusher starts anywhere on the board clear of the block.
        const c = Math.cos(q[tyaw])
        const s = Math.sin(q[tyaw])
        for (let tries = 0; tries < 100; tries++) {
          q[px] = rng.uniform(-0.25, 0.25)
          q[py] = rng.uniform(-0.25, 0.25)
          const dx = q[px] - q[tx]
          const dy = q[py] - q[ty]
          if (!insideTee(c * dx + s * dy, -s * dx + c * dy, PUSHT.pusherRadius + 0.01)) break
        }
      },
      applyAction(a) {
        const ctrl = sim.ctrl()
        ctrl[0] = a[0] * PUSHT.maxSpeed
        ctrl[1] = a[1] * PUSHT.maxSpeed
      },
      beforeStep() {},
      afterStep(a) {
        const { dist, angle } = errors()
        const success = dist < PUSHT.successDistance && angle < PUSHT.successAngle
        // Dense shaping: 10 cm of position error weighs as much as 1 rad of angle error.
        const reward = -10 * dist - angle - 0.01 * sumSq(a) + (success ? 10 : 0)
        const q = sim.qpos()
        const coverage = teeCoverage(q[tx], q[ty], q[tyaw])
        return { reward, terminated: success, info: { position_error: dist, angle_error: angle, coverage, success } }
      },
      observe(out) {
        const q = sim.qpos()
        const v = sim.qvel()
        out[0] = q[px]
        out[1] = q[py]
        out[2] = v[pvx]
        out[3] = v[pvy]
        out[4] = q[tx]
        out[5] = q[ty]
        out[6] = Math.cos(q[tyaw])
        out[7] = Math.sin(q[tyaw])
        out[8] = PUSHT.goal[0] - q[tx]
        out[9] = PUSHT.goal[1] - q[ty]
        out[10] = wrapAngle(PUSHT.goal[2] - q[tyaw])
      },
    }
  },
}
