// The paper's four benchmarks with Gymnasium v5 semantics (see docs in tasks.md): observation without the
// x position, forward-velocity reward, control cost, healthy bonus and termination, seeded reset noise.
import type { MjSim } from '../mujoco'
import type { Rng } from '../rng'
import { clip, sumSq, type TaskDef, type TaskLogic } from './task-def'

const ones = (n: number, v: number): number[] => new Array<number>(n).fill(v)

function uniformNoise(sim: MjSim, rng: Rng, scale: number): void {
  const qpos = sim.qpos()
  for (let i = 0; i < qpos.length; i++) qpos[i] += rng.uniform(-scale, scale)
  const qvel = sim.qvel()
  for (let i = 0; i < qvel.length; i++) qvel[i] += rng.uniform(-scale, scale)
}

/** Hopper and Walker2d share everything but the healthy ranges. */
/** Gymnasium's HalfCheetah/Ant reset: qpos + U(-scale, scale), qvel + scale * N(0, 1). */
function uniformPosNormalVelNoise(sim: MjSim, rng: Rng, scale: number): void {
  const qpos = sim.qpos()
  for (let i = 0; i < qpos.length; i++) qpos[i] += rng.uniform(-scale, scale)
  const qvel = sim.qvel()
  for (let i = 0; i < qvel.length; i++) qvel[i] += scale * rng.normal()
}

function planarWalker(opts: {
  zLow: number
  zHigh: number
  angleLimit: number
  checkStateRange: boolean
}): (sim: MjSim) => TaskLogic {
  return (sim) => {
    const dt = sim.timestep * 4
    let xBefore = 0
    const healthy = (): boolean => {
      const qpos = sim.qpos()
      const qvel = sim.qvel()
      const z = qpos[1]
      const angle = qpos[2]
      if (opts.checkStateRange) {
        for (let i = 2; i < qpos.length; i++) if (!(Math.abs(qpos[i]) < 100)) return false
        for (let i = 0; i < qvel.length; i++) if (!(Math.abs(qvel[i]) < 100)) return false
      }
      return z > opts.zLow && z < opts.zHigh && angle > -opts.angleLimit && angle < opts.angleLimit
    }
    return {
      reset(rng) {
        uniformNoise(sim, rng, 5e-3)
      },
      applyAction(a) {
        sim.ctrl().set(a)
      },
      beforeStep() {
        xBefore = sim.qpos()[0]
      },
      afterStep(a) {
        const xVel = (sim.qpos()[0] - xBefore) / dt
        const ok = healthy()
        return { reward: xVel + (ok ? 1 : 0) - 1e-3 * sumSq(a), terminated: !ok, info: { x_velocity: xVel } }
      },
      observe(out) {
        const qpos = sim.qpos()
        const qvel = sim.qvel()
        let k = 0
        for (let i = 1; i < qpos.length; i++) out[k++] = qpos[i]
        for (let i = 0; i < qvel.length; i++) out[k++] = clip(qvel[i], -10, 10)
      },
    }
  }
}

// Gymnasium v5's healthy ranges: Hopper's torso angle within 0.2 rad, Walker2d's within 1 rad.
const HOPPER = { zLow: 0.7, zHigh: Infinity, angleLimit: 0.2, checkStateRange: true }
const WALKER2D = { zLow: 0.8, zHigh: 2, angleLimit: 1, checkStateRange: false }

export const hopper: TaskDef = {
  info: {
    id: 'hopper',
    title: 'Hopper',
    obsDim: 11,
    actDim: 3,
    controlHz: 125,
    horizon: 1000,
    operator: false,
    actionLow: ones(3, -1),
    actionHigh: ones(3, 1),
    description: 'One-legged hopper (Gymnasium v5 semantics): hop forward without falling.',
  },
  mjcf: 'hopper.xml',
  frameSkip: 4,
  trackBody: 'torso',
  survivalBonus: 1,
  bind: planarWalker(HOPPER),
  withFallAngle(angle, id) {
    return { ...hopper, info: { ...hopper.info, id }, bind: planarWalker({ ...HOPPER, angleLimit: angle }) }
  },
}

