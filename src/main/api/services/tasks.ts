// Folder tasks in the workspace: 'tasks.add' (the page's "Add task"), and the one place services make sure the
// workspace's own tasks are registered before they look a task up.
import type { TaskFiles } from '../../sim/tasks/folder-task'
import { safeRelativePath } from '../../sim/tasks/folder-task'
import type { ServiceContext, ServiceFactory } from '../service-types'
import { addTaskFolder, registerWorkspaceTasks } from '../workspace-tasks'
import { useWorkspace } from './workspace-resource'

const WORKSPACE_TASKS_KEY = 'workspace-tasks'

/** Register the workspace's folder tasks once per workbench (nothing without a workspace file). */
export async function useWorkspaceTasks(ctx: ServiceContext): Promise<void> {
  if (!ctx.options.workspaceFile) return
  await ctx.resource(WORKSPACE_TASKS_KEY, async () => {
    const loaded = await registerWorkspaceTasks(await useWorkspace(ctx))
    // A stored task that no longer checks stays stored but unlisted; say why once.
    for (const p of loaded.problems) console.warn(`workspace: ${p}`)
    return loaded
  })
}

export const tasksService: ServiceFactory = async (ctx) => {
  // Registered while the workbench is composed, so every service's task lookups see the workspace's tasks.
  await useWorkspaceTasks(ctx)
  return {
    async 'tasks.add'(input) {
      const files: TaskFiles = {}
      for (const f of input.files) files[safeRelativePath(f.path)] = new Uint8Array(Buffer.from(f.base64, 'base64'))
      return addTaskFolder(await useWorkspace(ctx), files, 'uploaded folder')
    },
  }
}
