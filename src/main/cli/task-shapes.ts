// The tasks as an import or a dataset describes them. The vector sizes live in src/main/session/task-shapes.ts
// (the study queue checks its results with them too); datasets add the control rate and the model file.
import { listTasks, taskDef } from '../sim/registry'
import { taskShapes } from '../session/task-shapes'
import type { DatasetTask, DatasetTasks } from '../store'

export { taskShapes }

/** Every task as a dataset describes it: its shapes, control rate and model file (robomimic env_args, LeRobot fps). */
export async function datasetTasks(): Promise<DatasetTasks> {
  const shapes = await taskShapes()
  const out = new Map<string, DatasetTask>()
  for (const task of listTasks())
    out.set(task.id, {
      taskId: task.id,
      controlHz: task.controlHz,
      model: taskDef(task.id).mjcf,
      ...shapes.get(task.id)!,
    })
  return out
}
