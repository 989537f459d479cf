// Tasks meant for a person with a gamepad: commands that map naturally to sticks and triggers, a dense enough
// reward, and a goal or target that lives in qpos so the full physics state captures it.
import type { MjSim } from '../mujoco'
import { clip, sumSq, type TaskDef } from './task-def'

// ---------------------------------------------------------------- reacher-arm
export const ARM = { l1: 0.3, l2: 0.25, maxSpeed: 0.4, reachLow: 0.15, reachHigh: 0.5, success: 0.03 }

/** Fingertip position of the planar arm for joint angles q1, q2. */
export function armTip(q1: number, q2: number): [number, number] {
  return [ARM.l1 * Math.cos(q1) + ARM.l2 * Math.cos(q1 + q2), ARM.l1 * Math.sin(q1) + ARM.l2 * Math.sin(q1 + q2)]
}

export const reacherArm: TaskDef = {
  info: {
    id: 'reacher-arm',
    title: 'Reacher arm',
    obsDim: 12,
    obsLabels: [
      'cos shoulder',
      'sin shoulder',
      'cos elbow',
      'sin elbow',
      'shoulder velocity',
      'elbow velocity',
      'fingertip x',
      'fingertip y',
      'target x',
      'target y',
      'target − tip x',
      'target − tip y',
    ],
    actDim: 2,
    controlHz: 25,
    horizon: 200,
    operator: true,
    actionLow: [-1, -1],
    actionHigh: [1, 1],
    gamepad: [
      { action: 0, source: 'axis0', scale: 1, label: 'fingertip left / right' },
      { action: 1, source: 'axis1', scale: -1, label: 'fingertip forward / back' },
    ],
    description:
      'Planar two-link arm: the left stick moves the fingertip (velocity command, 0.4 m/s at full tilt); bring it onto the green target.',
    commandedPoint: 'fingertip',
  },
  mjcf: 'reacher-arm.xml',
  frameSkip: 4,
  trackBody: 'link1',
  survivalBonus: 0,
  bind(sim: MjSim) {
    const tip = (): [number, number] => {
      const q = sim.qpos()
      return armTip(q[0], q[1])
    }
    const dist = (): number => {
      const q = sim.qpos()
      const [x, y] = armTip(q[0], q[1])
      return Math.hypot(x - q[2], y - q[3])
    }
    return {
      reset(rng) {
        const q = sim.qpos()
        q[0] = rng.uniform(-Math.PI, Math.PI)
        q[1] = rng.uniform(0.4, 2) * (rng.next() < 0.5 ? -1 : 1)
        const [tx, ty] = armTip(q[0], q[1])
        for (let tries = 0; tries < 100; tries++) {
          const r = rng.uniform(ARM.reachLow, ARM.reachHigh)
          const a = rng.uniform(-Math.PI, Math.PI)
          q[2] = r * Math.cos(a)
          q[3] = r * Math.sin(a)
          if (Math.hypot(q[2] - tx, q[3] - ty) > 0.15) break
        }
      },
      applyAction(a) {
        // Fingertip velocity -> joint velocities by damped least squares, tracked by the velocity servos.
        const q = sim.qpos()
        const s1 = Math.sin(q[0])
        const c1 = Math.cos(q[0])
        const s12 = Math.sin(q[0] + q[1])
        const c12 = Math.cos(q[0] + q[1])
        const j11 = -ARM.l1 * s1 - ARM.l2 * s12
        const j12 = -ARM.l2 * s12
        const j21 = ARM.l1 * c1 + ARM.l2 * c12
        const j22 = ARM.l2 * c12
        const vx = a[0] * ARM.maxSpeed
        const vy = a[1] * ARM.maxSpeed
        const lam2 = 0.02 * 0.02
        // (J J^T + lam^2 I)^-1 v, then J^T
        const a11 = j11 * j11 + j12 * j12 + lam2
        const a12 = j11 * j21 + j12 * j22
        const a22 = j21 * j21 + j22 * j22 + lam2
        const det = a11 * a22 - a12 * a12
        const w1 = (a22 * vx - a12 * vy) / det
        const w2 = (-a12 * vx + a11 * vy) / det
        const ctrl = sim.ctrl()
        ctrl[0] = clip(j11 * w1 + j21 * w2, -4, 4)
        ctrl[1] = clip(j12 * w1 + j22 * w2, -4, 4)
      },
      beforeStep() {},
      afterStep(a) {
        const d = dist()
        return { reward: -d - 0.01 * sumSq(a), terminated: false, info: { distance: d, success: d < ARM.success } }
      },
      observe(out) {
        const q = sim.qpos()
        const v = sim.qvel()
        const [x, y] = tip()
        out[0] = Math.cos(q[0])
        out[1] = Math.sin(q[0])
        out[2] = Math.cos(q[1])
        out[3] = Math.sin(q[1])
        out[4] = v[0]
        out[5] = v[1]
        out[6] = x
        out[7] = y
        out[8] = q[2]
        out[9] = q[3]
        out[10] = q[2] - x
        out[11] = q[3] - y
      },
    }
  },
}

