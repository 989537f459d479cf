// Browser mode over real sockets: the WebSocket transport validates like the others and survives garbage, and a
// server bound beyond loopback refuses requests without its token. Only loopback addresses are ever connected to.
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { request } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { WebSocket } from 'ws'
import { createEventHub } from '../../../src/main/api/events'
import { startServer, type RunningServer } from '../../../src/main/server/index'
import { resolveStatic } from '../../../src/main/server/static'
import { connectApi, ApiError } from '../../../src/renderer/src/api/client'
import { waitFor } from '../../wait-for'
import { testHandlers, VERSIONS } from '../api/fixtures'

let top: string
let dir: string

beforeAll(() => {
  top = mkdtempSync(join(tmpdir(), 'iwb-server-'))
  dir = join(top, 'page')
  mkdirSync(join(dir, 'assets'), { recursive: true })
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>t</title>')
  writeFileSync(join(dir, 'assets', 'a.js'), 'export {}')
  writeFileSync(join(top, 'iwb-secret.txt'), 'secret')
})
afterAll(() => rmSync(top, { recursive: true, force: true }))

interface Reply {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: string
}

function get(port: number, path: string, headers: Record<string, string> = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers }, (res) => {
      let body = ''
      res.on('data', (c) => (body += c))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }))
    })
    req.on('error', reject)
    req.end()
  })
}

/** Open a socket; resolves with it when open, or with the HTTP status the upgrade was refused with. */
function openSocket(url: string, headers: Record<string, string> = {}): Promise<WebSocket | number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers })
    ws.once('open', () => resolve(ws))
    ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0))
    ws.once('error', (e) => {
      const m = /Unexpected server response: (\d+)/.exec(e.message)
      if (m) resolve(Number(m[1]))
      else reject(e)
    })
  })
}

function exchange(ws: WebSocket, raw: string | Buffer): Promise<Record<string, unknown>> {
  return new Promise((resolve) => {
    ws.once('message', (data) => resolve(JSON.parse(String(data))))
    ws.send(raw)
  })
}

describe('browser mode on loopback', () => {
  let server: RunningServer
  const hub = createEventHub()
  beforeAll(async () => {
    server = await startServer({ handlers: testHandlers(), broadcaster: hub, pageDir: dir, port: 0 })
  })
  afterAll(() => server.close())

  it('serves the page with a content security policy and no token', async () => {
    expect(server.token).toBeNull()
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/`)
    const r = await get(server.port, '/')
    expect(r.status).toBe(200)
    expect(r.body).toContain('<title>t</title>')
    expect(r.headers['content-security-policy']).toContain("default-src 'self'")
    expect(r.headers['content-security-policy']).toContain("frame-ancestors 'none'")
    expect(r.headers['x-content-type-options']).toBe('nosniff')
    expect((await get(server.port, '/assets/a.js')).headers['content-type']).toContain('javascript')
  })

  it('never serves a file outside the page folder', async () => {
    expect(resolveStatic(dir, '/../iwb-secret.txt')).toBeNull()
    expect(resolveStatic(dir, '/%2e%2e/iwb-secret.txt')).toBeNull()
    expect((await get(server.port, '/%2e%2e/iwb-secret.txt')).status).toBe(404)
    expect((await get(server.port, '/nope.js')).status).toBe(404)
  })

  it('refuses a foreign Host (DNS rebinding) and a foreign Origin', async () => {
    expect((await get(server.port, '/', { Host: 'evil.example:80' })).status).toBe(403)
    const s = await openSocket(`ws://127.0.0.1:${server.port}/api`, { Origin: 'http://evil.example' })
    expect(s).toBe(403)
    const ok = await openSocket(`ws://127.0.0.1:${server.port}/api`, { Origin: `http://127.0.0.1:${server.port}` })
    expect(ok).toBeInstanceOf(WebSocket)
    ;(ok as WebSocket).close()
  })

  it('answers calls and rejects malformed messages and payloads with clear errors, without closing', async () => {
    const ws = (await openSocket(`ws://127.0.0.1:${server.port}/api`)) as WebSocket
    expect(await exchange(ws, JSON.stringify({ id: 1, method: 'app.version', input: {} }))).toEqual({
      id: 1,
      result: VERSIONS,
    })
    expect(await exchange(ws, 'not json{')).toEqual({
      id: null,
      error: { code: 'invalid-input', message: 'malformed message: not JSON' },
    })
    expect(await exchange(ws, '[1,2]')).toMatchObject({ id: null, error: { code: 'invalid-input' } })
    expect(await exchange(ws, JSON.stringify({ method: 'app.version' }))).toMatchObject({
      error: { message: 'malformed message: id must be a number or a string of at most 200 characters' },
    })
    expect(await exchange(ws, Buffer.from([1, 2, 3]))).toMatchObject({ error: { code: 'invalid-input' } })
    expect(await exchange(ws, JSON.stringify({ id: 'u', method: 'nope', input: {} }))).toEqual({
      id: 'u',
      error: { code: 'unknown-method', message: "unknown method 'nope'" },
    })
    const bad = await exchange(ws, JSON.stringify({ id: 2, method: 'teleop.open', input: { taskId: 3 } }))
    expect(bad).toMatchObject({ id: 2, error: { code: 'invalid-input' } })
    expect((bad.error as { message: string }).message).toMatch(/^invalid input for teleop.open: taskId/)
    expect(await exchange(ws, JSON.stringify({ id: 3, method: 'tasks.list', input: {} }))).toMatchObject({
      id: 3,
      error: { code: 'invalid-output' },
    })
    // still serving after all that
    expect(await exchange(ws, JSON.stringify({ id: 4, method: 'app.version' }))).toMatchObject({ id: 4 })
    ws.close()
  })

  it('the page client calls, receives events and rejects with the contract error', async () => {
    const api = await connectApi({
      location: { protocol: 'http:', host: `127.0.0.1:${server.port}`, search: '' },
      WebSocket: WebSocket as never,
    })
    expect(api.transport).toBe('websocket')
    await expect(api.call('app.version', {})).resolves.toEqual(VERSIONS)
    const events: string[] = []
    api.on('progress', (p) => events.push(p.jobId))
    await api.call('jobs.cancel', { jobId: 'mine' })
    hub.broadcast('progress', { jobId: 'everyone', kind: 'k', done: 0, total: 1 })
    await api.call('app.version', {}) // a round trip, so the broadcast has arrived
    expect(events).toEqual(['mine', 'everyone'])
    const err = await api.call('teleop.action', { action: 'x' as never }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ApiError)
    expect((err as ApiError).code).toBe('invalid-input')
    expect((err as ApiError).message).toContain('action')
    api.close()
  })
})

