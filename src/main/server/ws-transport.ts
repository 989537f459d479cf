// The WebSocket transport: JSON messages {id, method, input} -> {id, result} | {id, error: {code, message}},
// and events {event, payload}. Every call goes through dispatch; a malformed message gets an error reply.
import type { WebSocket } from 'ws'
import { ContractError, parseEvent, type EventName } from '../../shared/contract'
import { dispatch, toWireError, UNSHOWN_MESSAGE } from '../api/dispatch'
import type { EventHub } from '../api/events'
import { createCloseHooks } from '../api/close-hooks'
import type { ClientContext, ServiceHandlers } from '../api/service-types'

/** Above this much unsent data, simulation frames are dropped for that client rather than queued. */
const FRAME_BACKLOG_BYTES = 4 * 1024 * 1024

export interface CallMessage {
  id: string | number
  method: string
  input?: unknown
}

let nextClient = 0

/** The longest string id a reply repeats; a longer one is refused like a missing id. */
const ID_CHARS = 200

/**
 * Parse one incoming message; throws ContractError saying what is wrong with it. `onId` hears the message's id as
 * soon as it is known to be valid, so the error reply of a message with an id but no method still carries it.
 */
export function parseCallMessage(data: string, onId: (id: string | number) => void = () => {}): CallMessage {
  let msg: unknown
  try {
    msg = JSON.parse(data)
  } catch {
    throw new ContractError('malformed message: not JSON', 'invalid-input')
  }
  if (typeof msg !== 'object' || msg === null || Array.isArray(msg)) {
    throw new ContractError('malformed message: expected an object {id, method, input}', 'invalid-input')
  }
  const { id, method } = msg as Record<string, unknown>
  if (!((typeof id === 'string' && id.length <= ID_CHARS) || (typeof id === 'number' && Number.isFinite(id)))) {
    throw new ContractError(
      `malformed message: id must be a number or a string of at most ${ID_CHARS} characters`,
      'invalid-input',
    )
  }
  onId(id)
  if (typeof method !== 'string') {
    throw new ContractError('malformed message: method must be a string', 'invalid-input')
  }
  return msg as CallMessage
}

export interface SocketOptions {
  /** a remote client (token mode): no server paths in its error replies */
  remote?: boolean
}

/** Serve the API on one socket until it closes. */
export function serveSocket(
  ws: WebSocket,
  handlers: ServiceHandlers,
  hub?: EventHub,
  options: SocketOptions = {},
): ClientContext {
  const closeHooks = createCloseHooks()
  const send = (msg: unknown): void => {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(msg))
  }
  const client: ClientContext = {
    id: `ws-${++nextClient}`,
    emit(event, payload) {
      if (ws.readyState !== ws.OPEN) return
      if (event === 'sim.frame' && ws.bufferedAmount > FRAME_BACKLOG_BYTES) return
      send({ event, payload: parseEvent(event, payload) })
    },
    onClose: (fn) => closeHooks.add(fn),
  }
  const unsubscribe = hub?.subscribe((event, payload) => client.emit(event as EventName, payload as never))

  ws.on('message', (data, isBinary) => {
    void (async () => {
      let id: string | number | null = null
      try {
        if (isBinary) throw new ContractError('malformed message: expected a text frame of JSON', 'invalid-input')
        const msg = parseCallMessage(String(data), (known) => (id = known))
        const result = await dispatch(handlers, msg.method, msg.input, client)
        send({ id, result })
      } catch (err) {
        sendError(id, err)
      }
    })()
  })
  // The last catch of a message: toWireError never throws, and should a send still fail, the caller gets a
  // generic reply rather than the process an unhandled rejection (issue #27: one message ended `iwb serve`).
  const sendError = (id: string | number | null, err: unknown): void => {
    try {
      send({ id, error: toWireError(err, { hidePaths: options.remote }) })
    } catch {
      try {
        send({ id, error: { code: 'failed', message: UNSHOWN_MESSAGE } })
      } catch {
        ws.terminate()
      }
    }
  }
  ws.on('close', () => {
    unsubscribe?.()
    closeHooks.run()
  })
  ws.on('error', () => ws.terminate())
  return client
}
