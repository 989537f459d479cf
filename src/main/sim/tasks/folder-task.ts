// A task from a folder: task.json (src/shared/task-file.ts) + an MJCF model + its mesh/texture assets.
// checkTaskFolder compiles the model once and checks every name task.json uses; the resulting FolderTaskSpec is
// plain data (structured-cloneable), so worker threads rebuild the same TaskDef from it without re-checking.
import {
  closeSync,
  constants,
  fstatSync,
  lstatSync,
  openSync,
  readSync,
  readdirSync,
  statSync,
  type Stats,
} from 'node:fs'
import { join, relative, sep } from 'node:path'
import type { GamepadAxisMap, TaskInfo } from '../../../shared/contract'
import {
  TASK_FILE_DEFAULTS,
  TASK_FILE_LIMITS,
  TaskFile,
  frameSkipFor,
  taskFileProblem,
  type EndEffector,
  type RewardTerm,
  type TaskInit,
} from '../../../shared/task-file'
import { createCartesianDrive, type CartesianDrive, type EeAxis } from '../ee-control'
import { loadModelFromString, type MjSim, type ObjTypeName } from '../mujoco'
import type { Rng } from '../rng'
import type { TaskDef, TaskLogic } from './task-def'

/** A task folder's files by path relative to the folder ('/' separators). */
export type TaskFiles = Record<string, Uint8Array>

/** A checked task.json: its frame skip is known (task.json's, else chosen at add, else the stored default). */
export type CheckedTaskFile = TaskFile & { frameSkip: number }

/** What a checked folder is: its parsed task.json, the TaskInfo it gives and the files to compile it from. */
export interface FolderTaskSpec {
  file: CheckedTaskFile
  info: TaskInfo
  trackBody: string
  files: TaskFiles
}

/** Bad task folder: the message is one line that says what is wrong and where. */
export class TaskFolderError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'TaskFolderError'
  }
}

const MAX_DEPTH = 4

/** Check one relative path of an uploaded or read file: no absolute paths, no '..', no empty parts. */
export function safeRelativePath(path: string): string {
  const p = path.replace(/\\/g, '/')
  const parts = p.split('/')
  if (p.startsWith('/') || parts.some((s) => s === '' || s === '.' || s === '..') || parts.length > MAX_DEPTH + 1) {
    throw new TaskFolderError(`'${path}' is not a plain relative path inside the task folder`)
  }
  return p
}

/** Check the bounds on a folder's files (count, each size, total size) and their paths. */
export function checkFileBounds(files: TaskFiles): void {
  const entries = Object.entries(files)
  if (entries.length > TASK_FILE_LIMITS.files) {
    throw new TaskFolderError(`the task folder has ${entries.length} files; at most ${TASK_FILE_LIMITS.files} are read`)
  }
  let total = 0
  for (const [path, bytes] of entries) {
    safeRelativePath(path)
    if (bytes.byteLength > TASK_FILE_LIMITS.fileBytes) {
      throw new TaskFolderError(
        `${path} is ${bytes.byteLength} bytes; a task file may have at most ${TASK_FILE_LIMITS.fileBytes}`,
      )
    }
    total += bytes.byteLength
  }
  if (total > TASK_FILE_LIMITS.totalBytes) {
    throw new TaskFolderError(`the task folder holds ${total} bytes; at most ${TASK_FILE_LIMITS.totalBytes} are read`)
  }
}

/**
 * Read a task folder from disk (hidden files skipped, sub-folders to a depth of 4), within the bounds. Only regular
 * files and folders inside it are read: a symlink (it could name /etc/passwd) or a device, FIFO or socket is
 * refused in one line naming the entry, never followed (issue #27).
 */
