// queries.*: the person's side of a HumanOracle. The prompts come as 'query.prompt' events (and from
// queries.pending for a page that opens late); answer commits an action with the page's timings, skip passes.
import type { ServiceFactory } from '../service-types'
import type { ServiceHandlers } from '../service-types'
import { useSessions } from './session-resource'
import { usePageWatch } from './sessions'

export const queriesService: ServiceFactory = (ctx) => {
  const handlers: ServiceHandlers = {
    'queries.answer': async (input, client) => {
      const m = await useSessions(ctx)
      ;(await usePageWatch(ctx, m)).see(client)
      return m.answer(input)
    },
    'queries.skip': async (input, client) => {
      const m = await useSessions(ctx)
      ;(await usePageWatch(ctx, m)).see(client)
      return { ok: await m.skip(input.queryId) }
    },
    'queries.pending': async (_input, client) => {
      const m = await useSessions(ctx)
      ;(await usePageWatch(ctx, m)).see(client)
      return m.prompts()
    },
  }
  return handlers
}
