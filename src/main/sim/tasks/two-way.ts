// two-way: a point mass in a small walled arena starts near the middle of the bottom; a wall segment across the
// middle stands between it and a fixed goal near the top, and the ways round it on the left and on the right are
// equally long. The task is built for multi-modal demonstrations: the scripted expert (scripted-two-way.ts)
// takes either way, chosen by the sign of the small start noise, so at the start the two ways are nearly the same
// states; a learner that averages them heads straight into the wall.
import type { MjSim } from '../mujoco'
import { sumSq, type TaskDef } from './task-def'

/** The arena (m); resources/mjcf/two-way.xml draws the same numbers. */
export const TWO_WAY = {
  /** inner half size of the square arena */
  arenaHalf: 0.5,
  /** the wall across the middle: centre x, centre y, half sizes */
  wall: [0, 0, 0.25, 0.025] as const,
  /** the ball's start (before noise) and the goal */
  start: [0, -0.35] as const,
  goal: [0, 0.35] as const,
  /** start noise: uniform in +-startNoise on x and on y */
  startNoise: 0.01,
  ballRadius: 0.04,
  /** success: ball centre within this distance of the goal */
  goalRadius: 0.05,
  /** full-stick speed (m/s); the velocity servos' ctrlrange */
  maxSpeed: 0.5,
  /** success bonus */
  bonus: 10,
}

/** Observation layout: ball position, ball velocity, goal minus ball position. */
export const TWO_WAY_OBS = { pos: 0, vel: 2, goalOffset: 4 } as const

export const twoWay: TaskDef = {
  info: {
    id: 'two-way',
    title: 'Two-way wall',
    obsDim: 6,
    obsLabels: ['x', 'y', 'velocity x', 'velocity y', 'goal − x', 'goal − y'],
    actDim: 2,
    controlHz: 20,
    horizon: 120,
    operator: true,
    actionLow: [-1, -1],
    actionHigh: [1, 1],
    gamepad: [
      { action: 0, source: 'axis0', scale: 1, label: 'move left / right' },
      { action: 1, source: 'axis1', scale: -1, label: 'move up / down' },
    ],
    description:
      'Steer the ball round the wall, by the left or the right, to the green goal (left stick, 0.5 m/s). Reward: minus the distance to the goal each step, +10 and the end on arrival.',
    commandedPoint: 'ball',
  },
  mjcf: 'two-way.xml',
  frameSkip: 5,
  trackBody: 'ball',
  survivalBonus: 0,
  bind(sim: MjSim) {
    const [sx, sy] = TWO_WAY.start
    const [gx, gy] = TWO_WAY.goal
    const dist = (): number => {
      const q = sim.qpos()
      return Math.hypot(gx - sx - q[0], gy - sy - q[1])
    }
    return {
      reset(rng) {
        const q = sim.qpos()
        q[0] = rng.uniform(-TWO_WAY.startNoise, TWO_WAY.startNoise)
        q[1] = rng.uniform(-TWO_WAY.startNoise, TWO_WAY.startNoise)
      },
      applyAction(a) {
        const ctrl = sim.ctrl()
        ctrl[0] = a[0] * TWO_WAY.maxSpeed
        ctrl[1] = a[1] * TWO_WAY.maxSpeed
      },
      beforeStep() {},
      afterStep(a) {
        const d = dist()
        const success = d < TWO_WAY.goalRadius
        const reward = -d - 0.01 * sumSq(a) + (success ? TWO_WAY.bonus : 0)
        return { reward, terminated: success, info: { distance: d, success } }
      },
      observe(out) {
        const q = sim.qpos()
        const v = sim.qvel()
        const x = sx + q[0]
        const y = sy + q[1]
        out[0] = x
        out[1] = y
        out[2] = v[0]
        out[3] = v[1]
        out[4] = gx - x
        out[5] = gy - y
      },
    }
  },
}
