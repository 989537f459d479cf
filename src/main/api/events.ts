// Broadcast events (progress, session updates) fan out to every connected client, whatever its transport.
import type { EventName, EventPayload } from '../../shared/contract'
import type { Broadcaster } from './service-types'

export type EventListener = (event: EventName, payload: unknown) => void

export interface EventHub extends Broadcaster {
  /** a transport subscribes each client; returns the unsubscribe function */
  subscribe(listener: EventListener): () => void
}

export function createEventHub(): EventHub {
  const listeners = new Set<EventListener>()
  return {
    broadcast<E extends EventName>(event: E, payload: EventPayload<E>) {
      for (const fn of [...listeners]) {
        try {
          fn(event, payload)
        } catch (err) {
          // One failing client (a closed socket, a bad payload) must not stop delivery to the others, but a
          // payload that breaks the contract is a service bug worth seeing.
          console.warn(`broadcast of ${event} failed: ${err instanceof Error ? err.message : String(err)}`)
        }
      }
    },
    subscribe(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
  }
}