export const walker2d: TaskDef = {
  info: {
    id: 'walker2d',
    title: 'Walker2d',
    obsDim: 17,
    actDim: 6,
    controlHz: 125,
    horizon: 1000,
    operator: false,
    actionLow: ones(6, -1),
    actionHigh: ones(6, 1),
    description: 'Two-legged planar walker (Gymnasium v5 semantics): walk forward without falling.',
  },
  mjcf: 'walker2d.xml',
  frameSkip: 4,
  trackBody: 'torso',
  survivalBonus: 1,
  bind: planarWalker(WALKER2D),
  withFallAngle(angle, id) {
    return { ...walker2d, info: { ...walker2d.info, id }, bind: planarWalker({ ...WALKER2D, angleLimit: angle }) }
  },
}

export const halfcheetah: TaskDef = {
  info: {
    id: 'halfcheetah',
    title: 'HalfCheetah',
    obsDim: 17,
    actDim: 6,
    controlHz: 20,
    horizon: 1000,
    operator: false,
    actionLow: ones(6, -1),
    actionHigh: ones(6, 1),
    description: 'Planar cheetah (Gymnasium v5 semantics): run forward as fast as possible; never terminates.',
  },
  mjcf: 'halfcheetah.xml',
  frameSkip: 5,
  trackBody: 'torso',
  survivalBonus: 0,
  bind(sim) {
    const dt = sim.timestep * 5
    let xBefore = 0
    return {
      reset(rng) {
        uniformPosNormalVelNoise(sim, rng, 0.1)
      },
      applyAction(a) {
        sim.ctrl().set(a)
      },
      beforeStep() {
        xBefore = sim.qpos()[0]
      },
      afterStep(a) {
        const xVel = (sim.qpos()[0] - xBefore) / dt
        return { reward: xVel - 0.1 * sumSq(a), terminated: false, info: { x_velocity: xVel } }
      },
      observe(out) {
        const qpos = sim.qpos()
        const qvel = sim.qvel()
        let k = 0
        for (let i = 1; i < qpos.length; i++) out[k++] = qpos[i]
        for (let i = 0; i < qvel.length; i++) out[k++] = qvel[i]
      },
    }
  },
}

export const ant: TaskDef = {
  info: {
    id: 'ant',
    title: 'Ant',
    obsDim: 27,
    actDim: 8,
    controlHz: 20,
    horizon: 1000,
    operator: false,
    actionLow: ones(8, -1),
    actionHigh: ones(8, 1),
    description:
      'Four-legged ant (Gymnasium v5 semantics, observation without contact forces; the contact cost stays in the reward).',
  },
  mjcf: 'ant.xml',
  frameSkip: 5,
  trackBody: 'torso',
  survivalBonus: 1,
  bind(sim) {
    const dt = sim.timestep * 5
    const torso = sim.requireId('body', 'torso')
    let xBefore = 0
    return {
      reset(rng) {
        uniformPosNormalVelNoise(sim, rng, 0.1)
      },
      applyAction(a) {
        sim.ctrl().set(a)
      },
      beforeStep() {
        xBefore = sim.xpos()[torso * 3]
      },
      afterStep(a) {
        // cfrc_ext is only filled by mj_rnePostConstraint (Gymnasium v5 does the same).
        sim.rnePostConstraint()
        const xVel = (sim.xpos()[torso * 3] - xBefore) / dt
        const cfrc = sim.data.cfrc_ext as Float64Array
        let contact = 0
        for (let i = 0; i < cfrc.length; i++) {
          const c = clip(cfrc[i], -1, 1)
          contact += c * c
        }
        const qpos = sim.qpos()
        let finite = true
        for (let i = 0; i < qpos.length; i++) if (!Number.isFinite(qpos[i])) finite = false
        const z = qpos[2]
        const ok = finite && z >= 0.2 && z <= 1
        return {
          reward: xVel + (ok ? 1 : 0) - 0.5 * sumSq(a) - 5e-4 * contact,
          terminated: !ok,
          info: { x_velocity: xVel },
        }
      },
      observe(out) {
        const qpos = sim.qpos()
        const qvel = sim.qvel()
        let k = 0
        for (let i = 2; i < qpos.length; i++) out[k++] = qpos[i]
        for (let i = 0; i < qvel.length; i++) out[k++] = qvel[i]
      },
    }
  },
}
