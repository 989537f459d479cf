// What the browser-mode server tells its clients: bounded one-line errors, no server paths for remote (token)
// clients, the id kept even when the method is missing, the token also as a Bearer header, and every loopback
// address treated as loopback. Real server, real sockets, the real services on a real workspace.
import { mkdtempSync, rmSync } from 'node:fs'
import { request } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { WebSocket } from 'ws'
import { createWorkbench, type Workbench } from '../../../src/main/api/compose'
import { startServer, type RunningServer } from '../../../src/main/server/index'
import { isLoopbackHost } from '../../../src/main/server/security'
import { ECHO_CHARS, ERROR_MESSAGE_CHARS } from '../../../src/shared/limits'
import { testHandlers } from '../api/fixtures'

let dir: string
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'iwb-replies-'))
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

function get(host: string, port: number, path: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host, port, path, headers }, (res) => {
      res.resume()
      res.on('end', () => resolve(res.statusCode ?? 0))
    })
    req.on('error', reject)
    req.end()
  })
}

function openSocket(url: string, headers: Record<string, string> = {}): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers })
    ws.once('open', () => resolve(ws))
    ws.once('error', reject)
  })
}

function exchange(
  ws: WebSocket,
  raw: string,
): Promise<{ id: unknown; result?: unknown; error?: { code: string; message: string } }> {
  return new Promise((resolve) => {
    ws.once('message', (data) => resolve(JSON.parse(String(data))))
    ws.send(raw)
  })
}

