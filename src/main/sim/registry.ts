// The task registry: listTasks() is plain data (no WebAssembly); makeEnv() compiles the task's MJCF.
// Static tasks ship in resources/mjcf; folder tasks (task.json + MJCF, docs/TASKS.md) are registered at run time
// from the workspace. A worker thread learns a folder task from the request that names it (taskCarry on the
// sending side, adoptTask in the worker), so a worker started before the task was added still builds it.
import { readFileSync } from 'node:fs'
import type { TaskInfo } from '../../shared/contract'
import { FALL_ANGLE_TASKS } from '../../shared/session-config'
import type { Env } from './env'
import { loadModelFromString } from './mujoco'
import { MujocoEnv } from './mujoco-env'
import { mjcfPath } from './resources'
import { folderModel, folderTaskDef, type FolderTaskSpec } from './tasks/folder-task'
import { ant, halfcheetah, hopper, walker2d } from './tasks/locomotion'
import { cartpole, pointMaze, reacherArm } from './tasks/operator'
import { pickPlace } from './tasks/pick-place'
import { pushT } from './tasks/push-t'
import type { TaskDef } from './tasks/task-def'
import { twoWay } from './tasks/two-way'

const TASKS: TaskDef[] = [hopper, halfcheetah, walker2d, ant, reacherArm, pointMaze, cartpole, pickPlace, pushT, twoWay]

interface FolderTask {
  spec: FolderTaskSpec
  def: TaskDef
}

/** This thread's folder tasks: registered from the workspace, or carried to this worker by a request. */
const folderTasks = new Map<string, FolderTask>()
const folder = (): Map<string, FolderTask> => folderTasks

/** True for the shipped tasks (which folder tasks may not replace). */
export function isStaticTask(taskId: string): boolean {
  return TASKS.some((d) => d.info.id === taskId)
}

/**
 * Register a checked folder task (checkTaskFolder) for this thread; requests to workers carry it (taskCarry).
 * Registering the same id again replaces it (a workspace re-added its task); a shipped task's id is refused.
 */
export function registerFolderTask(spec: FolderTaskSpec): TaskInfo {
  if (isStaticTask(spec.info.id)) {
    throw new Error(`task '${spec.info.id}' is a shipped task; give your task another id`)
  }
  folder().set(spec.info.id, { spec, def: folderTaskDef(spec) })
  return structuredClone(spec.info)
}

/**
 * What a request to a worker thread carries for the task it names: the folder task's spec (plain data, cloned
 * with the message), or null for a shipped task. The worker passes it to adoptTask before building the env.
 */
export function taskCarry(taskId: string): FolderTaskSpec | null {
  return folderTaskSpec(taskId.split('@', 1)[0])
}

/** In a worker: know the folder task a request carried (taskCarry), whenever this worker was started. */
export function adoptTask(spec: FolderTaskSpec | null | undefined): void {
  if (spec) registerFolderTask(spec)
}

/** Forget the folder tasks (a different workspace was opened; tests). */
export function clearFolderTasks(): void {
  folder().clear()
}

/** The spec of a registered folder task, or null for a shipped or unknown task. */
export function folderTaskSpec(taskId: string): FolderTaskSpec | null {
  return folder().get(taskId)?.spec ?? null
}

function allDefs(): TaskDef[] {
  return [...TASKS, ...[...folder().values()].map((t) => t.def)]
}

export function listTasks(): TaskInfo[] {
  return allDefs().map((t) => structuredClone(t.info))
}

/**
 * The task an id names: a registered task, or a variant of one with parameters after '@' ('hopper@fall=0.1',
 * shared/session-config.ts envTaskId), so rollout workers and evaluators build the variant from its id alone.
 */
export function taskDef(taskId: string): TaskDef {
  const [base, params] = taskId.split('@', 2)
  const t = TASKS.find((d) => d.info.id === base) ?? (params === undefined ? folder().get(base)?.def : undefined)
  if (!t)
    throw new Error(
      `unknown task '${base}' (known: ${allDefs()
        .map((d) => d.info.id)
        .join(', ')})`,
    )
  if (params === undefined) return t
  const m = /^fall=([0-9.]+)$/.exec(params)
  const angle = m ? Number(m[1]) : NaN
  if (!t.withFallAngle || !(angle > 0 && angle < 4))
    throw new Error(`task '${base}' has no variant '${params}' (${FALL_ANGLE_TASKS.join(', ')} take fall=RADIANS)`)
  return t.withFallAngle(angle, taskId)
}

export function taskInfo(taskId: string): TaskInfo {
  return structuredClone(taskDef(taskId).info)
}

const xmlCache = new Map<string, string>()

/** The task's MJCF text (read once). */
export function taskMjcf(taskId: string): string {
  const spec = folderTaskSpec(taskId)
  if (spec) return folderModel(spec).xml
  const def = taskDef(taskId)
  let xml = xmlCache.get(def.mjcf)
  if (xml === undefined) {
    xml = readFileSync(mjcfPath(def.mjcf), 'utf8')
    xmlCache.set(def.mjcf, xml)
  }
  return xml
}

/** A fresh environment of the task, already reset with seed 0. Close it when done. */
export async function makeEnv(taskId: string): Promise<MujocoEnv> {
  const def = taskDef(taskId)
  const spec = folderTaskSpec(taskId)
  const model = spec ? folderModel(spec) : { xml: taskMjcf(taskId), assets: {} }
  const sim = await loadModelFromString(model.xml, { assets: model.assets, source: def.mjcf })
  try {
    return new MujocoEnv(def, sim)
  } catch (e) {
    sim.close()
    throw e
  }
}

export type { Env }