export function readTaskFolder(dir: string): TaskFiles {
  let st
  try {
    st = statSync(dir)
  } catch {
    throw new TaskFolderError(`${dir}: no such folder`)
  }
  if (!st.isDirectory()) throw new TaskFolderError(`${dir} is not a folder (give the folder that holds task.json)`)
  const files: TaskFiles = {}
  let count = 0
  const walk = (d: string, depth: number): void => {
    for (const name of readdirSync(d).sort()) {
      if (name.startsWith('.')) continue
      const full = join(d, name)
      const rel = relative(dir, full).split(sep).join('/')
      const s = lstatSync(full) // lstat: a symlink is seen as one, not as what it points at
      refuseUnlessPlain(s, rel)
      if (s.isDirectory()) {
        if (depth < MAX_DEPTH) walk(full, depth + 1)
        continue
      }
      if (++count > TASK_FILE_LIMITS.files) {
        throw new TaskFolderError(`${dir} has more than ${TASK_FILE_LIMITS.files} files; at most that many are read`)
      }
      files[rel] = readPlainFile(full, rel)
    }
  }
  walk(dir, 0)
  checkFileBounds(files)
  return files
}

/** Refuse an entry that is neither a regular file nor a folder; `rel` is its name inside the task folder. */
function refuseUnlessPlain(s: Stats, rel: string): void {
  if (s.isSymbolicLink()) {
    throw new TaskFolderError(`${rel} in the task folder is a symbolic link; refused (copy the file in instead)`)
  }
  if (!s.isFile() && !s.isDirectory()) {
    throw new TaskFolderError(`${rel} in the task folder is not a regular file or folder; refused`)
  }
}

/**
 * One regular file's bytes, at most TASK_FILE_LIMITS.fileBytes. O_NOFOLLOW refuses a symlink swapped in after the
 * lstat, O_NONBLOCK keeps a FIFO from hanging the open, and the read stops one byte past what fstat said.
 */
function readPlainFile(full: string, rel: string): Uint8Array {
  let fd: number
  try {
    fd = openSync(full, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK)
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    if (code === 'ELOOP') refuseUnlessPlain(lstatSync(full), rel)
    throw new TaskFolderError(`${rel} in the task folder cannot be read (${code ?? String(err)})`)
  }
  try {
    const s = fstatSync(fd)
    refuseUnlessPlain(s, rel)
    if (s.isDirectory()) throw new TaskFolderError(`${rel} in the task folder changed while it was read; refused`)
    if (s.size > TASK_FILE_LIMITS.fileBytes) {
      throw new TaskFolderError(`${rel} is ${s.size} bytes; a task file may have at most ${TASK_FILE_LIMITS.fileBytes}`)
    }
    // One byte more than stat said: filling it means the file grew, and it is not read on.
    const buf = Buffer.alloc(s.size + 1)
    let n = 0
    while (n < buf.length) {
      const got = readSync(fd, buf, n, buf.length - n, null)
      if (got === 0) break
      n += got
    }
    if (n > s.size) throw new TaskFolderError(`${rel} in the task folder grew while it was read; refused`)
    return new Uint8Array(buf.subarray(0, n))
  } finally {
    closeSync(fd)
  }
}

const text = (bytes: Uint8Array): string => new TextDecoder().decode(bytes)

/** Parse and check task.json alone (no MuJoCo): the schema's one-line problem on failure. */
export function parseTaskFile(files: TaskFiles): TaskFile {
  const raw = files['task.json']
  if (!raw) throw new TaskFolderError('no task.json at the top of the task folder')
  let json: unknown
  try {
    json = JSON.parse(text(raw))
  } catch (e) {
    throw new TaskFolderError(`task.json: not valid JSON (${e instanceof Error ? e.message : String(e)})`)
  }
  const parsed = TaskFile.safeParse(json)
  if (!parsed.success) throw new TaskFolderError(taskFileProblem(parsed.error))
  return parsed.data
}

/** The files MuJoCo needs beside the model: everything but task.json and the model itself. */
function assetsOf(files: TaskFiles, model: string): TaskFiles {
  const out: TaskFiles = {}
  for (const [path, bytes] of Object.entries(files)) if (path !== 'task.json' && path !== model) out[path] = bytes
  return out
}

