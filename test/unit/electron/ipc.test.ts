// The Electron IPC registration driven in plain Node with a stub ipcMain: the contract is enforced, and only our
// windows' main frames are answered.
import { describe, expect, it } from 'vitest'
import { methods } from '../../../src/shared/contract'
import { callChannels, EVENT_CHANNEL, type IpcReply } from '../../../src/shared/ipc'
import { registerIpc } from '../../../src/main/electron/ipc'
import { createEventHub } from '../../../src/main/api/events'
import { testHandlers, VERSIONS } from '../api/fixtures'

type Invoke = (event: unknown, input: unknown) => Promise<IpcReply>

function stubIpcMain() {
  const handlers = new Map<string, Invoke>()
  return {
    handlers,
    handle: (channel: string, fn: Invoke) => {
      if (handlers.has(channel)) throw new Error(`second handler for ${channel}`)
      handlers.set(channel, fn)
    },
    removeHandler: (channel: string) => handlers.delete(channel),
  }
}

let nextContents = 1
function stubContents() {
  const sent: unknown[][] = []
  const onDestroyed: (() => void)[] = []
  const mainFrame = { url: 'file:///index.html' }
  return {
    id: nextContents++,
    mainFrame,
    sent,
    isDestroyed: () => false,
    send: (...args: unknown[]) => sent.push(args),
    once: (name: string, fn: () => void) => {
      if (name === 'destroyed') onDestroyed.push(fn)
    },
    destroy: () => onDestroyed.forEach((fn) => fn()),
  }
}

function setup() {
  const ipcMain = stubIpcMain()
  const hub = createEventHub()
  const reg = registerIpc(ipcMain as never, testHandlers(), hub)
  const contents = stubContents()
  reg.addWindow(contents as never)
  const invoke = (method: string, input: unknown, sender: unknown = contents, frame: unknown = contents.mainFrame) => {
    const fn = ipcMain.handlers.get(`iwb:call:${method}`)
    if (!fn) throw new Error(`no handler for ${method}`)
    return fn({ sender, senderFrame: frame }, input)
  }
  return { ipcMain, hub, reg, contents, invoke }
}

describe('IPC registration', () => {
  it('registers exactly one handler per contract method and removes them all on dispose', () => {
    const { ipcMain, reg } = setup()
    expect([...ipcMain.handlers.keys()].sort()).toEqual([...callChannels].sort())
    expect(callChannels.length).toBe(Object.keys(methods).length)
    reg.dispose()
    expect(ipcMain.handlers.size).toBe(0)
  })

  it('answers a valid call from our window', async () => {
    const { invoke } = setup()
    await expect(invoke('app.version', {})).resolves.toEqual({ ok: true, result: VERSIONS })
  })

  it('rejects malformed payloads with the contract error', async () => {
    const { invoke } = setup()
    const bad = await invoke('teleop.open', { taskId: null })
    expect(bad).toMatchObject({ ok: false, error: { code: 'invalid-input' } })
    expect(!bad.ok && bad.error.message).toMatch(/^invalid input for teleop.open: taskId/)
    expect(await invoke('teleop.action', 'not an object')).toMatchObject({
      ok: false,
      error: { code: 'invalid-input' },
    })
    expect(await invoke('tasks.list', {})).toMatchObject({ ok: false, error: { code: 'invalid-output' } })
    expect(await invoke('sessions.list', {})).toMatchObject({
      ok: false,
      error: { code: 'failed', message: expect.stringContaining('not available') },
    })
  })

  it('refuses senders that are not our windows, and subframes of ours', async () => {
    const { invoke, contents } = setup()
    const stranger = stubContents()
    expect(await invoke('app.version', {}, stranger, stranger.mainFrame)).toMatchObject({
      ok: false,
      error: { code: 'unauthorized' },
    })
    expect(await invoke('app.version', {}, contents, { url: 'https://evil.example' })).toMatchObject({
      ok: false,
      error: { code: 'unauthorized' },
    })
    expect(await invoke('app.version', {}, contents, null)).toMatchObject({
      ok: false,
      error: { code: 'unauthorized' },
    })
    // a different object claiming our id is not our window either
    expect(await invoke('app.version', {}, { ...stubContents(), id: contents.id })).toMatchObject({ ok: false })
  })

  it('sends call events and broadcasts to the window, and forgets a destroyed window', async () => {
    const { invoke, hub, contents } = setup()
    await invoke('jobs.cancel', { jobId: 'j' })
    hub.broadcast('progress', { jobId: 'all', kind: 'k', done: 0, total: 1 })
    expect(contents.sent.map((s) => [s[0], s[1], (s[2] as { jobId: string }).jobId])).toEqual([
      [EVENT_CHANNEL, 'progress', 'j'],
      [EVENT_CHANNEL, 'progress', 'all'],
    ])
    contents.destroy()
    hub.broadcast('progress', { jobId: 'late', kind: 'k', done: 0, total: 1 })
    expect(contents.sent).toHaveLength(2)
    expect(await invoke('app.version', {})).toMatchObject({ ok: false, error: { code: 'unauthorized' } })
  })
})
