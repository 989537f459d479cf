// The window's security settings, checked against a stubbed electron (no binary here): isolation, sandbox, no
// Node, denied navigation, windows, permissions and remote requests, and the CSP on every response.
import { beforeEach, describe, expect, it, vi } from 'vitest'

interface Captured {
  options?: { webPreferences: Record<string, unknown> }
  contentsHandlers: Map<string, (event: { preventDefault(): void }, ...a: unknown[]) => void>
  openHandler?: (details: unknown) => { action: string }
  permission?: (c: unknown, p: string, cb: (ok: boolean) => void) => void
  permissionCheck?: () => boolean
  beforeRequest?: (d: { url: string }, cb: (r: { cancel: boolean }) => void) => void
  headers?: (
    d: { responseHeaders: Record<string, string[]> },
    cb: (r: { responseHeaders: Record<string, string[]> }) => void,
  ) => void
  loaded?: string
}

const captured: Captured = { contentsHandlers: new Map() }

vi.mock('electron', () => {
  class BrowserWindow {
    webContents = {
      setWindowOpenHandler: (fn: Captured['openHandler']) => (captured.openHandler = fn),
      on: (name: string, fn: (event: { preventDefault(): void }) => void) => captured.contentsHandlers.set(name, fn),
    }
    constructor(options: Captured['options']) {
      captured.options = options
    }
    once() {}
    loadFile(file: string) {
      captured.loaded = `file:${file}`
      return Promise.resolve()
    }
    loadURL(url: string) {
      captured.loaded = url
      return Promise.resolve()
    }
  }
  const session = {
    defaultSession: {
      setPermissionRequestHandler: (fn: Captured['permission']) => (captured.permission = fn),
      setPermissionCheckHandler: (fn: Captured['permissionCheck']) => (captured.permissionCheck = fn),
      webRequest: {
        onBeforeRequest: (fn: Captured['beforeRequest']) => (captured.beforeRequest = fn),
        onHeadersReceived: (fn: Captured['headers']) => (captured.headers = fn),
      },
    },
  }
  return { BrowserWindow, session }
})

describe('createMainWindow', () => {
  beforeEach(() => captured.contentsHandlers.clear())

  it('isolates and sandboxes the renderer with no Node integration', async () => {
    const { createMainWindow } = await import('../../../src/main/electron/window')
    createMainWindow({ preload: '/app/out/preload/index.cjs', pageFile: '/app/out/renderer/index.html' })
    expect(captured.options?.webPreferences).toMatchObject({
      preload: '/app/out/preload/index.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      webviewTag: false,
      allowRunningInsecureContent: false,
    })
    expect(captured.loaded).toBe('file:/app/out/renderer/index.html')
  })

  it('denies new windows, navigation, webviews and every permission', async () => {
    const { createMainWindow } = await import('../../../src/main/electron/window')
    createMainWindow({ preload: 'p', pageFile: 'f' })
    expect(captured.openHandler?.({ url: 'https://example.com' })).toEqual({ action: 'deny' })
    for (const name of ['will-navigate', 'will-redirect', 'will-attach-webview']) {
      const prevent = vi.fn()
      captured.contentsHandlers.get(name)?.({ preventDefault: prevent })
      expect(prevent, name).toHaveBeenCalled()
    }
    const answers: boolean[] = []
    captured.permission?.(null, 'media', (ok) => answers.push(ok))
    captured.permission?.(null, 'notifications', (ok) => answers.push(ok))
    expect(answers).toEqual([false, false])
    expect(captured.permissionCheck?.()).toBe(false)
  })

  it('cancels remote requests, allows the local page, and adds the CSP to responses', async () => {
    const { createMainWindow } = await import('../../../src/main/electron/window')
    createMainWindow({ preload: 'p', pageFile: 'f' })
    const cancel = (url: string): boolean => {
      let r = { cancel: false }
      captured.beforeRequest?.({ url }, (x) => (r = x))
      return r.cancel
    }
    expect(cancel('file:///app/out/renderer/index.html')).toBe(false)
    expect(cancel('https://cdn.example.com/x.js')).toBe(true)
    expect(cancel('http://127.0.0.1:5173/')).toBe(true) // no dev server in production
    let headers: Record<string, string[]> = {}
    captured.headers?.({ responseHeaders: { 'Content-Type': ['text/html'] } }, (r) => (headers = r.responseHeaders))
    expect(headers['Content-Security-Policy'][0]).toContain("default-src 'self'")
    expect(headers['Content-Type']).toEqual(['text/html'])
  })

  it('in development allows only the dev server origin', async () => {
    const { hardenSession } = await import('../../../src/main/electron/window')
    const { session } = await import('electron')
    hardenSession(session.defaultSession as never, 'http://localhost:5173')
    const cancel = (url: string): boolean => {
      let r = { cancel: false }
      captured.beforeRequest?.({ url }, (x) => (r = x))
      return r.cancel
    }
    expect(cancel('http://localhost:5173/src/main.ts')).toBe(false)
    expect(cancel('ws://localhost:5173/')).toBe(false)
    expect(cancel('http://localhost:8080/')).toBe(true)
  })
})
