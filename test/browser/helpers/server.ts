// Start the real browser mode on a free loopback port, with the built page and a workspace in a temp dir.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createWorkbench, serviceFactories, type Workbench } from '../../../src/main/api/compose'
import type { ServiceFactory } from '../../../src/main/api/service-types'
import { startServer, type RunningServer } from '../../../src/main/server/index'
import { ensurePageBuilt, pageDir } from '../../../src/main/server/page'

export interface TestServer {
  /** the address to open (with ?token= when a token is in force) */
  url: string
  server: RunningServer
  workbench: Workbench
  /** the temp dir holding workspace.db; removed at close() */
  dir: string
  close(): Promise<void>
}

export interface TestServerOptions {
  /** services to run (default: the workbench's own list) */
  factories?: readonly ServiceFactory[]
  /** require this token even on loopback */
  token?: string
}

export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  // Builds out/renderer only when it is missing or older than src/renderer (a few seconds).
  await ensurePageBuilt((line) => console.log(line))
  const dir = mkdtempSync(join(tmpdir(), 'iwb-browser-'))
  const workbench = await createWorkbench(
    { workspaceFile: join(dir, 'workspace.db') },
    options.factories ?? serviceFactories,
  )
  const server = await startServer({
    handlers: workbench.handlers,
    broadcaster: workbench.broadcaster,
    pageDir: pageDir(),
    host: '127.0.0.1',
    port: 0,
    token: options.token,
  })
  return {
    url: server.url,
    server,
    workbench,
    dir,
    async close() {
      await server.close()
      await workbench.close()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
