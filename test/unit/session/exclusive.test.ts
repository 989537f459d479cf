// Exclusive: a session runs in at most one place. A second `iwb run` of a running session, and a resume from the
// page, are refused with one line naming the owner; the lease of a killed process expires within seconds, after
// which the session resumes.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { createWorkbench } from '../../../src/main/api/compose'
import { connectInProcess } from '../../../src/main/api/in-process'
import { makeSessionsService } from '../../../src/main/api/services/sessions'
import { LEASE_TTL_MS } from '../../../src/main/session/host'
import { iwb, poll, query } from './helpers'

const dir = mkdtempSync(join(tmpdir(), 'iwb-lease-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

// Long enough that it is still running when the second process has started.
const ARGS = [
  'run',
  '--task',
  'hopper',
  '--algo',
  'stagger',
  '--budget',
  '5000',
  '--eval-every',
  '5000',
  '--eval-episodes',
  '1',
]

interface Lease {
  session_id: number
  owner: string
  pid: number
  heartbeat_at: number
}

describe('a session runs in one place', () => {
  it('refuses a second iwb run and a page resume while it runs, and resumes after its process is killed', async () => {
    const db = join(dir, 'w.db')
    const first = iwb([...ARGS, '--db', db])
    try {
      const lease = await poll(
        () => query<Lease>(db, 'SELECT * FROM session_leases')[0],
        'the first run to take its lease',
      )
      expect(lease.pid).toBe(first.proc.pid)
      expect(lease.owner).toMatch(/^iwb run \(pid \d+ on /)
      await poll(() => query<{ n: number }>(db, 'SELECT count(*) AS n FROM labels')[0]?.n > 0, 'the first labels')

      const second = iwb([...ARGS, '--db', db])
      expect(await second.exit).toBe(1)
      const refusal = second
        .stderr()
        .split('\n')
        .filter((l) => l.startsWith('iwb run:'))
      expect(refusal).toHaveLength(1)
      expect(refusal[0]).toContain(`session ${lease.session_id} is running in iwb run (pid ${first.proc.pid} on `)

      // The page, on the same workspace: it leaves the running session alone and refuses to resume it.
      const wb = await createWorkbench({ workspaceFile: db }, [makeSessionsService({ evalWorkers: 0 })])
      const api = connectInProcess(wb.handlers, wb.broadcaster)
      try {
        expect((await api.call('sessions.list', {})).find((s) => s.id === lease.session_id)?.status).toBe('running')
        await expect(api.call('sessions.control', { sessionId: lease.session_id, command: 'resume' })).rejects.toThrow(
          `is running in iwb run (pid ${first.proc.pid}`,
        )
      } finally {
        api.close()
        await wb.close()
      }

      // Killed: its lease is left behind and expires within LEASE_TTL_MS of its last heartbeat.
      first.proc.kill('SIGKILL')
      await first.exit
      const killedAt = Date.now()
      const expiredAt = await poll(
        () => {
          const l = query<Lease>(db, 'SELECT * FROM session_leases')[0]
          return l && Date.now() - l.heartbeat_at >= LEASE_TTL_MS ? Date.now() : 0
        },
        'the lease to expire',
        3 * LEASE_TTL_MS,
      )
      expect(expiredAt - killedAt).toBeLessThanOrEqual(LEASE_TTL_MS + 1000)

      // The same command now resumes it: a new process holds the lease and adds labels.
      const labelsBefore = query<{ n: number }>(db, 'SELECT count(*) AS n FROM labels')[0].n
      const third = iwb([...ARGS, '--db', db])
      try {
        await poll(
          () => query<Lease>(db, 'SELECT * FROM session_leases')[0]?.pid === third.proc.pid,
          'the resumed run to take the lease',
        )
        await poll(
          () => query<{ n: number }>(db, 'SELECT count(*) AS n FROM labels')[0].n > labelsBefore,
          'labels from the resumed run',
        )
        expect(third.stderr()).toContain(`resuming session ${lease.session_id}`)
        expect(query<{ n: number }>(db, 'SELECT count(*) AS n FROM sessions')[0].n).toBe(1)
      } finally {
        third.proc.kill('SIGKILL')
        await third.exit
      }
    } finally {
      first.proc.kill('SIGKILL')
    }
  }, 180_000)
})