describe('browser mode beyond loopback', () => {
  let server: RunningServer
  beforeAll(async () => {
    // Bound to every interface, but this test only ever connects to 127.0.0.1.
    server = await startServer({ handlers: testHandlers(), pageDir: dir, host: '0.0.0.0', port: 0 })
  })
  afterAll(() => server.close())

  it('generates a random token and prints it in the address', () => {
    expect(server.token).toMatch(/^[A-Za-z0-9_-]{32}$/)
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/?token=${server.token}`)
  })

  it('refuses page requests with a missing or wrong token', async () => {
    expect((await get(server.port, '/')).status).toBe(401)
    expect((await get(server.port, '/?token=wrong')).status).toBe(401)
    expect((await get(server.port, '/assets/a.js', { Cookie: 'iwb_token=wrong' })).status).toBe(401)
  })

  it('accepts the token, and remembers it in a cookie for the page assets', async () => {
    const r = await get(server.port, `/?token=${server.token}`)
    expect(r.status).toBe(200)
    const cookie = String(r.headers['set-cookie'])
    expect(cookie).toContain('HttpOnly')
    expect(cookie).toContain('SameSite=Strict')
    const asset = await get(server.port, '/assets/a.js', { Cookie: `iwb_token=${server.token}` })
    expect(asset.status).toBe(200)
  })

  it('refuses WebSockets with a missing or wrong token and serves the right one', async () => {
    const base = `ws://127.0.0.1:${server.port}/api`
    expect(await openSocket(base)).toBe(401)
    expect(await openSocket(`${base}?token=${server.token}x`)).toBe(401)
    const ws = await openSocket(`${base}?token=${server.token}`)
    expect(ws).toBeInstanceOf(WebSocket)
    expect(await exchange(ws as WebSocket, JSON.stringify({ id: 1, method: 'app.version' }))).toMatchObject({
      result: VERSIONS,
    })
    ;(ws as WebSocket).close()
  })
})

describe('the page client across a server restart', () => {
  it('rejects the calls in flight, reconnects, and works again', async () => {
    let release: () => void = () => {}
    const slow = {
      ...testHandlers(),
      'jobs.cancel': () => new Promise<{ ok: boolean }>((resolve) => (release = () => resolve({ ok: true }))),
    }
    const first = await startServer({ handlers: slow, pageDir: dir, port: 0 })
    const port = first.port
    const api = await connectApi({
      location: { protocol: 'http:', host: `127.0.0.1:${port}`, search: '' },
      WebSocket: WebSocket as never,
      reconnectDelayMs: 20,
    })
    const states: string[] = []
    api.onConnection((s) => states.push(s))
    const notCalled = release
    const inFlight = api.call('jobs.cancel', { jobId: 'slow' }).catch((e: unknown) => e)
    await waitFor(() => release !== notCalled, { message: 'the call at the server' })
    await first.close()
    release()
    const err = await inFlight
    expect(err).toBeInstanceOf(ApiError)
    expect((err as ApiError).code).toBe('disconnected')

    const second = await startServer({ handlers: testHandlers(), pageDir: dir, port })
    try {
      await expect(api.call('app.version', {})).resolves.toEqual(VERSIONS)
      expect(states[0]).toBe('open')
      expect(states).toContain('closed')
      expect(states.at(-1)).toBe('open')
    } finally {
      api.close()
      await second.close()
    }
  })
})