describe('error replies over the WebSocket', () => {
  let wb: Workbench
  let remote: RunningServer
  let local: RunningServer
  let file: string

  beforeAll(async () => {
    file = join(dir, 'workspace.sqlite')
    wb = await createWorkbench({ workspaceFile: file })
    remote = await startServer({ handlers: wb.handlers, pageDir: dir, port: 0, token: 'remote-token-for-tests' })
    local = await startServer({ handlers: wb.handlers, pageDir: dir, port: 0 })
  })
  afterAll(async () => {
    await remote.close()
    await local.close()
    await wb.close()
  })

  it('echoes at most ECHO_CHARS of a 5 MB task id, in one bounded line', async () => {
    const ws = await openSocket(`ws://127.0.0.1:${local.port}/api`)
    const huge = 'h'.repeat(5_000_000)
    const r = await exchange(ws, JSON.stringify({ id: 1, method: 'teleop.open', input: { taskId: `${huge}\nsecond` } }))
    expect(r.id).toBe(1)
    expect(r.error?.message).toMatch(/^teleop\.open failed: unknown task 'h+… \(\d+ more characters\)/)
    expect(r.error!.message.length).toBeLessThanOrEqual(ERROR_MESSAGE_CHARS + 40)
    expect(r.error!.message).not.toContain('h'.repeat(ECHO_CHARS + 1))
    expect(r.error!.message).not.toContain('\n')
    // and the server still answers
    expect((await exchange(ws, JSON.stringify({ id: 2, method: 'tasks.list' }))).result).toBeInstanceOf(Array)
    ws.close()
  })

  it('answers a 6 MB task id on teleop.open and tasks.geometry with a short error, and keeps serving (issue #27)', async () => {
    const huge = 'g'.repeat(6_000_000)
    const sockets = [
      await openSocket(`ws://127.0.0.1:${local.port}/api`),
      await openSocket(`ws://127.0.0.1:${remote.port}/api`, { Authorization: `Bearer ${remote.token}` }),
    ]
    for (const ws of sockets) {
      for (const method of ['teleop.open', 'tasks.geometry']) {
        const r = await exchange(ws, JSON.stringify({ id: method, method, input: { taskId: huge } }))
        expect(r.id).toBe(method)
        expect(r.error?.message).toMatch(new RegExp(`^${method.replace('.', '\\.')} failed: unknown task 'g+… `))
        expect(r.error!.message.length).toBeLessThanOrEqual(ERROR_MESSAGE_CHARS + 40)
      }
      expect((await exchange(ws, JSON.stringify({ id: 'next', method: 'tasks.list' }))).result).toBeInstanceOf(Array)
      ws.close()
    }
  })

  it("keeps server paths out of a remote client's errors, and keeps the file name", async () => {
    const ws = await openSocket(`ws://127.0.0.1:${remote.port}/api`, { Authorization: `Bearer ${remote.token}` })
    const r = await exchange(ws, JSON.stringify({ id: 'c', method: 'sessions.curves', input: { sessionIds: [999] } }))
    expect(r.id).toBe('c')
    expect(r.error?.code).toBe('failed')
    expect(r.error?.message).toContain('999')
    expect(r.error?.message).not.toContain(dir)
    expect(r.error?.message).not.toContain(tmpdir())
    ws.close()
    // A local page (loopback, no token) is the server's own user: it sees where its workspace is.
    const mine = await openSocket(`ws://127.0.0.1:${local.port}/api`)
    const l = await exchange(mine, JSON.stringify({ id: 'c', method: 'sessions.curves', input: { sessionIds: [999] } }))
    expect(l.error?.message).toContain(file)
    mine.close()
  })

  it('keeps the id of a request that has no method, and refuses an over-long id', async () => {
    const ws = await openSocket(`ws://127.0.0.1:${local.port}/api`)
    expect(await exchange(ws, JSON.stringify({ id: 7 }))).toEqual({
      id: 7,
      error: { code: 'invalid-input', message: 'malformed message: method must be a string' },
    })
    expect(await exchange(ws, JSON.stringify({ id: 'q', method: 3 }))).toMatchObject({ id: 'q' })
    const long = await exchange(ws, JSON.stringify({ id: 'i'.repeat(100_000), method: 'app.version' }))
    expect(long.id).toBeNull()
    expect(long.error?.message).toMatch(/id must be a number or a string of at most \d+ characters/)
    ws.close()
  })
})

describe('the token as a Bearer header', () => {
  let server: RunningServer
  beforeAll(async () => {
    server = await startServer({ handlers: testHandlers(), pageDir: dir, host: '0.0.0.0', port: 0 })
  })
  afterAll(() => server.close())

  it('accepts Authorization: Bearer <token> for the page and the socket, and refuses a wrong one', async () => {
    expect(await get('127.0.0.1', server.port, '/index.html', { Authorization: `Bearer ${server.token}` })).toBe(404)
    expect(await get('127.0.0.1', server.port, '/index.html', { Authorization: 'Bearer wrong' })).toBe(401)
    expect(await get('127.0.0.1', server.port, '/index.html', { Authorization: `Basic ${server.token}` })).toBe(401)
    const ws = await openSocket(`ws://127.0.0.1:${server.port}/api`, { Authorization: `Bearer ${server.token}` })
    expect((await exchange(ws, JSON.stringify({ id: 1, method: 'app.version' }))).result).toBeDefined()
    ws.close()
    await expect(openSocket(`ws://127.0.0.1:${server.port}/api`, { Authorization: 'Bearer wrong' })).rejects.toThrow(
      /401/,
    )
  })
})

describe('loopback', () => {
  it('counts all of 127.0.0.0/8 and ::1 in every spelling as loopback, nothing else', () => {
    for (const h of [
      '127.0.0.1',
      '127.0.0.2',
      '127.255.255.254',
      'localhost',
      '::1',
      '[::1]',
      '0:0:0:0:0:0:0:1',
      '::ffff:127.0.0.1',
    ])
      expect(isLoopbackHost(h), h).toBe(true)
    for (const h of [
      '0.0.0.0',
      '::',
      '10.0.0.1',
      '128.0.0.1',
      '::ffff:10.0.0.1',
      '127.example.com',
      'localhost.evil',
      '',
    ])
      expect(isLoopbackHost(h), h).toBe(false)
  })

  it('serves on 127.0.0.2 without a token, and accepts an IPv4-mapped loopback Host', async () => {
    const server = await startServer({ handlers: testHandlers(), pageDir: dir, host: '127.0.0.2', port: 0 })
    try {
      expect(server.token).toBeNull()
      expect(server.url).toBe(`http://127.0.0.2:${server.port}/`)
      expect(await get('127.0.0.2', server.port, '/nothing.js')).toBe(404)
      expect(await get('127.0.0.2', server.port, '/nothing.js', { Host: `[::ffff:127.0.0.1]:${server.port}` })).toBe(
        404,
      )
      expect(await get('127.0.0.2', server.port, '/nothing.js', { Host: `evil.example:${server.port}` })).toBe(403)
    } finally {
      await server.close()
    }
  })
})
