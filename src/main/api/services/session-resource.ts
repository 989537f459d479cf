// The SessionManager every session-related service shares (sessions.*, queries.*, sessions.curves, jobs.cancel),
// created on first use: opening it recovers sessions a previous run of the app left 'running'.
import { workbenchLimits } from '../../../shared/limits'
import type { ServiceContext } from '../service-types'
import { SessionManager, type SessionManagerOptions } from './session-manager'
import { useWorkspace } from './workspace-resource'

export function useSessions(ctx: ServiceContext, options: SessionManagerOptions = {}): Promise<SessionManager> {
  return ctx.resource(
    'session-manager',
    async () => {
      const maxRunning = workbenchLimits(ctx.options.limits).sessions
      const manager = new SessionManager(await useWorkspace(ctx), ctx.broadcaster, { maxRunning, ...options })
      manager.recover()
      return manager
    },
    (m) => m.close(),
  )
}
