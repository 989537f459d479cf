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
  TASK_FILE_LIMITS,
  TaskFile,
  taskFileProblem,
  type EndEffector,
  type RewardTerm,
} from '../../../shared/task-file'
import { createCartesianDrive, type CartesianDrive, type EeAxis } from '../ee-control'
import { loadModelFromString, type MjSim, type ObjTypeName } from '../mujoco'
import type { TaskDef, TaskLogic } from './task-def'

/** A task folder's files by path relative to the folder ('/' separators). */
export type TaskFiles = Record<string, Uint8Array>

/** What a checked folder is: its parsed task.json, the TaskInfo it gives and the files to compile it from. */
export interface FolderTaskSpec {
  file: TaskFile
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

/** The default gamepad mapping: stick axis i drives action i, for the first four actuators. */
function defaultGamepad(sim: MjSim): GamepadAxisMap[] {
  const out: GamepadAxisMap[] = []
  for (let i = 0; i < Math.min(4, sim.nu); i++) {
    out.push({
      action: i,
      source: `axis${i}` as GamepadAxisMap['source'],
      scale: 1,
      label: sim.name('actuator', i) || `actuator ${i}`,
    })
  }
  return out
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

/** Validate a task folder fully: schema, model, every name it uses. Nothing is registered. */
export async function checkTaskFolder(files: TaskFiles, source = 'task folder'): Promise<FolderTaskSpec> {
  checkFileBounds(files)
  const file = parseTaskFile(files)
  const sim = await compileFolderModel(files, file, source)
  try {
    const model = file.model
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
      description:
        file.description ??
        (ee
          ? `Your own model (${model}): the velocity of site ${ee.site} (${ee.axes.join(', ')})${ee.gripper ? ` and ${ee.gripper}` : ''}, no expert.`
          : `Your own model (${model}): ${sim.nu} actuators, no expert.`),
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
      return {
        reset() {
          // The model's own initial state (qpos0, or its keyframe-free default): task.json has no noise to add.
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
