// The Env implementation over MjSim for any TaskDef.
// Action rule: an action of the wrong length, or with a NaN or infinite entry, throws a RangeError and is never
// applied; finite entries outside [actionLow, actionHigh] are clipped to the bounds and the step's
// info.clipped is true. Rewards and costs are computed from the clipped action.
import {
  SCENE_TEXTURE_LIMITS,
  type Frame,
  type SceneGeom,
  type SceneGeometry,
  type TaskInfo,
} from '../../shared/contract'
import type { Env, StepResult } from './env'
import type { MjSim } from './mujoco'
import { createRng } from './rng'
import { geomTexture, sceneTexture, skyboxTexture } from './scene-textures'
import type { TaskDef, TaskLogic } from './tasks/task-def'

/** contacts sent with a frame, and height-field cells sent for drawing: bounds on every frame's size */
const MAX_CONTACTS = 32
const MAX_HFIELD_CELLS = 128 * 128

const GEOM_TYPES: SceneGeom['type'][] = ['plane', 'hfield', 'sphere', 'capsule', 'ellipsoid', 'cylinder', 'box', 'mesh']

export class MujocoEnv implements Env {
  readonly task: TaskInfo
  private readonly logic: TaskLogic
  private readonly act: Float64Array
  private readonly low: Float64Array
  private readonly high: Float64Array
  private steps = 0
  private lastSeed = 0
  private readonly trackBody: number

  constructor(
    readonly def: TaskDef,
    readonly sim: MjSim,
  ) {
    this.task = def.info
    if (sim.nu !== def.info.actDim && def.info.operator === false) {
      throw new Error(`${def.info.id}: model has ${sim.nu} actuators, task declares ${def.info.actDim}`)
    }
    this.logic = def.bind(sim)
    this.act = new Float64Array(def.info.actDim)
    this.low = Float64Array.from(def.info.actionLow)
    this.high = Float64Array.from(def.info.actionHigh)
    this.trackBody = Math.max(0, sim.id('body', def.trackBody))
    this.reset(0)
  }

  get stepCount(): number {
    return this.steps
  }

  /** The seed of the last reset (recorded with trajectories). */
  get seed(): number {
    return this.lastSeed
  }

  reset(seed?: number): Float64Array {
    // Without a seed, continue a deterministic sequence from the previous one.
    this.lastSeed = seed ?? this.lastSeed + 1
    this.sim.reset()
    this.logic.reset(createRng(this.lastSeed))
    this.sim.forward()
    this.steps = 0
    return this.observe()
  }

  /** Validate and clip into this.act; returns whether anything was clipped. */
  private takeAction(action: ArrayLike<number>): boolean {
    const n = this.act.length
    if (action == null || action.length !== n) {
      throw new RangeError(
        `${this.task.id}: action must have length ${n}, got ${action == null ? action : action.length}`,
      )
    }
    let clipped = false
    for (let i = 0; i < n; i++) {
      const v = action[i]
      if (typeof v !== 'number' || !Number.isFinite(v)) {
        throw new RangeError(`${this.task.id}: action[${i}] is ${String(v)}; every entry must be a finite number`)
      }
      if (v < this.low[i]) {
        this.act[i] = this.low[i]
        clipped = true
      } else if (v > this.high[i]) {
        this.act[i] = this.high[i]
        clipped = true
      } else this.act[i] = v
    }
    return clipped
  }

  step(action: ArrayLike<number>): StepResult {
    const clipped = this.takeAction(action)
    this.logic.applyAction(this.act)
    this.logic.beforeStep()
    this.sim.step(this.def.frameSkip)
    const out = this.logic.afterStep(this.act)
    this.steps++
    const truncated = !out.terminated && this.steps >= this.task.horizon
    return {
      observation: this.observe(),
      reward: out.reward,
      terminated: out.terminated,
      truncated,
      info: { step: this.steps, clipped, ...(out.info ?? {}) },
    }
  }

  observe(): Float64Array {
    const obs = new Float64Array(this.task.obsDim)
    this.logic.observe(obs)
    return obs
  }

