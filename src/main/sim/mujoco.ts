// The only module that touches @mujoco/mujoco. Everything else sees MjSim: a model and its data with the few
// operations the workbench needs, and a close() that frees every WebAssembly object exactly once.
import loadMujocoModule, { type MainModule, type MjData, type MjModel } from '@mujoco/mujoco'
import { readFileSync, readdirSync, statSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'

export type Mujoco = MainModule

let cached: Promise<MainModule> | null = null

/** Load the WebAssembly module once per thread (about 150 ms); later calls share it. */
export function loadMujoco(): Promise<MainModule> {
  if (!cached) {
    cached = loadMujocoModule().catch((e: unknown) => {
      cached = null
      throw e
    })
  }
  return cached
}

/** MuJoCo's version as a string, e.g. "3.14.0". */
export async function mujocoVersion(): Promise<string> {
  return (await loadMujoco()).mj_versionString()
}

/** mjSTATE_FULLPHYSICS: time, qpos, qvel, act, history, plugin state. */
export const FULL_PHYSICS = 8223

/** MuJoCo object types we look names up for (mjtObj values). */
export const ObjType = {
  body: 1,
  joint: 3,
  geom: 5,
  site: 6,
  camera: 7,
  light: 8,
  mesh: 10,
  hfield: 12,
  texture: 13,
  tendon: 18,
  actuator: 19,
  sensor: 20,
} as const
export type ObjTypeName = keyof typeof ObjType

export class MjcfError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'MjcfError'
  }
}

/** Turn MuJoCo's loader message into one readable line: "MJCF error: <problem> (element 'x', line n)". */
function mjcfError(e: unknown, source: string): MjcfError {
  const raw = e instanceof Error ? e.message : String(e)
  const body = raw.replace(/^(Error:\s*)?MuJoCo Error:\s*/i, '').replace(/Loading error:\s*/i, '')
  const first = body.split('MuJoCo Error:')[0].trim()
  const lines = first
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
  const problem = lines[0]?.replace(/^(XML )?Error:\s*/i, '') ?? 'unknown error'
  const where = lines.slice(1).join(', ')
  return new MjcfError(`MJCF error in ${source}: ${problem}${where ? ` (${where})` : ''}`)
}

export interface LoadOptions {
  /** extra files (meshes, textures, included XML) by path relative to the MJCF, written to the in-memory FS */
  assets?: Record<string, string | Uint8Array>
  /** a name for error messages */
  source?: string
}

let loadCounter = 0

/** Compile an MJCF string. Assets are written beside it in the module's in-memory file system first. */
export async function loadModelFromString(xml: string, options: LoadOptions = {}): Promise<MjSim> {
  const mj = await loadMujoco()
  const source = options.source ?? 'MJCF string'
  const assets = options.assets ?? {}
  if (Object.keys(assets).length === 0) {
    let model: MjModel
    try {
      model = mj.MjModel.from_xml_string(xml)
    } catch (e) {
      throw mjcfError(e, source)
    }
    return new MjSim(mj, model)
  }
  // With assets: a private folder in MEMFS so relative mesh/texture paths resolve, removed after compiling.
  const dir = `/iwb-model-${process.pid}-${++loadCounter}`
  const written: string[] = []
  const fs = mj.FS
  try {
    fs.mkdir(dir)
    for (const [rel, content] of Object.entries(assets)) {
      const path = `${dir}/${rel}`
      const parts = rel.split('/').slice(0, -1)
      let cur = dir
      for (const p of parts) {
        cur = `${cur}/${p}`
        try {
          fs.mkdir(cur)
        } catch {
          /* exists */
        }
      }
      fs.writeFile(path, content)
      written.push(path)
    }
    const main = `${dir}/model.xml`
    fs.writeFile(main, xml)
    written.push(main)
    let model: MjModel
    try {
      model = mj.MjModel.from_xml_path(main)
    } catch (e) {
      throw mjcfError(e, source)
    }
    return new MjSim(mj, model)
  } finally {
    for (const p of written) {
      try {
        fs.unlink(p)
      } catch {
        /* already gone */
      }
    }
  }
}

