// The scene of a task, cached. tasks.geometry draws it without a simulation; where no service provides that
// yet, open (and pause) the teleop simulation of the task and take its geometry.
import type { SceneGeometry, WorkbenchApi } from '../../../shared/contract'

const cache = new Map<string, Promise<SceneGeometry>>()

export function taskGeometry(api: WorkbenchApi, taskId: string): Promise<SceneGeometry> {
  let p = cache.get(taskId)
  if (!p) {
    p = api.call('tasks.geometry', { taskId }).catch(async (first: unknown) => {
      try {
        const r = await api.call('teleop.open', { taskId })
        await api.call('teleop.control', { command: 'pause' })
        return r.geometry
      } catch {
        throw first // the reason tasks.geometry gave says more than the fallback's
      }
    })
    p.catch(() => cache.delete(taskId))
    cache.set(taskId, p)
  }
  return p
}