  getState(): Float64Array {
    return this.sim.getState()
  }

  /** Restore a full physics state; the step counter is left alone (the caller knows the step). */
  setState(state: ArrayLike<number>): void {
    this.sim.setState(state)
  }

  /** Set the step counter after restoring a state mid-episode (replay, seek). */
  setStepCount(n: number): void {
    this.steps = n
  }

  geometry(): SceneGeometry {
    const m = this.sim.model
    const sim = this.sim
    const type = m.geom_type as Int32Array
    const size = m.geom_size as Float64Array
    const pos = m.geom_pos as Float64Array
    const quat = m.geom_quat as Float64Array
    const body = m.geom_bodyid as Int32Array
    const rgba = m.geom_rgba as Float32Array
    const matid = m.geom_matid as Int32Array
    const matRgba = m.mat_rgba as Float32Array
    const dataid = m.geom_dataid as Int32Array
    const r4 = (x: number): number => Math.round(x * 1e4) / 1e4
    // Textures in the order geoms first use them, each once; beyond the bound geoms keep their colour.
    const textures: NonNullable<SceneGeometry['textures']> = []
    const textureIndex = new Map<number, number>()
    const textureOf = (t: number): number | undefined => {
      if (t < 0) return undefined
      if (!textureIndex.has(t) && textures.length < SCENE_TEXTURE_LIMITS.count) {
        textureIndex.set(t, textures.length)
        textures.push(sceneTexture(sim, t))
      }
      return textureIndex.get(t)
    }
    const texrepeat = m.mat_texrepeat as Float32Array
    const geoms: SceneGeom[] = []
    for (let g = 0; g < sim.ngeom; g++) {
      const t = GEOM_TYPES[type[g]] ?? 'box'
      const col = matid[g] >= 0 ? matRgba.subarray(matid[g] * 4, matid[g] * 4 + 4) : rgba.subarray(g * 4, g * 4 + 4)
      const geom: SceneGeom = {
        name: sim.name('geom', g) || `geom${g}`,
        type: t,
        body: body[g],
        size: Array.from(size.subarray(g * 3, g * 3 + 3)),
        pos: Array.from(pos.subarray(g * 3, g * 3 + 3)),
        quat: Array.from(quat.subarray(g * 4, g * 4 + 4)),
        rgba: Array.from(col, r4),
      }
      if (t === 'mesh' && dataid[g] >= 0) {
        const mi = dataid[g]
        const va = (m.mesh_vertadr as Int32Array)[mi]
        const vn = (m.mesh_vertnum as Int32Array)[mi]
        const fa = (m.mesh_faceadr as Int32Array)[mi]
        const fn = (m.mesh_facenum as Int32Array)[mi]
        geom.mesh = {
          vertices: Array.from((m.mesh_vert as Float32Array).subarray(va * 3, (va + vn) * 3)),
          faces: Array.from((m.mesh_face as Int32Array).subarray(fa * 3, (fa + fn) * 3)),
        }
      }
      if (t === 'hfield' && dataid[g] >= 0) geom.hfield = this.hfield(dataid[g])
      const tex = textureOf(geomTexture(sim, g))
      if (tex !== undefined) {
        geom.texture = { index: tex, repeat: Array.from(texrepeat.subarray(2 * matid[g], 2 * matid[g] + 2)) }
      }
      geoms.push(geom)
    }
    const lights = []
    const nlight = m.nlight
    const lpos = m.light_pos as Float64Array
    const ldir = m.light_dir as Float64Array
    const ltype = m.light_type as Int32Array
    const ldiff = m.light_diffuse as Float32Array
    // light_castshadow is a bool array the 3.14 bindings cannot read; MuJoCo's default (true) stands in.
    for (let l = 0; l < nlight; l++) {
      lights.push({
        pos: Array.from(lpos.subarray(l * 3, l * 3 + 3)),
        dir: Array.from(ldir.subarray(l * 3, l * 3 + 3)),
        directional: ltype[l] === 1,
        diffuse: Array.from(ldiff.subarray(l * 3, l * 3 + 3), r4),
        castShadow: ltype[l] === 1,
      })
    }
    const stat = m.stat
    const extent = stat.extent
    stat.delete()
    const skybox = textureOf(skyboxTexture(sim))
    const bodyNames: string[] = []
    for (let b = 0; b < sim.nbody; b++) bodyNames.push(sim.name('body', b) || (b === 0 ? 'world' : `body${b}`))
    return {
      taskId: this.task.id,
      nbody: sim.nbody,
      bodyNames,
      geoms,
      lights,
      trackBody: this.trackBody,
      extent,
      sites: this.sites(),
      cameras: this.cameras(),
      ...(textures.length ? { textures } : {}),
      ...(skybox !== undefined ? { skybox } : {}),
    }
  }