/** Compile the folder's model (MuJoCo's own message, with its line, on an MJCF error; a missing file named). */
export async function compileFolderModel(files: TaskFiles, file: TaskFile, source: string): Promise<MjSim> {
  const xml = files[file.model]
  if (!xml) throw new TaskFolderError(`task.json: model '${file.model}' is not in the task folder`)
  try {
    return await loadModelFromString(text(xml), {
      assets: assetsOf(files, file.model),
      source: `${source}/${file.model}`,
    })
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e)
    // The compiler names the missing file by its in-memory path; name it as the folder does.
    const missing = /(?:error opening file|resource not found|could not open file)[^']*'([^']+)'/i.exec(msg)
    if (missing) {
      const rel = missing[1].replace(/^\/iwb-model-\d+-\d+\//, '')
      throw new TaskFolderError(
        `${source}/${file.model}: the model needs the file '${rel}', which is not in the task folder`,
      )
    }
    throw new TaskFolderError(msg.replace(/\/iwb-model-\d+-\d+\//g, ''))
  }
}

function requireName(sim: MjSim, type: ObjTypeName, name: string, where: string, model: string): number {
  const id = sim.id(type, name)
  if (id < 0) throw new TaskFolderError(`task.json: ${where}: no ${type} named '${name}' in ${model}`)
  return id
}

/** An object's own name, or '' when it has none (the name read back must name the same object). */
function ownName(sim: MjSim, type: ObjTypeName, id: number): string {
  const name = id >= 0 ? sim.name(type, id) : ''
  return name && sim.id(type, name) === id ? name : ''
}

/** MuJoCo's actuator transmission types (mjtTrn) that name a joint or a tendon. */
const TRN_JOINT = [0, 1] // mjTRN_JOINT, mjTRN_JOINTINPARENT
const TRN_TENDON = 3 // mjTRN_TENDON

/** An actuator's label: its name, else the joint or tendon it drives, else 'actuator N'. */
export function actuatorLabel(sim: MjSim, i: number): string {
  const own = ownName(sim, 'actuator', i)
  if (own) return own
  const trnType = (sim.model.actuator_trntype as Int32Array)[i]
  const target = (sim.model.actuator_trnid as Int32Array)[2 * i]
  const driven = TRN_JOINT.includes(trnType)
    ? ownName(sim, 'joint', target)
    : trnType === TRN_TENDON
      ? ownName(sim, 'tendon', target)
      : ''
  return driven || `actuator ${i}`
}

/**
 * The default gamepad mapping: stick axis i drives action i for the first four actuators, and the fifth takes the
 * triggers (right pushes up, left down); the page gives actions beyond those the d-pad and the stick clicks
 * (renderer input/pad-state.ts) and says which stay 0.
 */
function defaultGamepad(sim: MjSim): GamepadAxisMap[] {
  const out: GamepadAxisMap[] = []
  for (let i = 0; i < Math.min(4, sim.nu); i++) {
    out.push({ action: i, source: `axis${i}` as GamepadAxisMap['source'], scale: 1, label: actuatorLabel(sim, i) })
  }
  if (sim.nu > 4) out.push({ action: 4, source: 'triggers', scale: 1, label: `${actuatorLabel(sim, 4)} (RT + / LT -)` })
  return out
}

/** What the reward and success are, in words, for the task's description. */
function rewardText(file: TaskFile): string {
  const terms = file.reward.map((t) => {
    const w = t.weight === 1 ? '' : t.weight === -1 ? '-' : `${t.weight} x `
    switch (t.term) {
      case 'site-distance':
        return `${w}distance ${t.siteA}-${t.siteB}`
      case 'body-height':
        return `${w}height of ${t.body}`
      case 'joint-error':
        return `${w}(${t.joint} - ${t.target})^2`
      case 'control-cost':
        return `${w}sum of squared actions`
      case 'alive':
        return `${w}1 per step`
    }
  })
  const reward = terms.length ? `Reward per step: ${terms.join(' + ')}.` : 'No reward terms (the reward is 0).'
  const success = file.success
    ? ` Success: ${file.success.siteA} within ${file.success.below} m of ${file.success.siteB}.`
    : ' No success condition.'
  return reward + success
}

/** The sticks pick-place uses for each Cartesian axis (docs/TASKS.md); other axes take a free stick. */
const EE_STICK: Record<EeAxis, { source: GamepadAxisMap['source']; label: string }> = {
  x: { source: 'axis1', label: 'forward / back (x)' },
  y: { source: 'axis0', label: 'left / right (y)' },
  z: { source: 'axis3', label: 'up / down (z)' },
  yaw: { source: 'axis2', label: 'turn (yaw)' },
  roll: { source: 'axis2', label: 'roll' },
  pitch: { source: 'axis3', label: 'pitch' },
}

/** The default gamepad of an end-effector task: pick-place's sticks, the triggers for the gripper. */
function eeGamepad(ee: EndEffector): GamepadAxisMap[] {
  const out: GamepadAxisMap[] = []
  const taken = new Set<string>()
  const sticks = ['axis0', 'axis1', 'axis2', 'axis3'] as const
  ee.axes.forEach((axis, action) => {
    const want = EE_STICK[axis].source
    const source = !taken.has(want) ? want : sticks.find((s) => !taken.has(s))
    if (!source) return
    taken.add(source)
    // Stick up and right read negative: -1 makes up/forward/left positive, as in pick-place.
    out.push({ action, source, scale: -1, label: `${ee.site} ${EE_STICK[axis].label}` })
  })
  if (ee.gripper) {
    out.push({ action: ee.axes.length, source: 'triggers', scale: 1, label: `${ee.gripper} (right trigger: high end)` })
  }
  return out
}

/** An actuator's command range; an unlimited one (ctrlrange 0 0) takes [-1, 1]. */
function ctrlRange(sim: MjSim, a: number): [number, number] {
  const range = sim.model.actuator_ctrlrange as Float64Array
  const lo = range[2 * a]
  const hi = range[2 * a + 1]
  return lo < hi ? [lo, hi] : [-1, 1]
}

/** The Cartesian drive of an end-effector task (one code path with pick-place: ee-control's CartesianDrive). */
function eeDrive(sim: MjSim, ee: EndEffector, frameSkip: number): CartesianDrive {
  return createCartesianDrive(sim, {
    site: ee.site,
    axes: [...ee.axes],
    dt: sim.timestep * frameSkip,
    gripper: ee.gripper === undefined ? undefined : sim.requireId('actuator', ee.gripper),
  })
}

/** mjOBJ_KEY: MuJoCo's object type of a <key> (keyframe) element. */
const MJ_OBJ_KEY = 24

/**
 * The start of an episode that task.json's `init` asks for, applied after mj_resetData with the reset's rng: a
 * keyframe drawn uniformly (a named <key> through mj_resetDataKeyframe: qpos, qvel, act, ctrl, mocap; or a qpos
 * list), then noise per degree of freedom on qpos and qvel. qpos noise is a displacement in velocity space, as
 * mj_integratePos applies it: a ball or free joint's quaternion turns by the drawn rotation vector and stays a unit
 * quaternion; a limited hinge or slide joint stays in its range. Null without `init`: qpos0 at rest, no draws.
 * Throws TaskFolderError naming the field for a keyframe or joint the model lacks.
 */
export function initialState(sim: MjSim, init: TaskInit | undefined, model: string): ((rng: Rng) => void) | null {
  if (!init) return null
  const keys = (init.keyframes ?? []).map((k, i): number | Float64Array => {
    if (typeof k === 'string') {
      const id = sim.mj.mj_name2id(sim.model, MJ_OBJ_KEY, k)
      if (id < 0) throw new TaskFolderError(`task.json: init.keyframes.${i}: no keyframe named '${k}' in ${model}`)
      return id
    }
    if (k.length !== sim.nq) {
      throw new TaskFolderError(
        `task.json: init.keyframes.${i}: ${k.length} qpos values, but ${model} has ${sim.nq} (nq)`,
      )
    }
    return Float64Array.from(k)
  })
  const m = sim.model
  const njnt = (m.jnt_type as Int32Array).length
  const jntType = Int32Array.from(m.jnt_type as Int32Array)
  const qposAdr = Int32Array.from(m.jnt_qposadr as Int32Array)
  const dofAdr = Int32Array.from(m.jnt_dofadr as Int32Array)
  const range = Float64Array.from(m.jnt_range as Float64Array)
  // mjJNT_FREE 0 (6 dofs), BALL 1 (3), SLIDE 2 and HINGE 3 (1 each)
  const ndof = (j: number): number => (jntType[j] === 0 ? 6 : jntType[j] === 1 ? 3 : 1)
  /** each degree of freedom's scale: the joint's own, else the one for all */
  const scales = (noise: TaskInit['qpos'], field: string): Float64Array | null => {
    if (!noise) return null
    const out = new Float64Array(sim.nv).fill(noise.scale)
    for (const [joint, scale] of Object.entries(noise.joints)) {
      const j = sim.id('joint', joint)
      if (j < 0)
        throw new TaskFolderError(`task.json: init.${field}.joints.${joint}: no joint named '${joint}' in ${model}`)
      out.fill(scale, dofAdr[j], dofAdr[j] + ndof(j))
    }
    return out.some((v) => v > 0) ? out : null
  }
  const qposScale = scales(init.qpos, 'qpos')
  const qvelScale = scales(init.qvel, 'qvel')
  const draw = (rng: Rng, gaussian: boolean, scale: number): number =>
    gaussian ? scale * Math.max(-3, Math.min(3, rng.normal())) : rng.uniform(-scale, scale)
  const dq = new Float64Array(sim.nv)
  return (rng) => {
    if (keys.length > 0) {
      const k = keys[keys.length === 1 ? 0 : rng.int(keys.length)]
      if (typeof k === 'number') sim.mj.mj_resetDataKeyframe(sim.model, sim.data, k)
      else sim.qpos().set(k)
    }
    if (qposScale) {
      const gaussian = init.qpos!.noise === 'gaussian'
      for (let i = 0; i < dq.length; i++) dq[i] = qposScale[i] > 0 ? draw(rng, gaussian, qposScale[i]) : 0
      const qpos = sim.qpos()
      for (let j = 0; j < njnt; j++) {
        const a = qposAdr[j]
        const d = dofAdr[j]
        if (jntType[j] === 0) {
          for (let c = 0; c < 3; c++) qpos[a + c] += dq[d + c]
          rotateQuat(qpos, a + 3, dq, d + 3)
        } else if (jntType[j] === 1) rotateQuat(qpos, a, dq, d)
        else {
          let q = qpos[a] + dq[d]
          const lo = range[2 * j]
          const hi = range[2 * j + 1]
          if (lo < hi) q = Math.min(hi, Math.max(lo, q))
          qpos[a] = q
        }
      }
    }
    if (qvelScale) {
      const gaussian = init.qvel!.noise === 'gaussian'
      const qvel = sim.qvel()
      for (let i = 0; i < qvel.length; i++) if (qvelScale[i] > 0) qvel[i] += draw(rng, gaussian, qvelScale[i])
    }
  }
}

/** q <- q * exp(v / 2) for the unit quaternion at q[a..a+3] and the rotation vector v[d..d+2] (mju_quatIntegrate). */
function rotateQuat(q: Float64Array, a: number, v: Float64Array, d: number): void {
  const x = v[d]
  const y = v[d + 1]
  const z = v[d + 2]
  const angle = Math.hypot(x, y, z)
  if (angle === 0) return
  const s = Math.sin(angle / 2) / angle
  const [bw, bx, by, bz] = [Math.cos(angle / 2), x * s, y * s, z * s]
  const [aw, ax, ay, az] = [q[a], q[a + 1], q[a + 2], q[a + 3]]
  const w = aw * bw - ax * bx - ay * by - az * bz
  const i = aw * bx + ax * bw + ay * bz - az * by
  const j = aw * by - ax * bz + ay * bw + az * bx
  const k = aw * bz + ax * by - ay * bx + az * bw
  const n = Math.hypot(w, i, j, k) || 1
  q[a] = w / n
  q[a + 1] = i / n
  q[a + 2] = j / n
  q[a + 3] = k / n
}

export interface CheckOptions {
  /**
   * the folder is being added: a task.json without frameSkip gets the one frameSkipFor chooses for the model's
   * timestep, written into the spec's task.json so the stored task keeps it; otherwise (a stored task) the
   * default of 5 it always ran with
   */
  newTask?: boolean
}

/** task.json's bytes with frameSkip set (after `model`), as the workspace stores a task added without one. */
function withFrameSkip(raw: Uint8Array, frameSkip: number): Uint8Array {
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(JSON.parse(text(raw)) as Record<string, unknown>)) {
    out[k] = v
    if (k === 'model') out.frameSkip = frameSkip
  }
  return new TextEncoder().encode(`${JSON.stringify(out, null, 2)}\n`)
}

/** Validate a task folder fully: schema, model, every name it uses. Nothing is registered. */
export async function checkTaskFolder(
  files: TaskFiles,
  source = 'task folder',
  options: CheckOptions = {},
): Promise<FolderTaskSpec> {
  checkFileBounds(files)
  const parsed = parseTaskFile(files)
  const sim = await compileFolderModel(files, parsed, source)
  try {
    const chosen = parsed.frameSkip === undefined && options.newTask ? frameSkipFor(sim.timestep) : undefined
    const file: CheckedTaskFile = { ...parsed, frameSkip: parsed.frameSkip ?? chosen ?? TASK_FILE_DEFAULTS.frameSkip }
    if (chosen !== undefined) files = { ...files, 'task.json': withFrameSkip(files['task.json'], chosen) }
    const model = file.model
    // replicate and composite elements make bodies the text does not show: MuJoCo's count is bounded too
    if (sim.nbody - 1 > TASK_FILE_LIMITS.modelBodies) {
      throw new TaskFolderError(
        `${source}/${model}: the model compiles to ${sim.nbody - 1} bodies; at most ${TASK_FILE_LIMITS.modelBodies}`,
      )
    }
    if (sim.nu === 0) {
      throw new TaskFolderError(`${model} has no actuators: a task needs at least one (add an <actuator> element)`)
    }
    file.observations.sensors.forEach((s, i) => requireName(sim, 'sensor', s, `observations.sensors.${i}`, model))
    file.reward.forEach((t, i) => {
      if (t.term === 'site-distance') {
        requireName(sim, 'site', t.siteA, `reward.${i}.siteA`, model)
        requireName(sim, 'site', t.siteB, `reward.${i}.siteB`, model)
      } else if (t.term === 'body-height') requireName(sim, 'body', t.body, `reward.${i}.body`, model)
      else if (t.term === 'joint-error') {
        const j = requireName(sim, 'joint', t.joint, `reward.${i}.joint`, model)
        const type = (sim.model.jnt_type as Int32Array)[j]
        // mjJNT_SLIDE = 2, mjJNT_HINGE = 3: one coordinate, so one target.
        if (type !== 2 && type !== 3) {
          throw new TaskFolderError(`task.json: reward.${i}.joint: '${t.joint}' is not a hinge or slide joint`)
        }
      }
    })
    if (file.success) {
      requireName(sim, 'site', file.success.siteA, 'success.siteA', model)
      requireName(sim, 'site', file.success.siteB, 'success.siteB', model)
    }
    const ee = file.endEffector
    if (ee) {
      requireName(sim, 'site', ee.site, 'endEffector.site', model)
      if (ee.gripper) requireName(sim, 'actuator', ee.gripper, 'endEffector.gripper', model)
      try {
        eeDrive(sim, ee, file.frameSkip)
      } catch (e) {
        const why = (e instanceof Error ? e.message : String(e)).replace(/^ee-control: /, '')
        throw new TaskFolderError(`task.json: endEffector.site: ${why}`)
      }
    }
    const actDim = ee ? ee.axes.length + (ee.gripper ? 1 : 0) : sim.nu
    const trackBody = file.trackBody ?? (sim.nbody > 1 ? sim.name('body', 1) : 'world')
    if (file.trackBody) requireName(sim, 'body', file.trackBody, 'trackBody', model)
    initialState(sim, file.init, model) // a keyframe or joint `init` names that the model lacks: one line
    file.gamepad?.forEach((g, i) => {
      if (g.action >= actDim) {
        throw new TaskFolderError(
          ee
            ? `task.json: gamepad.${i}.action: ${g.action} but the end-effector action has ${actDim} components`
            : `task.json: gamepad.${i}.action: ${g.action} but ${model} has ${sim.nu} actuators`,
        )
      }
    })
    const actionLow: number[] = []
    const actionHigh: number[] = []
    // An end-effector action is a velocity in [-1, 1] of full speed per axis and the gripper's -1..1.
    for (let a = 0; a < actDim; a++) {
      // An unlimited actuator has ctrlrange 0 0 (MuJoCo requires lo < hi when limited): commands in [-1, 1].
      const [lo, hi] = ee ? [-1, 1] : ctrlRange(sim, a)
      actionLow.push(lo)
      actionHigh.push(hi)
    }
    const adim = sim.model.sensor_dim as Int32Array
    const sensorDim = file.observations.sensors.reduce((n, s) => n + adim[sim.id('sensor', s)], 0)
    const obsDim = (file.observations.qpos ? sim.nq : 0) + (file.observations.qvel ? sim.nv : 0) + sensorDim
    if (obsDim === 0) throw new TaskFolderError('task.json: observations: the task observes nothing')
    const info: TaskInfo = {
      id: file.id,
      title: file.title ?? file.id,
      obsDim,
      actDim,
      controlHz: Math.round(1e6 / (sim.timestep * file.frameSkip)) / 1e6,
      horizon: file.horizon,
      operator: true,
      actionLow,
      actionHigh,
      gamepad: file.gamepad ?? (ee ? eeGamepad(ee) : defaultGamepad(sim)),
      // every actuator named, also those past the gamepad's mapping (the page's spare inputs and plots name them)
      ...(ee ? {} : { actLabels: Array.from({ length: sim.nu }, (_, i) => actuatorLabel(sim, i)) }),
      description:
        (file.description ??
          (ee
            ? `Your own model (${model}): the velocity of site ${ee.site} (${ee.axes.join(', ')})${ee.gripper ? ` and ${ee.gripper}` : ''}, no expert.`
            : `Your own model (${model}): ${sim.nu} actuators, no expert.`)) + ` ${rewardText(file)}`,
    }
    return { file, info, trackBody, files }
  } finally {
    sim.close()
  }
}

/** The model's MJCF text and assets, for compiling it again (makeEnv). */
export function folderModel(spec: FolderTaskSpec): { xml: string; assets: TaskFiles } {
  return { xml: text(spec.files[spec.file.model]), assets: assetsOf(spec.files, spec.file.model) }
}

function termValue(sim: MjSim, t: RewardTerm, ids: number[], action: Float64Array): number {
  switch (t.term) {
    case 'site-distance': {
      const x = sim.data.site_xpos as Float64Array
      const [a, b] = ids
      return Math.hypot(x[3 * a] - x[3 * b], x[3 * a + 1] - x[3 * b + 1], x[3 * a + 2] - x[3 * b + 2])
    }
    case 'body-height':
      return (sim.xpos() as Float64Array)[3 * ids[0] + 2]
    case 'joint-error': {
      const adr = (sim.model.jnt_qposadr as Int32Array)[ids[0]]
      const e = sim.qpos()[adr] - t.target
      return e * e
    }
    case 'control-cost': {
      let s = 0
      for (let i = 0; i < action.length; i++) s += action[i] * action[i]
      return s
    }
    case 'alive':
      return 1
  }
}

/** The TaskDef of a checked folder (synchronous: names were checked by checkTaskFolder). */
export function folderTaskDef(spec: FolderTaskSpec): TaskDef {
  const { file } = spec
  return {
    info: spec.info,
    mjcf: file.model,
    frameSkip: file.frameSkip,
    trackBody: spec.trackBody,
    ...(file.success ? { successSites: [file.success.siteA, file.success.siteB] } : {}),
    survivalBonus: 0,
    bind(sim: MjSim): TaskLogic {
      const termIds = file.reward.map((t) =>
        t.term === 'site-distance'
          ? [sim.requireId('site', t.siteA), sim.requireId('site', t.siteB)]
          : t.term === 'body-height'
            ? [sim.requireId('body', t.body)]
            : t.term === 'joint-error'
              ? [sim.requireId('joint', t.joint)]
              : [],
      )
      const success = file.success
        ? {
            a: sim.requireId('site', file.success.siteA),
            b: sim.requireId('site', file.success.siteB),
            below: file.success.below,
          }
        : null
      const adr = sim.model.sensor_adr as Int32Array
      const dim = sim.model.sensor_dim as Int32Array
      const sensors = file.observations.sensors.map((s) => {
        const id = sim.requireId('sensor', s)
        return { adr: adr[id], dim: dim[id] }
      })
      const needsPositions =
        file.reward.some((t) => t.term === 'site-distance' || t.term === 'body-height') || !!success
      const ee = file.endEffector
      const drive = ee ? eeDrive(sim, ee, file.frameSkip) : null
      const grip = ee?.gripper ? ctrlRange(sim, sim.requireId('actuator', ee.gripper)) : null
      const rotational = new Set<EeAxis>(['roll', 'pitch', 'yaw'])
      const velocity = new Float64Array(ee ? ee.axes.length : 0)
      const start = initialState(sim, file.init, file.model)
      return {
        reset(rng) {
          // The model's own initial state (qpos0 at rest), or the spread task.json's `init` asks for.
          start?.(rng)
          drive?.reset()
        },
        applyAction(a) {
          if (!drive || !ee) {
            sim.ctrl().set(a)
            return
          }
          ee.axes.forEach((axis, i) => {
            velocity[i] = a[i] * (rotational.has(axis) ? ee.maxAngularSpeed : ee.maxSpeed)
          })
          drive.apply(velocity, grip ? grip[0] + ((a[ee.axes.length] + 1) / 2) * (grip[1] - grip[0]) : undefined)
        },
        beforeStep() {},
        afterStep(action) {
          // mj_step leaves site and body positions from before its last integration: recompute them.
          if (needsPositions) sim.kinematics()
          let reward = 0
          file.reward.forEach((t, i) => {
            reward += t.weight * termValue(sim, t, termIds[i], action)
          })
          const info: Record<string, number | boolean> = {}
          if (success) {
            const x = sim.data.site_xpos as Float64Array
            const d = Math.hypot(
              x[3 * success.a] - x[3 * success.b],
              x[3 * success.a + 1] - x[3 * success.b + 1],
              x[3 * success.a + 2] - x[3 * success.b + 2],
            )
            info.distance = d
            info.success = d < success.below
          }
          return { reward, terminated: false, info }
        },
        observe(out) {
          let k = 0
          if (file.observations.qpos) {
            out.set(sim.qpos(), k)
            k += sim.nq
          }
          if (file.observations.qvel) {
            out.set(sim.qvel(), k)
            k += sim.nv
          }
          const data = sim.data.sensordata as Float64Array
          for (const s of sensors) {
            out.set(data.subarray(s.adr, s.adr + s.dim), k)
            k += s.dim
          }
        },
      }
    },
  }
}
