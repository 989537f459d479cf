// The task registry: listTasks() is plain data (no WebAssembly); makeEnv() compiles the task's MJCF.
import { readFileSync } from 'node:fs'
import type { TaskInfo } from '../../shared/contract'
import type { Env } from './env'
import { loadModelFromString } from './mujoco'
import { MujocoEnv } from './mujoco-env'
import { mjcfPath } from './resources'
import { ant, halfcheetah, hopper, walker2d } from './tasks/locomotion'
import { cartpole, pointMaze, reacherArm } from './tasks/operator'
import { pickPlace } from './tasks/pick-place'
import { pushT } from './tasks/push-t'
import type { TaskDef } from './tasks/task-def'

const TASKS: TaskDef[] = [hopper, halfcheetah, walker2d, ant, reacherArm, pointMaze, cartpole, pickPlace, pushT]

export function listTasks(): TaskInfo[] {
  return TASKS.map((t) => structuredClone(t.info))
}

/**
 * The task an id names: a registered task, or a variant of one with parameters after '@' ('hopper@fall=0.1',
 * shared/session-config.ts envTaskId), so rollout workers and evaluators build the variant from its id alone.
 */
export function taskDef(taskId: string): TaskDef {
  const [base, params] = taskId.split('@', 2)
  const t = TASKS.find((d) => d.info.id === base)
  if (!t) throw new Error(`unknown task '${base}' (known: ${TASKS.map((d) => d.info.id).join(', ')})`)
  if (params === undefined) return t
  const m = /^fall=([0-9.]+)$/.exec(params)
  const angle = m ? Number(m[1]) : NaN
  if (!t.withFallAngle || !(angle > 0 && angle < 4))
    throw new Error(`task '${base}' has no variant '${params}' (hopper and walker2d take fall=RADIANS)`)
  return t.withFallAngle(angle, taskId)
}

export function taskInfo(taskId: string): TaskInfo {
  return structuredClone(taskDef(taskId).info)
}

const xmlCache = new Map<string, string>()

/** The task's MJCF text (read once). */
export function taskMjcf(taskId: string): string {
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
  const sim = await loadModelFromString(taskMjcf(taskId), { source: def.mjcf })
  try {
    return new MujocoEnv(def, sim)
  } catch (e) {
    sim.close()
    throw e
  }
}

export type { Env }