  /** A height field's elevations (at most MAX_HFIELD_CELLS; a bigger one is sampled down for drawing). */
  private hfield(h: number): NonNullable<SceneGeom['hfield']> {
    const m = this.sim.model
    const nrow = (m.hfield_nrow as Int32Array)[h]
    const ncol = (m.hfield_ncol as Int32Array)[h]
    const adr = (m.hfield_adr as Int32Array)[h]
    const all = (m.hfield_data as Float32Array).subarray(adr, adr + nrow * ncol)
    const step = Math.max(1, Math.ceil(Math.sqrt((nrow * ncol) / MAX_HFIELD_CELLS)))
    const rows = Math.ceil(nrow / step)
    const cols = Math.ceil(ncol / step)
    const data: number[] = []
    for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) data.push(all[r * step * ncol + c * step])
    const size = Array.from((m.hfield_size as Float64Array).subarray(4 * h, 4 * h + 4))
    return { nrow: rows, ncol: cols, size, data }
  }

  private sites(): NonNullable<SceneGeometry['sites']> {
    const m = this.sim.model
    const out: NonNullable<SceneGeometry['sites']> = []
    const success = new Set(this.def.successSites ?? [])
    for (let i = 0; i < m.nsite; i++) {
      const name = this.sim.name('site', i) || `site${i}`
      out.push({
        name,
        ...(success.has(name) ? { success: true } : {}),
        body: (m.site_bodyid as Int32Array)[i],
        pos: Array.from((m.site_pos as Float64Array).subarray(3 * i, 3 * i + 3)),
        quat: Array.from((m.site_quat as Float64Array).subarray(4 * i, 4 * i + 4)),
        size: (m.site_size as Float64Array)[3 * i],
        rgba: Array.from((m.site_rgba as Float32Array).subarray(4 * i, 4 * i + 4), (x) => Math.round(x * 1e4) / 1e4),
      })
    }
    return out
  }

  private cameras(): NonNullable<SceneGeometry['cameras']> {
    const m = this.sim.model
    const out: NonNullable<SceneGeometry['cameras']> = []
    for (let i = 0; i < m.ncam; i++) {
      out.push({
        name: this.sim.name('camera', i) || `camera${i}`,
        body: (m.cam_bodyid as Int32Array)[i],
        pos: Array.from((m.cam_pos as Float64Array).subarray(3 * i, 3 * i + 3)),
        quat: Array.from((m.cam_quat as Float64Array).subarray(4 * i, 4 * i + 4)),
        fovy: (m.cam_fovy as Float64Array)[i],
      })
    }
    return out
  }

  frame(): Frame {
    // Positions only: recomputing them leaves the physics state, and so determinism, untouched.
    this.sim.kinematics()
    const contacts = this.sim.contacts(MAX_CONTACTS)
    return {
      t: this.sim.time,
      step: this.steps,
      xpos: Array.from(this.sim.xpos()),
      xquat: Array.from(this.sim.xquat()),
      // from the last step: the page draws them on a toggle
      ...(contacts.length > 0 ? { contacts: Array.from(contacts, (x) => Math.round(x * 1e4) / 1e4) } : {}),
    }
  }

  close(): void {
    this.sim.close()
  }
}
