// End-effector velocity control for any MuJoCo model: a Cartesian velocity of a site (any subset of x, y, z and
// the world-frame angular rates roll, pitch, yaw) becomes joint velocities by damped least squares on the site's
// Jacobian (mj_jacSite), qdot = J^T (J J^T + lambda^2 I)^-1 v, plus a pull toward a rest posture projected into
// the task's null space. Joints that would cross a limit (less a margin) within the control period, or exceed
// the speed bound, are saturated at their bound and the remaining joints re-solve for what is left of the
// command (a small form of the saturation-in-null-space scheme of Flacco, De Luca and Khatib, ICRA 2012).
import type { MjSim } from './mujoco'

export type EeAxis = 'x' | 'y' | 'z' | 'roll' | 'pitch' | 'yaw'
const AXIS_ROW: Record<EeAxis, number> = { x: 0, y: 1, z: 2, roll: 3, pitch: 4, yaw: 5 }

/** mjtJoint values of the joints the controller may drive (free and ball joints are not arm joints). */
const JNT_SLIDE = 2
const JNT_HINGE = 3

export interface EeControlOptions {
  /** the controlled site */
  site: string
  /** the arm's joints; default: every hinge/slide joint on the bodies from the site's body up to the world */
  joints?: string[]
  /** the command's components, in order; default ['x', 'y', 'z', 'yaw'] */
  axes?: EeAxis[]
  /** damping lambda (m/s scale); bounds joint speeds near singularities. Default 0.05 */
  damping?: number
  /** rest posture, one value per joint; default the model's qpos0 clipped into the limits */
  rest?: ArrayLike<number>
  /** null-space pull toward the rest posture, 1/s. Default 1 */
  postureGain?: number
  /** distance kept from each joint limit (rad or m). Default 0.03 */
  limitMargin?: number
  /** joint speed bound (rad/s or m/s). Default 2 */
  maxJointSpeed?: number
}

export interface EeController {
  readonly siteId: number
  readonly joints: readonly string[]
  readonly axes: readonly EeAxis[]
  /** qpos addresses of the joints, in order */
  readonly qposAdr: readonly number[]
  /** joint velocities (one per joint) for a site velocity (one value per axis) over a control period dt (s) */
  jointVelocities(command: ArrayLike<number>, dt: number): Float64Array
}

/** The hinge/slide joints that move a site: those on its body and every ancestor, in qpos order. */
export function chainJoints(sim: MjSim, siteId: number): string[] {
  const m = sim.model
  const siteBody = (m.site_bodyid as Int32Array)[siteId]
  const parent = m.body_parentid as Int32Array
  const jntBody = m.jnt_bodyid as Int32Array
  const jntType = m.jnt_type as Int32Array
  const bodies = new Set<number>()
  for (let b = siteBody; b > 0; b = parent[b]) bodies.add(b)
  const out: string[] = []
  for (let j = 0; j < jntBody.length; j++) {
    if (bodies.has(jntBody[j]) && (jntType[j] === JNT_HINGE || jntType[j] === JNT_SLIDE)) out.push(sim.name('joint', j))
  }
  return out
}

/** Solve (A) x = b in place for a small symmetric positive definite A (k x k, row-major) by Cholesky. */
function solveSpd(a: Float64Array, b: Float64Array, k: number): void {
  for (let i = 0; i < k; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * k + j]
      for (let p = 0; p < j; p++) s -= a[i * k + p] * a[j * k + p]
      a[i * k + j] = i === j ? Math.sqrt(Math.max(s, 1e-12)) : s / a[j * k + j]
    }
  }
  for (let i = 0; i < k; i++) {
    let s = b[i]
    for (let p = 0; p < i; p++) s -= a[i * k + p] * b[p]
    b[i] = s / a[i * k + i]
  }
  for (let i = k - 1; i >= 0; i--) {
    let s = b[i]
    for (let p = i + 1; p < k; p++) s -= a[p * k + i] * b[p]
    b[i] = s / a[i * k + i]
  }
}

