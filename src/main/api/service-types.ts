// How services plug into every transport: a handler per contract method, called with the validated input and
// the calling client's context (for per-client state such as a teleoperation simulation, and for events).
import type { z } from 'zod'
import type { EventName, EventPayload, MethodName, Methods, Output } from '../../shared/contract'
import type { WorkbenchLimitsInput } from '../../shared/limits'
import type { EventHub } from './events'

export interface ClientContext {
  /** stable per connection (one Electron window or one WebSocket) */
  readonly id: string
  emit<E extends EventName>(event: E, payload: EventPayload<E>): void
  /** called once when the window closes or the socket disconnects; at once when that has happened already */
  onClose(fn: () => void): void
}

export type Handler<M extends MethodName> = (
  input: z.output<Methods[M]['input']>,
  client: ClientContext,
) => Promise<Output<M>> | Output<M>

export type Handlers = { [M in MethodName]: Handler<M> }

/** Each service module contributes some handlers; the composition root merges them into a full Handlers. */
export type ServiceHandlers = Partial<Handlers>

/** Events that are not tied to a call's client (progress of a sweep, session updates) go to every client. */
export interface Broadcaster {
  broadcast<E extends EventName>(event: E, payload: EventPayload<E>): void
}

export interface WorkbenchOptions {
  /** the SQLite workspace file; services open it through ctx.resource so they share one connection */
  workspaceFile?: string
  /** how many simulations and sessions run at once (src/shared/limits.ts: defaults and bounds) */
  limits?: WorkbenchLimitsInput
}

/** What a service factory gets: the options, the broadcaster, and shared resources (one workspace, one pool). */
export interface ServiceContext {
  readonly options: WorkbenchOptions
  readonly broadcaster: EventHub
  /**
   * A resource shared by every service, created on first use and disposed (in reverse order) by close().
   * Two services asking for the same key get the same object.
   */
  resource<T>(key: string, open: () => T | Promise<T>, dispose?: (value: T) => void | Promise<void>): Promise<T>
  /** run at close(), in reverse order of registration */
  onClose(fn: () => void | Promise<void>): void
}

export type ServiceFactory = (ctx: ServiceContext) => ServiceHandlers | Promise<ServiceHandlers>
