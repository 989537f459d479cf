// Commands that take --task know the tasks added to their workspace (--db FILE, else the default one): they are
// registered before the command parses its flags. A workspace that cannot be read adds nothing here; the command
// itself opens it and reports why.
import { existsSync } from 'node:fs'
import { registerWorkspaceTasks } from '../api/workspace-tasks'
import { defaultWorkspaceFile, openWorkspace } from '../store'

/** The workspace a command line names with --db FILE / --db=FILE, else the default one. */
export function workspaceOfArgs(argv: readonly string[]): string {
  const i = argv.indexOf('--db')
  if (i >= 0 && argv[i + 1] !== undefined) return argv[i + 1]
  const eq = argv.find((a) => a.startsWith('--db='))
  return eq ? eq.slice('--db='.length) : defaultWorkspaceFile()
}

/** Register the workspace's folder tasks when the command line names a task. */
export async function registerTasksForArgs(argv: readonly string[]): Promise<void> {
  if (!argv.some((a) => a === '--task' || a.startsWith('--task='))) return
  await registerTasksOf(workspaceOfArgs(argv))
}

/** Register the folder tasks of the workspace in `file` (nothing when it cannot be read). */
export async function registerTasksOf(file: string): Promise<void> {
  if (!existsSync(file)) return
  let ws
  try {
    ws = openWorkspace(file, { readonly: true, verify: 'header' })
  } catch {
    return
  }
  try {
    await registerWorkspaceTasks(ws)
  } catch {
    /* an older schema without task_files: only the shipped tasks */
  } finally {
    ws.close()
  }
}
