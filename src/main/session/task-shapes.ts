// The vector sizes of the tasks the workbench runs, for checking an import against them: observation and action
// sizes from the registry, the full physics state's size from the compiled model.
import { listTasks, makeEnv } from '../sim/registry'
import type { TaskShapes } from '../store'

/** Every task's shapes, or only those of `ids` (a study queue's results name one task each). */
export async function taskShapes(ids?: readonly string[]): Promise<TaskShapes> {
  const shapes = new Map<string, { obsDim: number; actDim: number; stateSize: number }>()
  for (const task of listTasks()) {
    if (ids && !ids.includes(task.id)) continue
    const env = await makeEnv(task.id)
    try {
      shapes.set(task.id, { obsDim: task.obsDim, actDim: task.actDim, stateSize: env.sim.stateSize })
    } finally {
      env.close()
    }
  }
  return shapes
}
