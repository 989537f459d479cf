// Folder tasks in the workspace: 'tasks.add' (the page's "Add task"), 'tasks.list', and the one place services
// make sure the workspace's own tasks are registered before they look a task up.
import type { TaskFiles } from '../../sim/tasks/folder-task'
import { safeRelativePath } from '../../sim/tasks/folder-task'
import type { Workspace } from '../../store'
import type { ServiceContext, ServiceFactory } from '../service-types'
import { addTaskFolder, registerWorkspaceTasks } from '../workspace-tasks'
import { loadTasks } from './app'
import { useWorkspace } from './workspace-resource'

const WORKSPACE_TASKS_KEY = 'workspace-tasks'

/** What this workbench last registered from the workspace's task_files (Workspace.taskFilesStamp). */
interface Registered {
  stamp: string
  /** the refresh in flight, so concurrent calls share one */
  refreshing: Promise<void> | null
}

async function register(ws: Workspace, reg: Registered): Promise<void> {
  const stamp = ws.taskFilesStamp()
  const loaded = await registerWorkspaceTasks(ws)
  reg.stamp = stamp
  // A stored task that no longer checks stays stored but unlisted; say why once per change.
  for (const p of loaded.problems) console.warn(`workspace: ${p}`)
}

/** Register the workspace's folder tasks once per workbench (nothing without a workspace file). */
export async function useWorkspaceTasks(ctx: ServiceContext): Promise<Registered | null> {
  if (!ctx.options.workspaceFile) return null
  return ctx.resource(WORKSPACE_TASKS_KEY, async () => {
    const reg: Registered = { stamp: '', refreshing: null }
    await register(await useWorkspace(ctx), reg)
    return reg
  })
}

/**
 * Register again when another process (`iwb tasks add --db F` beside `iwb serve --db F`) changed the workspace's
 * tasks since: one cheap query of the task_files rows' names and sizes, the models compiled only on a change.
 */
export async function refreshWorkspaceTasks(ctx: ServiceContext): Promise<void> {
  const reg = await useWorkspaceTasks(ctx)
  if (!reg) return
  const ws = await useWorkspace(ctx)
  if (ws.taskFilesStamp() === reg.stamp) return
  reg.refreshing ??= register(ws, reg).finally(() => {
    reg.refreshing = null
  })
  await reg.refreshing
}

export const tasksService: ServiceFactory = async (ctx) => {
  // Registered while the workbench is composed, so every service's task lookups see the workspace's tasks.
  await useWorkspaceTasks(ctx)
  return {
    async 'tasks.list'() {
      await refreshWorkspaceTasks(ctx)
      return loadTasks()
    },
    async 'tasks.add'(input) {
      const files: TaskFiles = {}
      for (const f of input.files) files[safeRelativePath(f.path)] = new Uint8Array(Buffer.from(f.base64, 'base64'))
      const ws = await useWorkspace(ctx)
      const reg = await useWorkspaceTasks(ctx)
      const before = ws.taskFilesStamp()
      const info = await addTaskFolder(ws, files, 'uploaded folder')
      // this add is registered already; a change by another process meanwhile is left for the next list
      if (reg && before === reg.stamp) reg.stamp = ws.taskFilesStamp()
      return info
    },
  }
}
