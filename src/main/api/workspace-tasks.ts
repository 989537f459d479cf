// Folder tasks kept in a workspace (docs/TASKS.md): checked, stored as blobs in the workspace, registered with the
// task registry so listTasks(), makeEnv() and every worker started afterwards know them.
import type { TaskInfo } from '../../shared/contract'
import { clearFolderTasks, isStaticTask, registerFolderTask } from '../sim/registry'
import { parseTaskFile, TaskFolderError, type FolderTaskSpec, type TaskFiles } from '../sim/tasks/folder-task'
import { checkTaskFolderBounded, type TaskCheckBounds } from '../sim/tasks/task-check'
import type { Workspace } from '../store'

export interface WorkspaceTasks {
  tasks: TaskInfo[]
  /** one line per stored task that no longer checks (e.g. a newer MuJoCo refuses its model); it stays stored */
  problems: string[]
}

/**
 * The one check of a folder that `iwb tasks check`, `iwb tasks add` and the page's "Add task" share: the folder's
 * bounds, its model compiled off this thread within the time bound, every name task.json uses, and an id that is
 * not a shipped task's. A task.json without frameSkip gets one chosen from the model's timestep, written into
 * the spec's files (what add stores). Throws one line; nothing is stored or registered.
 */
export async function checkNewTask(
  files: TaskFiles,
  source: string,
  bounds?: TaskCheckBounds,
): Promise<FolderTaskSpec> {
  const spec = await checkTaskFolderBounded(files, source, { newTask: true, ...bounds })
  if (isStaticTask(spec.info.id)) {
    throw new TaskFolderError(`task.json: id: '${spec.info.id}' is a shipped task; give your task another id`)
  }
  return spec
}

/** Register the workspace's folder tasks (replacing any registered for another workspace). */
export async function registerWorkspaceTasks(ws: Workspace): Promise<WorkspaceTasks> {
  const out: WorkspaceTasks = { tasks: [], problems: [] }
  const specs: FolderTaskSpec[] = []
  for (const [taskId, files] of ws.taskFiles()) {
    try {
      specs.push(await checkTaskFolderBounded(files, `workspace task ${taskId}`))
    } catch (e) {
      out.problems.push(`task ${taskId}: ${e instanceof Error ? e.message : String(e)}`)
    }
  }
  // swapped in at once, so a lookup meanwhile sees the old set or the new one, never an empty one
  clearFolderTasks()
  for (const spec of specs) out.tasks.push(registerFolderTask(spec))
  return out
}

/**
 * Check a task folder's files and add them to the workspace. Throws one line on bad input, before anything is
 * stored or registered; a task of the same id is replaced only while nothing recorded uses it (saveTaskFiles).
 */
export async function addTaskFolder(
  ws: Workspace,
  files: TaskFiles,
  source: string,
  bounds?: TaskCheckBounds,
): Promise<TaskInfo> {
  // The same folder again over a task stored without frameSkip keeps its old rate (and so its recordings').
  const file = parseTaskFile(files)
  const keepsOld = file.frameSkip === undefined && storedWithoutFrameSkip(ws, file.id)
  const spec = await checkNewTask(files, source, { ...bounds, newTask: !keepsOld })
  ws.saveTaskFiles(spec.info.id, spec.files)
  return registerFolderTask(spec)
}

/** Whether the workspace holds task `id` from before the frame skip was written at add (its task.json has none). */
function storedWithoutFrameSkip(ws: Workspace, id: string): boolean {
  const stored = ws.taskFiles().get(id)
  if (!stored) return false
  try {
    return parseTaskFile(stored).frameSkip === undefined
  } catch {
    return false // a stored task.json that no longer parses is replaced like any other
  }
}