export function createEeController(sim: MjSim, options: EeControlOptions): EeController {
  const siteId = sim.requireId('site', options.site)
  const joints = options.joints ?? chainJoints(sim, siteId)
  if (joints.length === 0) throw new Error(`ee-control: no hinge or slide joint moves site '${options.site}'`)
  const axes = options.axes ?? (['x', 'y', 'z', 'yaw'] as EeAxis[])
  if (axes.length === 0 || axes.length > 6 || new Set(axes).size !== axes.length) {
    throw new Error(`ee-control: axes must be 1 to 6 distinct names of x, y, z, roll, pitch, yaw`)
  }
  const lambda = options.damping ?? 0.05
  const postureGain = options.postureGain ?? 1
  const margin = options.limitMargin ?? 0.03
  const vmax = options.maxJointSpeed ?? 2
  if (!(lambda > 0) || !(postureGain >= 0) || !(margin >= 0) || !(vmax > 0)) {
    throw new RangeError('ee-control: damping and maxJointSpeed must be > 0, postureGain and limitMargin >= 0')
  }
  const m = sim.model
  const jntType = m.jnt_type as Int32Array
  const qadr = m.jnt_qposadr as Int32Array
  const dadr = m.jnt_dofadr as Int32Array
  const range = m.jnt_range as Float64Array
  const qpos0 = m.qpos0 as Float64Array
  const n = joints.length
  const k = axes.length
  const qposAdr: number[] = []
  const dofAdr: number[] = []
  const lo = new Float64Array(n)
  const hi = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    const j = sim.requireId('joint', joints[i])
    if (jntType[j] !== JNT_HINGE && jntType[j] !== JNT_SLIDE) {
      throw new Error(`ee-control: joint '${joints[i]}' is not a hinge or slide joint`)
    }
    qposAdr.push(qadr[j])
    dofAdr.push(dadr[j])
    // jnt_limited is a bool array the 3.14 bindings cannot read; an unlimited joint has range (0, 0).
    const limited = range[2 * j] < range[2 * j + 1]
    lo[i] = limited ? range[2 * j] + margin : -Infinity
    hi[i] = limited ? range[2 * j + 1] - margin : Infinity
  }
  const rest = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    const r = options.rest ? options.rest[i] : qpos0[qposAdr[i]]
    rest[i] = Math.min(Math.max(r, lo[i]), hi[i])
  }
  if (options.rest && options.rest.length !== n) {
    throw new RangeError(`ee-control: rest has ${options.rest.length} values for ${n} joints`)
  }
  const rows = axes.map((a) => AXIS_ROW[a])
  const J = new Float64Array(k * n)
  const A = new Float64Array(k * k)
  const w = new Float64Array(k)
  const v = new Float64Array(k)

  /** qdot over the free joints for command v (J restricted to free columns), with the posture term. */
  const solve = (free: Uint8Array, q: Float64Array, out: Float64Array): void => {
    for (let a = 0; a < k; a++) {
      for (let b = 0; b <= a; b++) {
        let s = a === b ? lambda * lambda : 0
        for (let i = 0; i < n; i++) if (free[i]) s += J[a * n + i] * J[b * n + i]
        A[a * k + b] = s
        A[b * k + a] = s
      }
    }
    // Posture velocity z, and the task-space velocity it would cause, removed from the command: this is
    // (I - J# J) z written without forming the projector.
    const z = new Float64Array(n)
    for (let i = 0; i < n; i++) if (free[i] && Number.isFinite(rest[i])) z[i] = postureGain * (rest[i] - q[i])
    for (let a = 0; a < k; a++) {
      let s = 0
      for (let i = 0; i < n; i++) s += J[a * n + i] * z[i]
      w[a] = v[a] - s
    }
    solveSpd(A, w, k)
    for (let i = 0; i < n; i++) {
      if (!free[i]) continue
      let s = z[i]
      for (let a = 0; a < k; a++) s += J[a * n + i] * w[a]
      out[i] = s
    }
  }

  return {
    siteId,
    joints,
    axes,
    qposAdr,
    jointVelocities(command, dt) {
      if (command.length !== k) throw new RangeError(`ee-control: command has ${command.length} values for ${k} axes`)
      if (!(dt > 0)) throw new RangeError('ee-control: dt must be > 0')
      const { jacp, jacr } = sim.jacSite(siteId)
      const nv = sim.nv
      for (let a = 0; a < k; a++) {
        const src = rows[a] < 3 ? jacp : jacr
        const r = rows[a] % 3
        for (let i = 0; i < n; i++) J[a * n + i] = src[r * nv + dofAdr[i]]
      }
      const qpos = sim.qpos()
      const q = Float64Array.from(qposAdr, (adr) => qpos[adr])
      // Speed bounds this period: never past a limit (less the margin) within dt, never faster than vmax.
      const vlo = new Float64Array(n)
      const vhi = new Float64Array(n)
      for (let i = 0; i < n; i++) {
        vlo[i] = Math.min(0, Math.max(-vmax, (lo[i] - q[i]) / dt))
        vhi[i] = Math.max(0, Math.min(vmax, (hi[i] - q[i]) / dt))
      }
      const free = new Uint8Array(n).fill(1)
      const qdot = new Float64Array(n)
      for (let iter = 0; iter <= n; iter++) {
        // What the saturated joints already do is taken off the command.
        for (let a = 0; a < k; a++) {
          let s = command[a]
          for (let i = 0; i < n; i++) if (!free[i]) s -= J[a * n + i] * qdot[i]
          v[a] = s
        }
        solve(free, q, qdot)
        let saturated = false
        for (let i = 0; i < n; i++) {
          if (!free[i]) continue
          if (qdot[i] > vhi[i] || qdot[i] < vlo[i]) {
            qdot[i] = qdot[i] > vhi[i] ? vhi[i] : vlo[i]
            free[i] = 0
            saturated = true
          }
        }
        if (!saturated) break
      }
      return qdot
    },
  }
}

