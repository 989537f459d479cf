// The preload exposes exactly window.iwb = { call, on } and refuses unknown methods before IPC. Checked twice:
// on the module with a stubbed electron, and on the bundle built with the app's own preload config, run the
// way a sandboxed preload runs (CommonJS, `require` answering only 'electron').
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { build, type InlineConfig } from 'vite'
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { callChannel, EVENT_CHANNEL } from '../../../src/shared/ipc'

interface Stub {
  exposed: Record<string, unknown>
  invoked: unknown[][]
  listeners: Map<string, ((...a: unknown[]) => void)[]>
  electron: Record<string, unknown>
}

function stubElectron(): Stub {
  const stub: Stub = { exposed: {}, invoked: [], listeners: new Map(), electron: {} }
  stub.electron = {
    contextBridge: {
      exposeInMainWorld: (key: string, value: unknown) => {
        stub.exposed[key] = value
      },
    },
    ipcRenderer: {
      invoke: async (channel: string, input: unknown) => {
        stub.invoked.push([channel, input])
        return { ok: true, result: { echoed: input } }
      },
      on: (channel: string, fn: (...a: unknown[]) => void) => {
        stub.listeners.set(channel, [...(stub.listeners.get(channel) ?? []), fn])
      },
      removeListener: (channel: string, fn: (...a: unknown[]) => void) => {
        stub.listeners.set(
          channel,
          (stub.listeners.get(channel) ?? []).filter((f) => f !== fn),
        )
      },
    },
  }
  return stub
}

type Bridge = { call(m: unknown, i: unknown): Promise<unknown>; on(e: unknown, h: unknown): () => void }

async function checkBridge(stub: Stub): Promise<void> {
  expect(Object.keys(stub.exposed)).toEqual(['iwb'])
  const iwb = stub.exposed.iwb as Bridge
  expect(Object.keys(iwb).sort()).toEqual(['call', 'on'])
  expect(typeof iwb.call).toBe('function')
  expect(typeof iwb.on).toBe('function')

  await expect(iwb.call('app.version', {})).resolves.toEqual({ echoed: {} })
  expect(stub.invoked).toEqual([[callChannel('app.version'), {}]])
  await expect(iwb.call('shell.openExternal', {})).rejects.toThrow(/\[unknown-method\] unknown method/)
  await expect(iwb.call('__proto__', {})).rejects.toThrow(/unknown method/)
  await expect(iwb.call({ toString: () => 'app.version' }, {})).rejects.toThrow(/unknown method/)
  expect(stub.invoked).toHaveLength(1)

  // a contract error from main arrives as an Error carrying the code
  ;(stub.electron.ipcRenderer as { invoke: unknown }).invoke = async () => ({
    ok: false,
    error: { code: 'invalid-input', message: 'invalid input for teleop.open: taskId: expected string' },
  })
  await expect(iwb.call('teleop.open', { taskId: 1 })).rejects.toThrow(
    '[invalid-input] invalid input for teleop.open: taskId: expected string',
  )

  expect(() => iwb.on('ipc.anything', () => {})).toThrow(/unknown event/)
  const got: unknown[] = []
  const off = iwb.on('progress', (p: unknown) => got.push(p))
  const deliver = (name: string, payload: unknown) =>
    (stub.listeners.get(EVENT_CHANNEL) ?? []).forEach((fn) => fn({ sender: 'x' }, name, payload))
  deliver('progress', { jobId: 'a' })
  deliver('sim.frame', { t: 0 })
  off()
  deliver('progress', { jobId: 'b' })
  // the page gets the payload only, never the IpcRendererEvent (which would leak ipcRenderer's sender)
  expect(got).toEqual([{ jobId: 'a' }])
}

describe('preload module', () => {
  let stub: Stub
  beforeEach(() => {
    vi.resetModules()
    stub = stubElectron()
    vi.doMock('electron', () => stub.electron)
  })

  it('exposes only iwb = {call, on}, refusing unknown methods and events before IPC', async () => {
    await import('../../../src/preload/index')
    await checkBridge(stub)
  })
})

describe('built preload bundle', () => {
  const out = mkdtempSync(join(tmpdir(), 'iwb-preload-'))
  afterAll(() => rmSync(out, { recursive: true, force: true }))

  it('is one CommonJS file that requires nothing but electron and exposes only the API', async () => {
    const { default: config } = (await import('../../../electron.vite.config')) as {
      default: { preload: { build: Record<string, unknown> & { rollupOptions: object } } }
    }
    const { externalizeDeps: _unused, ...preloadBuild } = config.preload.build
    const inline: InlineConfig = {
      configFile: false,
      logLevel: 'silent',
      build: {
        ...preloadBuild,
        outDir: out,
        emptyOutDir: true,
        minify: false,
        modulePreload: false,
        copyPublicDir: false,
      },
    }
    await build(inline)
    const files = readdirSync(out)
    expect(files).toEqual(['index.cjs'])
    const code = readFileSync(join(out, 'index.cjs'), 'utf8')

    const stub = stubElectron()
    const required: string[] = []
    const module = { exports: {} as Record<string, unknown> }
    const fakeRequire = (id: string): unknown => {
      required.push(id)
      if (id === 'electron') return stub.electron
      throw new Error(`a sandboxed preload cannot require '${id}'`)
    }
    new Function('require', 'module', 'exports', code)(fakeRequire, module, module.exports)
    expect(required).toEqual(['electron'])
    await checkBridge(stub)
  })
})