// ---------------------------------------------------------------- point-maze
/** The maze, row 0 at the top (+y); '#' is a wall cell. resources/mjcf/point-maze.xml is generated from it. */
export const MAZE = {
  grid: ['#######', '#..#..#', '#.##.##', '#.....#', '##.##.#', '#..#..#', '#######'],
  cell: 0.5,
  start: [1, 1] as [number, number],
  goalRadius: 0.15,
  minGoalCells: 4,
}

export function mazeCellCenter(r: number, c: number): [number, number] {
  const rows = MAZE.grid.length
  const cols = MAZE.grid[0].length
  return [(c - (cols - 1) / 2) * MAZE.cell, ((rows - 1) / 2 - r) * MAZE.cell]
}

export function mazeCellOf(x: number, y: number): [number, number] {
  const rows = MAZE.grid.length
  const cols = MAZE.grid[0].length
  return [Math.round((rows - 1) / 2 - y / MAZE.cell), Math.round(x / MAZE.cell + (cols - 1) / 2)]
}

export function mazeOpen(r: number, c: number): boolean {
  return MAZE.grid[r]?.[c] === '.'
}

/** Breadth-first distances (in cells) from one cell to every open cell; -1 where unreachable. */
export function mazeDistances(from: [number, number]): number[][] {
  const dist = MAZE.grid.map((row) => Array.from(row, () => -1))
  const queue: [number, number][] = [from]
  dist[from[0]][from[1]] = 0
  while (queue.length) {
    const [r, c] = queue.shift()!
    for (const [dr, dc] of [
      [1, 0],
      [-1, 0],
      [0, 1],
      [0, -1],
    ]) {
      const nr = r + dr
      const nc = c + dc
      if (mazeOpen(nr, nc) && dist[nr][nc] < 0) {
        dist[nr][nc] = dist[r][c] + 1
        queue.push([nr, nc])
      }
    }
  }
  return dist
}

