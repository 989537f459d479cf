// queries.*: the person's side of a HumanOracle. Several pages may answer: each prompt goes to one page (the
// manager's PromptDesk), as a 'query.prompt' event to that page and in queries.pending, which the pages call every
// few seconds to keep what they hold; answer commits an action with the page's timings, skip passes.
import { operatorFigures } from '../../store/operator-figures'
import type { ClientContext, ServiceFactory } from '../service-types'
import type { ServiceHandlers } from '../service-types'
import type { DeskPage } from '../prompt-desk'
import { useSessions } from './session-resource'
import { usePageWatch } from './sessions'
import { useWorkspace } from './workspace-resource'

export const queriesService: ServiceFactory = (ctx) => {
  const pages = new WeakMap<ClientContext, DeskPage>()
  const seen = async (client: ClientContext) => {
    const m = await useSessions(ctx)
    ;(await usePageWatch(ctx, m)).see(client)
    return m
  }
  /** The client as a page of the desk, leaving it (its prompt going to another page) when it closes. */
  const page = (client: ClientContext, m: Awaited<ReturnType<typeof seen>>): DeskPage => {
    let p = pages.get(client)
    if (!p) {
      p = { id: client.id, send: (prompt) => client.emit('query.prompt', prompt) }
      pages.set(client, p)
      client.onClose(() => m.desk.leave(client.id))
    }
    return p
  }
  const handlers: ServiceHandlers = {
    'queries.answer': async (input, client) => (await seen(client)).answer(input, client.id),
    'queries.skip': async (input, client) => ({
      ok: await (await seen(client)).skip(input.queryId, client.id, input.operator),
    }),
    'queries.pending': async (input, client) => {
      const m = await seen(client)
      return m.desk.call(page(client, m), input.operator ?? null)
    },
    'queries.operators': async (input) => {
      const ws = await useWorkspace(ctx)
      ws.sessionInfo(input.sessionId) // one line for an unknown session
      return operatorFigures(ws, { sessionId: input.sessionId })
    },
  }
  return handlers
}
