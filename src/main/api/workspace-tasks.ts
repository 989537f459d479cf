// Folder tasks kept in a workspace (docs/TASKS.md): checked, stored as blobs in the workspace, registered with the
// task registry so listTasks(), makeEnv() and every worker started afterwards know them.
import type { TaskInfo } from '../../shared/contract'
import { clearFolderTasks, isStaticTask, registerFolderTask } from '../sim/registry'
import { checkTaskFolder, type TaskFiles } from '../sim/tasks/folder-task'
import type { Workspace } from '../store'

export interface WorkspaceTasks {
  tasks: TaskInfo[]
  /** one line per stored task that no longer checks (e.g. a newer MuJoCo refuses its model); it stays stored */
  problems: string[]
}

/** Register the workspace's folder tasks (replacing any registered for another workspace). */
export async function registerWorkspaceTasks(ws: Workspace): Promise<WorkspaceTasks> {
  clearFolderTasks()
  const out: WorkspaceTasks = { tasks: [], problems: [] }
  for (const [taskId, files] of ws.taskFiles()) {
    try {
      out.tasks.push(registerFolderTask(await checkTaskFolder(files, `workspace task ${taskId}`)))
    } catch (e) {
      out.problems.push(`task ${taskId}: ${e instanceof Error ? e.message : String(e)}`)
    }
  }
  return out
}

/**
 * Check a task folder's files and add them to the workspace. Throws one line on bad input, before anything is
 * stored or registered; adding a task with the id of one already added replaces it.
 */
export async function addTaskFolder(ws: Workspace, files: TaskFiles, source: string): Promise<TaskInfo> {
  const spec = await checkTaskFolder(files, source)
  if (isStaticTask(spec.info.id)) {
    throw new Error(`task.json: id: '${spec.info.id}' is a shipped task; give your task another id`)
  }
  ws.saveTaskFiles(spec.info.id, files)
  return registerFolderTask(spec)
}