/** Compile an MJCF file; every file in its folder (meshes, textures) is made available to the compiler. */
export async function loadModelFromFile(path: string): Promise<MjSim> {
  const xml = readFileSync(path, 'utf8')
  const root = dirname(path)
  const assets: Record<string, Uint8Array> = {}
  const walk = (d: string, depth: number): void => {
    if (depth > 3) return
    for (const name of readdirSync(d)) {
      const full = join(d, name)
      if (full === path) continue
      const st = statSync(full)
      if (st.isDirectory()) walk(full, depth + 1)
      else if (/\.(stl|obj|msh|png|xml)$/i.test(name) && st.size < 32 * 1024 * 1024) {
        assets[relative(root, full)] = readFileSync(full)
      }
    }
  }
  if (/<(mesh|texture|include|hfield)\b[^>]*\bfile=/.test(xml)) walk(root, 0)
  return loadModelFromString(xml, { assets, source: path })
}

/** A compiled model with one MjData. Typed-array views are re-read on each access (never cached). */
export class MjSim {
  readonly nq: number
  readonly nv: number
  readonly nu: number
  readonly nbody: number
  readonly ngeom: number
  readonly stateSize: number
  /** physics timestep (opt.timestep), read once */
  readonly timestep: number
  private modelObj: MjModel | null
  private dataObj: MjData | null
  private stateBuf: { GetView(): Float64Array; delete(): void } | null
  private jacBufs: { GetView(): Float64Array; delete(): void }[] | null = null

  constructor(
    readonly mj: MainModule,
    model: MjModel,
  ) {
    this.modelObj = model
    try {
      this.dataObj = new mj.MjData(model)
    } catch (e) {
      model.delete()
      throw e
    }
    this.nq = model.nq
    this.nv = model.nv
    this.nu = model.nu
    this.nbody = model.nbody
    this.ngeom = model.ngeom
    this.stateSize = mj.mj_stateSize(model, FULL_PHYSICS)
    const opt = model.opt
    this.timestep = opt.timestep
    opt.delete()
    this.stateBuf = new mj.DoubleBuffer(this.stateSize) as never
  }

  get closed(): boolean {
    return this.modelObj === null
  }

  /** The bound MjModel (for reading model arrays such as geom_size); throws after close(). */
  get model(): MjModel {
    if (!this.modelObj) throw new Error('MjSim is closed')
    return this.modelObj
  }

  get data(): MjData {
    if (!this.dataObj) throw new Error('MjSim is closed')
    return this.dataObj
  }

  get time(): number {
    return this.data.time
  }

  qpos(): Float64Array {
    return this.data.qpos as Float64Array
  }
  qvel(): Float64Array {
    return this.data.qvel as Float64Array
  }
  ctrl(): Float64Array {
    return this.data.ctrl as Float64Array
  }
  xpos(): Float64Array {
    return this.data.xpos as Float64Array
  }
  xquat(): Float64Array {
    return this.data.xquat as Float64Array
  }

  /** n physics steps (mj_step). */
  step(n = 1): void {
    const m = this.model
    const d = this.data
    const mj = this.mj
    for (let i = 0; i < n; i++) mj.mj_step(m, d)
  }

  forward(): void {
    this.mj.mj_forward(this.model, this.data)
  }

  /** Body poses for the current qpos (mj_kinematics): mj_step leaves xpos/xquat from before its last integration. */
  kinematics(): void {
    this.mj.mj_kinematics(this.model, this.data)
  }

  /** Compute cfrc_ext and other post-constraint quantities (needed for Ant's contact cost). */
  rnePostConstraint(): void {
    this.mj.mj_rnePostConstraint(this.model, this.data)
  }

