// Teleoperation over real sockets: every simulation worker belongs to one live connection and ends with it, and
// the workbench runs at most its cap of simulations. Real server, real WebSocket, real MuJoCo workers.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { WebSocket } from 'ws'
import { createWorkbench, type Workbench } from '../../../src/main/api/compose'
import { teleopService } from '../../../src/main/api/services/teleop'
import { startServer, type RunningServer } from '../../../src/main/server/index'
import { TeleopClient } from '../../../src/main/sim/teleop-client'
import { waitFor } from '../../wait-for'

interface Reply {
  id: unknown
  result?: unknown
  error?: { code: string; message: string }
}

/** A socket with its replies collected by id (events are dropped). */
async function connect(server: RunningServer): Promise<{ ws: WebSocket; replies: Map<unknown, Reply> }> {
  const ws = new WebSocket(`ws://127.0.0.1:${server.port}/api`)
  const replies = new Map<unknown, Reply>()
  ws.on('message', (data) => {
    const msg = JSON.parse(String(data)) as Reply & { event?: string }
    if (msg.event === undefined) replies.set(msg.id, msg)
  })
  await new Promise((resolve, reject) => {
    ws.once('open', resolve)
    ws.once('error', reject)
  })
  return { ws, replies }
}

function closed(ws: WebSocket): Promise<void> {
  return new Promise((resolve) => {
    if (ws.readyState === ws.CLOSED) resolve()
    else ws.once('close', () => resolve())
  })
}

describe('teleop simulations over the WebSocket', () => {
  let dir: string
  let wb: Workbench
  let server: RunningServer

  const start = async (limits?: { simulations: number }): Promise<void> => {
    wb = await createWorkbench({ workspaceFile: join(dir, 'ws.sqlite'), limits }, [teleopService])
    server = await startServer({ handlers: wb.handlers, broadcaster: wb.broadcaster, pageDir: dir, port: 0 })
  }

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'iwb-teleop-ws-'))
  })
  afterEach(async () => {
    await server?.close()
    await wb?.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('ends the simulation of a socket that closes before teleop.open replied', async () => {
    await start()
    const before = TeleopClient.liveWorkers
    const { ws, replies } = await connect(server)
    ws.send(JSON.stringify({ id: 1, method: 'teleop.open', input: { taskId: 'point-maze' } }))
    // The worker has started (MuJoCo is loading in it) and the reply has not come yet: the page goes away now.
    await waitFor(() => TeleopClient.liveWorkers > before, { message: 'the teleop worker to start' })
    expect(replies.size).toBe(0)
    ws.close()
    await closed(ws)
    await waitFor(() => TeleopClient.liveWorkers === before, { message: 'the orphaned teleop worker to end' })
  })

  it('keeps one simulation per socket when two teleop.open run at once, and ends it with the socket', async () => {
    await start()
    const before = TeleopClient.liveWorkers
    const { ws, replies } = await connect(server)
    ws.send(JSON.stringify({ id: 1, method: 'teleop.open', input: { taskId: 'point-maze' } }))
    ws.send(JSON.stringify({ id: 2, method: 'teleop.open', input: { taskId: 'cartpole' } }))
    await waitFor(() => replies.size === 2, { message: 'both replies', timeoutMs: 30_000 })
    expect(replies.get(1)?.result).toBeDefined()
    expect((replies.get(2)?.result as { task: { id: string } }).task.id).toBe('cartpole')
    // The later open replaced the earlier one: its worker has ended, one remains.
    await waitFor(() => TeleopClient.liveWorkers === before + 1, { message: 'one live worker' })
    ws.send(JSON.stringify({ id: 3, method: 'teleop.control', input: { command: 'pause' } }))
    await waitFor(() => replies.get(3), { message: 'the control reply' })
    expect(replies.get(3)?.result).toMatchObject({ paused: true })
    ws.close()
    await closed(ws)
    await waitFor(() => TeleopClient.liveWorkers === before, { message: 'the worker to end with its socket' })
  })

  it('refuses a simulation beyond the cap in one line, and opens it once another page let go', async () => {
    await start({ simulations: 1 })
    const a = await connect(server)
    const b = await connect(server)
    a.ws.send(JSON.stringify({ id: 1, method: 'teleop.open', input: { taskId: 'cartpole' } }))
    await waitFor(() => a.replies.get(1), { message: 'the first open', timeoutMs: 30_000 })
    expect(a.replies.get(1)?.result).toBeDefined()
    b.ws.send(JSON.stringify({ id: 1, method: 'teleop.open', input: { taskId: 'cartpole' } }))
    const refused = await waitFor(() => b.replies.get(1), { message: 'the refusal' })
    expect(refused.error?.code).toBe('failed')
    expect(refused.error?.message).toMatch(/^teleop\.open failed: 1 simulations are open on this workbench/)
    expect(refused.error?.message).not.toContain('\n')
    a.ws.close()
    await closed(a.ws)
    await waitFor(() => TeleopClient.liveWorkers === 0, { message: 'the first simulation to end' })
    b.ws.send(JSON.stringify({ id: 2, method: 'teleop.open', input: { taskId: 'cartpole' } }))
    await waitFor(() => b.replies.get(2), { message: 'the second open', timeoutMs: 30_000 })
    expect(b.replies.get(2)?.result).toBeDefined()
    b.ws.close()
    await closed(b.ws)
  })
})