/** A site's position and rotation matrix (row-major 3x3) from the last kinematics pass. */
export function sitePose(sim: MjSim, siteId: number): { pos: Float64Array; mat: Float64Array } {
  const d = sim.data
  return {
    pos: Float64Array.from((d.site_xpos as Float64Array).subarray(siteId * 3, siteId * 3 + 3)),
    mat: Float64Array.from((d.site_xmat as Float64Array).subarray(siteId * 9, siteId * 9 + 9)),
  }
}

/** mjtTrn: the actuator drives a joint directly */
const TRN_JOINT = 0
/** mjNBIAS: bias parameters per actuator */
const NBIAS = 10

export interface CartesianDriveOptions extends EeControlOptions {
  /** the control period (s): one command is held for it */
  dt: number
  /** the gripper's actuator index, if any: apply() writes its command as given */
  gripper?: number
}

/**
 * Cartesian velocity control through the model's own servos: the one path from a site velocity to data.ctrl that
 * pick-place and task folders with an `endEffector` share. Each arm joint must be driven by a velocity servo (its
 * command is the joint velocity) or a position servo (its command is a target moved by the joint velocity each
 * period, started from where the joint is).
 */
export interface CartesianDrive {
  readonly ee: EeController
  /** forget position targets (after a reset): the next apply() starts them at the current joint positions */
  reset(): void
  /** command the site's velocity (one value per axis) for this period; `grip` goes to the gripper actuator */
  apply(velocity: ArrayLike<number>, grip?: number): void
}

/** How an actuator drives its joint: a velocity servo (bias -kv qdot) or a position servo (bias -kp q ...). */
function servoKind(sim: MjSim, actuator: number): 'velocity' | 'position' | null {
  const bias = sim.model.actuator_biasprm as Float64Array
  if (bias[actuator * NBIAS + 1] !== 0) return 'position'
  if (bias[actuator * NBIAS + 2] !== 0) return 'velocity'
  return null
}

/** A position target may lead its joint by at most this (rad or m), so a blocked joint does not wind up. */
const MAX_TARGET_LEAD = 0.2

export function createCartesianDrive(sim: MjSim, options: CartesianDriveOptions): CartesianDrive {
  if (!(options.dt > 0)) throw new RangeError('ee-control: dt must be > 0')
  const ee = createEeController(sim, options)
  const m = sim.model
  const trnType = m.actuator_trntype as Int32Array
  const trnId = m.actuator_trnid as Int32Array
  const range = m.jnt_range as Float64Array
  const n = ee.joints.length
  const actuator = new Int32Array(n)
  const position = new Uint8Array(n)
  const lo = new Float64Array(n)
  const hi = new Float64Array(n)
  ee.joints.forEach((name, i) => {
    const j = sim.requireId('joint', name)
    let a = -1
    for (let k = 0; k < sim.nu && a < 0; k++) if (trnType[k] === TRN_JOINT && trnId[2 * k] === j) a = k
    const kind = a < 0 ? null : servoKind(sim, a)
    if (kind === null) {
      throw new Error(
        `ee-control: joint '${name}' (it moves site '${options.site}') needs a position or velocity servo among the actuators`,
      )
    }
    actuator[i] = a
    position[i] = kind === 'position' ? 1 : 0
    const limited = range[2 * j] < range[2 * j + 1]
    lo[i] = limited ? range[2 * j] : -Infinity
    hi[i] = limited ? range[2 * j + 1] : Infinity
  })
  if (options.gripper !== undefined && !(options.gripper >= 0 && options.gripper < sim.nu)) {
    throw new RangeError(`ee-control: gripper actuator ${options.gripper} is not one of the model's ${sim.nu}`)
  }
  let target: Float64Array | null = null
  return {
    ee,
    reset() {
      target = null
    },
    apply(velocity, grip) {
      const qdot = ee.jointVelocities(velocity, options.dt)
      const ctrl = sim.ctrl()
      const qpos = sim.qpos()
      if (!target && position.some((p) => p === 1)) target = Float64Array.from(ee.qposAdr, (adr) => qpos[adr])
      for (let i = 0; i < n; i++) {
        if (!position[i]) {
          ctrl[actuator[i]] = qdot[i]
          continue
        }
        const q = qpos[ee.qposAdr[i]]
        const t = target![i] + qdot[i] * options.dt
        target![i] = Math.min(hi[i], Math.max(lo[i], Math.min(q + MAX_TARGET_LEAD, Math.max(q - MAX_TARGET_LEAD, t))))
        ctrl[actuator[i]] = target![i]
      }
      if (options.gripper !== undefined && grip !== undefined) ctrl[options.gripper] = grip
    },
  }
}
