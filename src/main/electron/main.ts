// The desktop app's composition root: one workbench (the same services as browser mode), IPC registered for it,
// one window. The only place besides ipc.ts and window.ts that knows Electron.
import { app, ipcMain } from 'electron'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createWorkbench, type Workbench } from '../api/compose'
import { ensureDefaultWorkspaceFile } from '../store'
import { registerIpc } from './ipc'
import { createMainWindow } from './window'

export function startDesktop(): void {
  // Every renderer sandboxed, whatever a window's options say.
  app.enableSandbox()
  if (!app.requestSingleInstanceLock()) {
    app.quit()
    return
  }
  let workbench: Workbench | null = null

  app.on('window-all-closed', () => {
    void (workbench?.close() ?? Promise.resolve()).finally(() => app.quit())
  })
  app.on('web-contents-created', (_e, contents) => {
    contents.setWindowOpenHandler(() => ({ action: 'deny' }))
  })

  void app.whenReady().then(async () => {
    // The same workspace as the browser mode and the CLI (store/default-workspace.ts).
    workbench = await createWorkbench({ workspaceFile: ensureDefaultWorkspaceFile() })
    const ipc = registerIpc(ipcMain, workbench.handlers, workbench.broadcaster)
    // Bundled layout: out/main/index.js, out/preload/index.cjs, out/renderer/index.html.
    const here = fileURLToPath(new URL('.', import.meta.url))
    const win = createMainWindow({
      preload: join(here, '../preload/index.cjs'),
      pageFile: join(here, '../renderer/index.html'),
      devServerUrl: app.isPackaged ? undefined : process.env.ELECTRON_RENDERER_URL,
    })
    ipc.addWindow(win.webContents)
  })
}