  /** mj_resetData then mj_forward: the model's qpos0, zero velocity, time 0. */
  reset(): void {
    this.mj.mj_resetData(this.model, this.data)
    this.mj.mj_forward(this.model, this.data)
  }

  id(type: ObjTypeName, name: string): number {
    return this.mj.mj_name2id(this.model, ObjType[type], name)
  }

  /** Like id() but throws when the name is missing. */
  requireId(type: ObjTypeName, name: string): number {
    const i = this.id(type, name)
    if (i < 0) throw new Error(`no ${type} named '${name}' in the model`)
    return i
  }

  name(type: ObjTypeName, id: number): string {
    return this.mj.mj_id2name(this.model, ObjType[type], id) ?? ''
  }

  /**
   * The active contacts from the last step or forward, at most `max`: per contact its world position then the
   * contact force on geom2 in world coordinates (mj_contactForce, rotated out of the contact frame): 6 numbers.
   */
  contacts(max = 32): Float64Array {
    const d = this.data
    const n = Math.min(max, d.ncon)
    const out = new Float64Array(6 * n)
    if (n === 0) return out
    const vec = d.contact as unknown as { get(i: number): { pos: Float64Array; frame: Float64Array; delete(): void } }
    const buf = new this.mj.DoubleBuffer(6) as unknown as { GetView(): Float64Array; delete(): void }
    try {
      for (let i = 0; i < n; i++) {
        const c = vec.get(i)
        try {
          this.mj.mj_contactForce(this.model, d, i, buf)
          const f = buf.GetView()
          const fr = c.frame
          out.set(c.pos, 6 * i)
          for (let k = 0; k < 3; k++) out[6 * i + 3 + k] = f[0] * fr[k] + f[1] * fr[3 + k] + f[2] * fr[6 + k]
        } finally {
          c.delete()
        }
      }
    } finally {
      buf.delete()
      ;(vec as unknown as { delete?: () => void }).delete?.()
    }
    return out
  }

  /** The full physics state (mjSTATE_FULLPHYSICS), copied out. */
  getState(): Float64Array {
    const buf = this.stateBuf
    if (!buf) throw new Error('MjSim is closed')
    this.mj.mj_getState(this.model, this.data, buf, FULL_PHYSICS)
    return Float64Array.from(buf.GetView())
  }

  /** Restore a state from getState() and recompute derived quantities (mj_forward). */
  setState(state: ArrayLike<number>): void {
    if (state.length !== this.stateSize) {
      throw new RangeError(`state has length ${state.length}, this model's full physics state has ${this.stateSize}`)
    }
    this.mj.mj_setState(this.model, this.data, Array.from(state), FULL_PHYSICS)
    this.mj.mj_forward(this.model, this.data)
  }

  /**
   * A site's translational and rotational Jacobians (mj_jacSite, each 3 x nv, row-major), copied out. Reads the
   * kinematic quantities mj_step / mj_forward left (cdof, site_xpos): call forward() first if qpos was edited.
   */
  jacSite(siteId: number): { jacp: Float64Array; jacr: Float64Array } {
    if (!this.jacBufs) {
      const mk = (): { GetView(): Float64Array; delete(): void } => new this.mj.DoubleBuffer(3 * this.nv) as never
      this.jacBufs = [mk(), mk()]
    }
    const [p, r] = this.jacBufs
    this.mj.mj_jacSite(this.model, this.data, p, r, siteId)
    return { jacp: Float64Array.from(p.GetView()), jacr: Float64Array.from(r.GetView()) }
  }

  /** Free the state buffer, data and model, once; later calls do nothing. */
  close(): void {
    if (this.jacBufs) {
      for (const b of this.jacBufs) b.delete()
      this.jacBufs = null
    }
    if (this.stateBuf) {
      this.stateBuf.delete()
      this.stateBuf = null
    }
    if (this.dataObj) {
      this.dataObj.delete()
      this.dataObj = null
    }
    if (this.modelObj) {
      this.modelObj.delete()
      this.modelObj = null
    }
  }
}
