// The one workbench window: isolated, sandboxed renderer, no Node, a content security policy, no navigation, no
// new windows, no remote content and no permissions.
import { BrowserWindow, session, type Session } from 'electron'
import { CONTENT_SECURITY_POLICY } from '../server/security'

export interface WindowOptions {
  /** absolute path of out/preload/index.cjs */
  preload: string
  /** in development electron-vite serves the page from this URL; otherwise the built file is loaded */
  devServerUrl?: string
  /** absolute path of out/renderer/index.html */
  pageFile: string
}

/** Local origins the page may load from: the built files, or the dev server while developing. */
function isAllowedUrl(url: string, devServerUrl?: string): boolean {
  if (
    url.startsWith('file://') ||
    url.startsWith('devtools://') ||
    url.startsWith('data:') ||
    url.startsWith('blob:')
  ) {
    return true
  }
  if (!devServerUrl) return false
  const dev = new URL(devServerUrl)
  const u = new URL(url)
  return u.host === dev.host && (u.protocol === 'http:' || u.protocol === 'ws:')
}

/** Session-wide rules, applied once before the first window loads anything. */
export function hardenSession(ses: Session, devServerUrl?: string): void {
  ses.setPermissionRequestHandler((_contents, _permission, callback) => callback(false))
  ses.setPermissionCheckHandler(() => false)
  ses.webRequest.onBeforeRequest((details, callback) => {
    callback({ cancel: !isAllowedUrl(details.url, devServerUrl) })
  })
  ses.webRequest.onHeadersReceived((details, callback) => {
    callback({
      responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] },
    })
  })
}

export function createMainWindow(options: WindowOptions): BrowserWindow {
  hardenSession(session.defaultSession, options.devServerUrl)
  const win = new BrowserWindow({
    width: 1400,
    height: 900,
    show: false,
    title: 'Imitation Workbench',
    webPreferences: {
      preload: options.preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      webviewTag: false,
      allowRunningInsecureContent: false,
      spellcheck: false,
    },
  })
  const contents = win.webContents
  contents.setWindowOpenHandler(() => ({ action: 'deny' }))
  contents.on('will-navigate', (event) => event.preventDefault())
  contents.on('will-redirect', (event) => event.preventDefault())
  contents.on('will-attach-webview', (event) => event.preventDefault())
  win.once('ready-to-show', () => win.show())

  if (options.devServerUrl) void win.loadURL(options.devServerUrl)
  else void win.loadFile(options.pageFile)
  return win
}
