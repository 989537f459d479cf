// `iwb serve`: browser mode. Serves the built page and the API on one port, loopback only unless --host says
// otherwise (then with a random token in the printed URL).
import { spawn } from 'node:child_process'
import { mkdirSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { z } from 'zod'
import { flag, parseCommandArgs } from '../args'
import type { Command, CommandIO } from '../command'
import { createWorkbench } from '../../api/compose'
import { startServer, type RunningServer } from '../../server/index'
import { ensurePageBuilt, pageDir } from '../../server/page'
import { isLoopbackHost } from '../../server/security'
import { defaultWorkspaceFile } from '../../store'

export const DEFAULT_PORT = 5174

export interface ServeArgs {
  port: number
  host: string
  db: string
  open: boolean
  rebuild: boolean
}

export { defaultWorkspaceFile }

export function parseServeArgs(argv: string[]): ServeArgs {
  const { values } = parseCommandArgs(argv, {
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      db: { type: 'string' },
      'no-open': { type: 'boolean' },
      rebuild: { type: 'boolean' },
    },
    schema: z.object({
      port: flag.int(0, 65535).default(DEFAULT_PORT),
      host: flag.text().default('127.0.0.1'),
      db: flag.text().optional(),
      'no-open': z.boolean().default(false),
      rebuild: z.boolean().default(false),
    }),
  })
  return {
    port: values.port,
    host: values.host,
    db: values.db === undefined ? defaultWorkspaceFile() : resolve(values.db),
    open: !values['no-open'],
    rebuild: values.rebuild,
  }
}

/** Best effort: open the address in the user's browser; silently nothing where there is no opener. */
function openBrowser(url: string): void {
  const cmd = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open'
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) return
  try {
    const child = spawn(cmd, [url], { stdio: 'ignore', detached: true })
    child.on('error', () => {})
    child.unref()
  } catch {
    // no opener: the printed address is enough
  }
}

/** Start browser mode; resolves once listening. Used by `iwb serve` and `npm start`'s fallback. */
export async function serve(args: ServeArgs, io: CommandIO): Promise<RunningServer & { stop(): Promise<void> }> {
  await ensurePageBuilt(io.err, undefined, args.rebuild)
  mkdirSync(dirname(args.db), { recursive: true })
  const workbench = await createWorkbench({ workspaceFile: args.db })
  let server: RunningServer
  try {
    server = await startServer({
      handlers: workbench.handlers,
      broadcaster: workbench.broadcaster,
      pageDir: pageDir(),
      host: args.host,
      port: args.port,
    })
  } catch (err) {
    await workbench.close()
    const e = err as NodeJS.ErrnoException
    if (e.code === 'EADDRINUSE')
      throw new Error(`port ${args.port} is in use: pick another with --port N (0 = any free port)`)
    throw err
  }
  return {
    ...server,
    stop: async () => {
      await server.close()
      await workbench.close()
    },
  }
}

export const serveCommand: Command = {
  name: 'serve',
  summary: 'serve the workbench page and API for a browser (browser mode)',
  usage: `iwb serve [--port N] [--host H] [--db FILE] [--no-open] [--rebuild]
  --port N     port to listen on (default ${DEFAULT_PORT}; 0 = any free port)
  --host H     address to bind (default 127.0.0.1). Anything but loopback requires the random token
               printed in the address.
  --db FILE    the workspace (SQLite) file (default $IWB_DB or ~/.imitation-workbench/workspace.db)
  --no-open    do not open a browser
  --rebuild    rebuild the page even when it looks up to date`,
  async run(argv: string[], io: CommandIO): Promise<number> {
    const args = parseServeArgs(argv)
    const running = await serve(args, io)
    io.out(`Imitation Workbench is serving at ${running.url}`)
    if (!isLoopbackHost(args.host)) {
      io.out(`Bound to ${args.host}: only requests with this token are answered. Keep the address private.`)
    }
    io.out(`workspace: ${args.db}`)
    io.out('Press Ctrl+C to stop.')
    if (args.open) openBrowser(running.url)
    await new Promise<void>((resolvePromise) => {
      const stop = (): void => {
        process.off('SIGINT', stop)
        process.off('SIGTERM', stop)
        void running.stop().finally(resolvePromise)
      }
      process.on('SIGINT', stop)
      process.on('SIGTERM', stop)
    })
    return 0
  },
}
