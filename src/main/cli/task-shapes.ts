// The vector sizes of every task the workbench runs, for checking an import against them: observation and
// action sizes from the registry, the full physics state's size from the compiled model.
import { listTasks, makeEnv, taskDef } from '../sim/registry'
import type { DatasetTask, DatasetTasks, TaskShapes } from '../store'

export async function taskShapes(): Promise<TaskShapes> {
  const shapes = new Map<string, { obsDim: number; actDim: number; stateSize: number }>()
  for (const task of listTasks()) {
    const env = await makeEnv(task.id)
    try {
      shapes.set(task.id, { obsDim: task.obsDim, actDim: task.actDim, stateSize: env.sim.stateSize })
    } finally {
      env.close()
    }
  }
  return shapes
}

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