export const pointMaze: TaskDef = {
  info: {
    id: 'point-maze',
    title: 'Point maze',
    obsDim: 6,
    obsLabels: ['x', 'y', 'velocity x', 'velocity y', 'goal x', 'goal y'],
    actDim: 2,
    controlHz: 25,
    horizon: 500,
    operator: true,
    actionLow: [-1, -1],
    actionHigh: [1, 1],
    gamepad: [
      { action: 0, source: 'axis0', scale: 1, label: 'push left / right' },
      { action: 1, source: 'axis1', scale: -1, label: 'push up / down' },
    ],
    description:
      'A ball in a small maze: push it with the left stick to the green goal (+10 on arrival, -0.01 per step).',
    commandedPoint: 'ball',
  },
  mjcf: 'point-maze.xml',
  frameSkip: 4,
  trackBody: 'ball',
  survivalBonus: 0,
  bind(sim: MjSim) {
    const [sx, sy] = mazeCellCenter(MAZE.start[0], MAZE.start[1])
    const fromStart = mazeDistances(MAZE.start)
    const candidates: [number, number][] = []
    fromStart.forEach((row, r) => row.forEach((d, c) => d >= MAZE.minGoalCells && candidates.push([r, c])))
    const ballGoal = (): number => {
      const q = sim.qpos()
      return Math.hypot(sx + q[0] - q[2], sy + q[1] - q[3])
    }
    return {
      reset(rng) {
        const q = sim.qpos()
        q[0] = rng.uniform(-0.05, 0.05)
        q[1] = rng.uniform(-0.05, 0.05)
        const [gr, gc] = candidates[rng.int(candidates.length)]
        const [gx, gy] = mazeCellCenter(gr, gc)
        q[2] = gx
        q[3] = gy
      },
      applyAction(a) {
        sim.ctrl().set(a)
      },
      beforeStep() {},
      afterStep() {
        const d = ballGoal()
        const reached = d < MAZE.goalRadius
        return { reward: reached ? 10 : -0.01, terminated: reached, info: { distance: d, success: reached } }
      },
      observe(out) {
        const q = sim.qpos()
        const v = sim.qvel()
        out[0] = sx + q[0]
        out[1] = sy + q[1]
        out[2] = v[0]
        out[3] = v[1]
        out[4] = q[2]
        out[5] = q[3]
      },
    }
  },
}

// ---------------------------------------------------------------- cartpole
export const CARTPOLE = { maxAngle: 0.6, maxX: 1.45 }

/** The cart-pole's logic with the pole's tip-over angle at `maxAngle` (an absorbing failure). */
function cartpoleLogic(maxAngle: number): TaskDef['bind'] {
  return (sim: MjSim) => ({
    reset(rng) {
      const q = sim.qpos()
      const v = sim.qvel()
      for (let i = 0; i < 2; i++) {
        q[i] += rng.uniform(-0.05, 0.05)
        v[i] += rng.uniform(-0.05, 0.05)
      }
    },
    applyAction(a) {
      sim.ctrl()[0] = a[0]
    },
    beforeStep() {},
    afterStep() {
      const q = sim.qpos()
      const fell = !(Math.abs(q[1]) <= maxAngle && Math.abs(q[0]) <= CARTPOLE.maxX)
      return { reward: 1, terminated: fell }
    },
    observe(out) {
      const q = sim.qpos()
      const v = sim.qvel()
      out[0] = q[0]
      out[1] = q[1]
      out[2] = v[0]
      out[3] = v[1]
    },
  })
}

export const cartpole: TaskDef = {
  info: {
    id: 'cartpole',
    title: 'Cart-pole',
    obsDim: 4,
    obsLabels: ['cart position', 'pole angle', 'cart velocity', 'pole angular velocity'],
    actDim: 1,
    controlHz: 50,
    horizon: 1000,
    operator: true,
    actionLow: [-1],
    actionHigh: [1],
    gamepad: [
      { action: 0, source: 'axis0', scale: 1, label: 'push cart left / right' },
      { action: 0, source: 'triggers', scale: 1, label: 'right trigger pushes right, left trigger pushes left' },
    ],
    description:
      'Keep the 1 m pole upright by pushing the cart (left stick x, or the triggers; the two add up). +1 per step; ends when the pole tips past 0.6 rad or the cart hits a stop.',
  },
  mjcf: 'cartpole.xml',
  frameSkip: 2,
  trackBody: 'cart',
  survivalBonus: 0,
  bind: cartpoleLogic(CARTPOLE.maxAngle),
  withFallAngle(angle, id) {
    return { ...cartpole, info: { ...cartpole.info, id }, bind: cartpoleLogic(angle) }
  },
}
