// A private redis-server for the queue benchmark and the queue test: on a free loopback port, no persistence, its
// files in a folder of its own, ended with stop(). Needs Debian's redis-server on the PATH (.ci/run installs it).
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { probeQueue } from '../session/queue'

export interface RedisServer {
  url: string
  stop(): Promise<void>
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer()
    s.once('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number }
      s.close(() => resolve(port))
    })
  })
}

/** `port`: a given one (a test restarts Redis empty where its clients reconnect), else a free one. */
export async function startRedisServer(options: { port?: number } = {}): Promise<RedisServer> {
  const port = options.port ?? (await freePort())
  const dir = mkdtempSync(join(tmpdir(), 'iwb-redis-'))
  const proc = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir],
    { stdio: 'ignore' },
  )
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()))
  const failed = new Promise<never>((_, reject) => {
    proc.once('error', (err) =>
      reject(new Error(`cannot start redis-server (apt-get install redis-server): ${err.message}`)),
    )
    void exited.then(() => reject(new Error(`redis-server on port ${port} exited at start`)))
  })
  failed.catch(() => {})
  const url = `redis://127.0.0.1:${port}`
  const stop = async (): Promise<void> => {
    if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM')
    await exited
    rmSync(dir, { recursive: true, force: true })
  }
  // Ready when it answers; a start that fails ends the wait with its reason.
  const deadline = Date.now() + 10_000
  for (;;) {
    try {
      await Promise.race([probeQueue(url), failed])
      return { url, stop }
    } catch (err) {
      if (proc.exitCode !== null || proc.signalCode !== null || Date.now() > deadline) {
        await stop()
        throw err
      }
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
  }
}
