// The page's side of the contract. In Electron the preload gives us window.iwb; in a browser we talk to the
// serving workbench over a WebSocket at /api, with the token from the page's URL when there is one.
import type { EventName, EventPayload, Input, MethodName, Output, WorkbenchApi } from '../../../shared/contract'

/** What the Electron preload exposes (src/preload/index.ts). */
export interface BridgeApi {
  call(method: string, input: unknown): Promise<unknown>
  on(event: string, handler: (payload: unknown) => void): () => void
}

declare global {
  interface Window {
    iwb?: BridgeApi
  }
}

export type ConnectionState = 'connecting' | 'open' | 'closed'

export interface ApiClient extends WorkbenchApi {
  readonly transport: 'electron' | 'websocket'
  /** called on every change; the server forgets per-connection state (a teleop simulation) on reconnect */
  onConnection(handler: (state: ConnectionState) => void): () => void
  close(): void
}

/** A failed call: code is the contract's error code ('invalid-input', 'failed', ...) or 'disconnected'. */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message)
    this.name = 'ApiError'
  }
}

interface SocketLike {
  readonly readyState: number
  send(data: string): void
  close(): void
  onopen: ((ev: unknown) => void) | null
  onclose: ((ev: unknown) => void) | null
  onerror: ((ev: unknown) => void) | null
  onmessage: ((ev: { data: unknown }) => void) | null
}

export interface ConnectOptions {
  /** defaults to window.iwb */
  bridge?: BridgeApi
  /** defaults to window.location */
  location?: { protocol: string; host: string; search: string }
  /** defaults to globalThis.WebSocket (tests in Node pass ws's) */
  WebSocket?: new (url: string) => SocketLike
  /** first reconnect delay; doubles up to 5 s */
  reconnectDelayMs?: number
  /** how long a call waits for a connection before failing */
  connectTimeoutMs?: number
}

type Listener = (payload: unknown) => void

/** The page's globals, read through globalThis so this module also type-checks (and runs) in Node tests. */
function pageGlobals(): { iwb?: BridgeApi; location?: { protocol: string; host: string; search: string } } {
  return globalThis as never
}

/** The API the page uses: Electron's bridge when present, else a WebSocket to the serving origin. */
export async function connectApi(options: ConnectOptions = {}): Promise<ApiClient> {
  const bridge = options.bridge ?? pageGlobals().iwb
  if (bridge) return bridgeClient(bridge)
  const client = socketClient(options)
  await client.ready()
  return client
}

function bridgeClient(bridge: BridgeApi): ApiClient {
  return {
    transport: 'electron',
    async call<M extends MethodName>(method: M, input: Input<M>): Promise<Output<M>> {
      try {
        return (await bridge.call(method, input)) as Output<M>
      } catch (err) {
        // contextBridge keeps only the message; the preload puts the code in front of it as "[code] ...".
        const message = err instanceof Error ? err.message : String(err)
        const m = /\[([a-z-]+)\] ([\s\S]*)$/.exec(message)
        throw m ? new ApiError(m[2], m[1]) : new ApiError(message, 'failed')
      }
    },
    on<E extends EventName>(event: E, handler: (payload: EventPayload<E>) => void) {
      return bridge.on(event, handler as Listener)
    },
    onConnection(handler) {
      handler('open')
      return () => {}
    },
    close() {},
  }
}

export function socketUrl(location: { protocol: string; host: string; search: string }): string {
  const token = new URLSearchParams(location.search).get('token')
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws'
  return `${scheme}://${location.host}/api${token ? `?token=${encodeURIComponent(token)}` : ''}`
}

function socketClient(options: ConnectOptions): ApiClient & { ready(): Promise<void> } {
  const location = options.location ?? pageGlobals().location
  if (!location) throw new Error('connectApi: no page location to connect to (pass options.location)')
  const Socket = options.WebSocket ?? (globalThis.WebSocket as unknown as new (url: string) => SocketLike)
  const url = socketUrl(location)
  const baseDelay = options.reconnectDelayMs ?? 500
  const connectTimeout = options.connectTimeoutMs ?? 10_000

  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>()
  const listeners = new Map<string, Set<Listener>>()
  const connectionListeners = new Set<(s: ConnectionState) => void>()
  let waiters: { resolve: () => void; reject: (e: Error) => void }[] = []
  let socket: SocketLike | null = null
  let state: ConnectionState = 'connecting'
  let nextId = 0
  let delay = baseDelay
  let closedByUs = false
  let timer: ReturnType<typeof setTimeout> | undefined

  const setState = (s: ConnectionState): void => {
    state = s
    for (const fn of connectionListeners) fn(s)
  }

  const open = (): void => {
    setState('connecting')
    const ws = new Socket(url)
    socket = ws
    ws.onopen = () => {
      delay = baseDelay
      setState('open')
      for (const w of waiters.splice(0)) w.resolve()
    }
    ws.onmessage = (ev) => {
      let msg: {
        id?: number | null
        result?: unknown
        error?: { code: string; message: string }
        event?: string
        payload?: unknown
      }
      try {
        msg = JSON.parse(String(ev.data))
      } catch {
        return
      }
      if (typeof msg.event === 'string') {
        for (const fn of listeners.get(msg.event) ?? []) fn(msg.payload)
        return
      }
      if (typeof msg.id !== 'number') return
      const call = pending.get(msg.id)
      if (!call) return
      pending.delete(msg.id)
      if (msg.error) call.reject(new ApiError(msg.error.message, msg.error.code))
      else call.resolve(msg.result)
    }
    ws.onerror = () => {}
    ws.onclose = () => {
      if (socket !== ws) return
      socket = null
      // Calls in flight will never be answered by this socket.
      for (const [, call] of pending) call.reject(new ApiError('connection to the workbench closed', 'disconnected'))
      pending.clear()
      setState('closed')
      if (!closedByUs) {
        timer = setTimeout(open, delay)
        delay = Math.min(delay * 2, 5000)
      } else {
        for (const w of waiters.splice(0)) w.reject(new ApiError('client closed', 'disconnected'))
      }
    }
  }

  const ready = (): Promise<void> => {
    if (state === 'open') return Promise.resolve()
    if (closedByUs) return Promise.reject(new ApiError('client closed', 'disconnected'))
    return new Promise<void>((resolve, reject) => {
      const w = { resolve, reject }
      waiters.push(w)
      setTimeout(() => {
        if (!waiters.includes(w)) return
        waiters = waiters.filter((x) => x !== w)
        reject(new ApiError(`could not connect to the workbench at ${url.replace(/\?.*/, '')}`, 'disconnected'))
      }, connectTimeout)
    })
  }

  open()

  return {
    transport: 'websocket',
    ready,
    async call<M extends MethodName>(method: M, input: Input<M>): Promise<Output<M>> {
      await ready()
      const id = ++nextId
      return new Promise<Output<M>>((resolve, reject) => {
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject })
        socket!.send(JSON.stringify({ id, method, input }))
      })
    },
    on<E extends EventName>(event: E, handler: (payload: EventPayload<E>) => void) {
      let set = listeners.get(event)
      if (!set) listeners.set(event, (set = new Set()))
      const fn = handler as Listener
      set.add(fn)
      return () => set.delete(fn)
    },
    onConnection(handler) {
      connectionListeners.add(handler)
      handler(state)
      return () => connectionListeners.delete(handler)
    },
    close() {
      closedByUs = true
      clearTimeout(timer)
      socket?.close()
    },
  }
}
