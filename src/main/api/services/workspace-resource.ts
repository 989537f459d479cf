// The one SQLite workspace every service shares, opened on first use through the composition root's resources
// (key 'workspace') and closed with the workbench.
import { openWorkspace, type Workspace } from '../../store'
import type { ServiceContext } from '../service-types'

export const WORKSPACE_KEY = 'workspace'

export function useWorkspace(ctx: ServiceContext): Promise<Workspace> {
  return ctx.resource(
    WORKSPACE_KEY,
    () => {
      const file = ctx.options.workspaceFile
      if (!file) throw new Error('no workspace file is open (start the workbench with a workspace)')
      return openWorkspace(file)
    },
    (ws) => ws.close(),
  )
}
