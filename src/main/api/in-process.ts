// A WorkbenchApi that calls the services directly: for tests and the CLI. It goes through dispatch, so the
// contract is enforced exactly as on the IPC and WebSocket transports.
import { ContractError, parseEvent, type EventName, type WorkbenchApi } from '../../shared/contract'
import { dispatch } from './dispatch'
import type { ClientContext, ServiceHandlers } from './service-types'
import type { EventHub } from './events'
import { createCloseHooks } from './close-hooks'

export interface InProcessApi extends WorkbenchApi {
  readonly client: ClientContext
  /** Like call(), but with an unchecked method name and input: for tests of the validation itself. */
  callRaw(method: unknown, input: unknown): Promise<unknown>
  /** Runs the client's onClose hooks (what a window closing or a socket disconnecting does). */
  close(): void
}

let nextId = 0

export function connectInProcess(handlers: ServiceHandlers, hub?: EventHub): InProcessApi {
  const listeners = new Map<EventName, Set<(payload: unknown) => void>>()
  const closeHooks = createCloseHooks()

  const deliver = (event: EventName, payload: unknown): void => {
    // Events are validated at the boundary too, so a service emitting a bad payload fails loudly in tests.
    const parsed = parseEvent(event, payload)
    for (const fn of listeners.get(event) ?? []) fn(parsed)
  }

  const client: ClientContext = {
    id: `in-process-${++nextId}`,
    emit: (event, payload) => {
      if (!closeHooks.closed) deliver(event, payload)
    },
    onClose: (fn) => closeHooks.add(fn),
  }
  const unsubscribe = hub?.subscribe((event, payload) => client.emit(event, payload as never))

  const callRaw = async (method: unknown, input: unknown): Promise<unknown> => {
    if (closeHooks.closed) throw new ContractError('the in-process connection is closed', 'failed')
    return dispatch(handlers, method, input, client)
  }

  return {
    client,
    callRaw,
    call: (method, input) => callRaw(method, input) as never,
    on(event, handler) {
      let set = listeners.get(event)
      if (!set) listeners.set(event, (set = new Set()))
      const fn = handler as (payload: unknown) => void
      set.add(fn)
      return () => set.delete(fn)
    },
    close() {
      if (closeHooks.closed) return
      unsubscribe?.()
      closeHooks.run()
    },
  }
}
