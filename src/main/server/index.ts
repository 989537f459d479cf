// Browser mode: one http server for the built page and the API's WebSocket endpoint (/api), bound to loopback
// unless a host is given, in which case a random token is required (see security.ts).
import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Duplex } from 'node:stream'
import { WebSocketServer } from 'ws'
import type { EventHub } from '../api/events'
import type { ServiceHandlers } from '../api/service-types'
import { SECURITY_HEADERS, TOKEN_COOKIE, checkAccess, isLoopbackHost, newToken, requestToken } from './security'
import { serveStatic } from './static'
import { serveSocket } from './ws-transport'

export const API_PATH = '/api'

export interface ServerOptions {
  handlers: ServiceHandlers
  broadcaster?: EventHub
  /** folder of the built page (out/renderer) */
  pageDir: string
  /** default 127.0.0.1 */
  host?: string
  /** default 0: any free port */
  port?: number
  /** force a token even on loopback (tests); a non-loopback host always gets one */
  token?: string
}

export interface RunningServer {
  readonly host: string
  readonly port: number
  /** null when bound to loopback without a token */
  readonly token: string | null
  /** the address to open, with ?token= when one is needed */
  readonly url: string
  readonly server: Server
  close(): Promise<void>
}

export function urlHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host
}

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const host = options.host ?? '127.0.0.1'
  const token = options.token ?? (isLoopbackHost(host) ? null : newToken())
  const policy = { token }

  const server = createServer((req, res) => {
    const headers = { ...SECURITY_HEADERS }
    const access = checkAccess(req, policy)
    if (!access.ok) {
      res.writeHead(access.status, { ...headers, 'Content-Type': 'text/plain; charset=utf-8' })
      res.end(`${access.status === 401 ? 'unauthorized' : 'forbidden'}: ${access.reason}\n`)
      return
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { ...headers, Allow: 'GET, HEAD' })
      res.end()
      return
    }
    if (token !== null && new URL(req.url ?? '/', 'http://x').searchParams.get('token') === requestToken(req)) {
      // The page's own assets are loaded without ?token=, so remember the token in a same-site cookie.
      headers['Set-Cookie'] = `${TOKEN_COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`
    }
    serveStatic(options.pageDir, req, res, headers)
  })

  const wss = new WebSocketServer({ noServer: true, maxPayload: 16 * 1024 * 1024 })
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname
    const access = checkAccess(req, policy)
    if (path !== API_PATH || !access.ok) {
      const status = path !== API_PATH ? 404 : (access as { status: number }).status
      const reason = path !== API_PATH ? 'Not Found' : status === 401 ? 'Unauthorized' : 'Forbidden'
      socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`)
      return
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      serveSocket(ws, options.handlers, options.broadcaster, { remote: token !== null })
    })
  })
  server.on('clientError', (_err, socket) => socket.destroy())

  await new Promise<void>((resolvePromise, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject)
      resolvePromise()
    })
  })
  const port = (server.address() as AddressInfo).port
  // 0.0.0.0 / :: are not addresses to open: show the loopback one, which works on this machine.
  const shownHost = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host
  const url = `http://${urlHost(shownHost)}:${port}/${token ? `?token=${token}` : ''}`

  return {
    host,
    port,
    token,
    url,
    server,
    close: () =>
      new Promise<void>((resolvePromise) => {
        for (const ws of wss.clients) ws.terminate()
        wss.close()
        server.closeAllConnections()
        server.close(() => resolvePromise())
      }),
  }
}
