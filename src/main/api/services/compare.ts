// sessions.curves: what the comparison view plots: each session's evaluations against labels, cumulative cost
// and human seconds (the store's cost-curve query).
import type { ServiceFactory } from '../service-types'
import type { ServiceHandlers } from '../service-types'
import { useWorkspace } from './workspace-resource'

export const compareService: ServiceFactory = (ctx) => {
  const handlers: ServiceHandlers = {
    'sessions.curves': async (input) => {
      const ws = await useWorkspace(ctx)
      return input.sessionIds.map((id) => ({ session: ws.sessionInfo(id), points: ws.curve(id) }))
    },
  }
  return handlers
}
