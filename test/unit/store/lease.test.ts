// Session leases (issue 27): a lease taken on this host by a process that is gone is taken over at once, not after
// its time-to-live; a live process's lease is refused; a lease from another host (or from before leases named
// their host) still waits out its time-to-live, and the refusal says how many seconds are left.
import { spawn } from 'node:child_process'
import { hostname } from 'node:os'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { openWorkspace, type Workspace } from '../../../src/main/store/workspace'
import { StoreError } from '../../../src/main/store/errors'
import { sampleConfig, tempDir } from './helpers'

/** long enough that anything this test sees happen within it happened before the ttl */
const TTL_MS = 60_000

let tmp: ReturnType<typeof tempDir>
let ws: Workspace
let sessionId: number
beforeEach(() => {
  tmp = tempDir()
  ws = openWorkspace(tmp.path('w.db'))
  sessionId = ws.createSession(sampleConfig()).sessionId
})
afterEach(() => {
  ws.close()
  tmp.cleanup()
})

const take = (token: string): void => ws.acquireLease(sessionId, { token, owner: 'the test', ttlMs: TTL_MS })

function refusal(token: string): string {
  try {
    take(token)
  } catch (err) {
    expect(err).toBeInstanceOf(StoreError)
    expect((err as StoreError).code).toBe('busy')
    return (err as Error).message
  }
  throw new Error('the lease was taken')
}

/** A lease written as another process left it: `host` null is a lease from before schema 14. */
function plant(lease: { pid: number; host: string | null; ageMs: number }): void {
  ws.db
    .prepare('UPDATE session_leases SET token = ?, owner = ?, pid = ?, host = ?, heartbeat_at = ?')
    .run('planted', `iwb run (pid ${lease.pid} on ${lease.host})`, lease.pid, lease.host, Date.now() - lease.ageMs)
}

describe('session leases', () => {
  it("takes over at once the lease of a SIGKILLed process on this host, and refuses a live one's", async () => {
    const script = fileURLToPath(new URL('./fixtures/lease-child.ts', import.meta.url))
    const child = spawn(process.execPath, ['--import', 'tsx', script, ws.file, String(sessionId), String(TTL_MS)], {
      cwd: fileURLToPath(new URL('../../..', import.meta.url)),
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stderr = ''
    child.stderr.on('data', (d) => (stderr += String(d)))
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_c, signal) => resolve(signal)))
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`the child took no lease; stderr: ${stderr}`)), 30_000)
        createInterface({ input: child.stdout }).on('line', (line) => {
          if (line !== 'held') return
          clearTimeout(timer)
          resolve()
        })
        exited.then(() => reject(new Error(`the child exited early; stderr: ${stderr}`)), reject)
      })
      // Alive: refused in one line naming it, without a countdown (it lives, so its lease does not run out).
      const busy = refusal('mine')
      expect(busy).toMatch(new RegExp(`^session ${sessionId} is running in lease-child \\(pid ${child.pid}\\) `))
      expect(busy).not.toContain('expires')
      expect(busy.split('\n')).toHaveLength(1)
      expect(ws.leaseHolder(sessionId)).toMatchObject({ pid: child.pid })
    } finally {
      child.kill('SIGKILL')
    }
    expect(await exited).toBe('SIGKILL')

    // Gone: its lease, a second old, is free now (the page sees the session as nobody's) and a new take succeeds.
    const start = Date.now()
    expect(ws.leaseHolder(sessionId)).toBeNull()
    take('mine')
    expect(Date.now() - start).toBeLessThan(TTL_MS / 10)
    expect(ws.db.prepare('SELECT token, pid, host FROM session_leases').all()).toEqual([
      { token: 'mine', pid: process.pid, host: hostname() },
    ])
  })

  it('waits out the ttl of a lease from another host, and says how many seconds are left', () => {
    take('first')
    // pid 2^22 + 1 is above Linux's pid_max: no process of this machine has it, so only the host name keeps it
    plant({ pid: 4_194_305, host: 'elsewhere.example', ageMs: 20_000 })
    const busy = refusal('mine')
    expect(busy).toContain(`session ${sessionId} is running in iwb run (pid 4194305 on elsewhere.example)`)
    const left = Number(/its lease expires in (\d+\.\d) s\)/.exec(busy)?.[1])
    expect(left).toBeGreaterThan(39)
    expect(left).toBeLessThanOrEqual(40)
    expect(ws.leaseHolder(sessionId)).toMatchObject({ owner: 'iwb run (pid 4194305 on elsewhere.example)' })

    // a lease from before leases named their host: the ttl rules as well
    plant({ pid: 4_194_305, host: null, ageMs: 1000 })
    expect(refusal('mine')).toMatch(/its lease expires in 5\d\.\d s\)/)

    // past its ttl it is taken over
    plant({ pid: 4_194_305, host: 'elsewhere.example', ageMs: TTL_MS + 1 })
    expect(ws.leaseHolder(sessionId)).toBeNull()
    take('mine')
    expect(ws.leaseHolder(sessionId)).toMatchObject({ pid: process.pid })
  })

  it("keeps a lease of this process (another thread's) and renews only the holder's token", () => {
    take('first')
    expect(refusal('second')).not.toContain('expires')
    expect(ws.renewLease(sessionId, 'second')).toBe(false)
    expect(ws.renewLease(sessionId, 'first')).toBe(true)
  })
})
