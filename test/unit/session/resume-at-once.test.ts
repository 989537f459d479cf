// A crash is resumed at once (issue 27, item 1): after `kill -9` of `iwb run`, the same command on the same machine
// resumes the session straight away, while the dead process's lease is still within its time-to-live (it was
// refused with "session N is running in iwb run (pid N on HOST)" until the lease expired). The dead lease's
// heartbeat is kept fresh until the new run has started (a process here takes seconds to start, as long as the
// time-to-live), as if the kill had come that moment. Real child processes, a real workspace file.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, describe, expect, it } from 'vitest'
import { iwb, labelCount, poll, query } from './helpers'

const dir = mkdtempSync(join(tmpdir(), 'iwb-at-once-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

// Long enough that it is still running when it is killed.
const ARGS = ['run', '--task', 'reacher-arm', '--algo', 'dagger', '--budget', '5000', '--eval-every', '5000']

interface Lease {
  session_id: number
  pid: number
  heartbeat_at: number
}

describe('a killed iwb run', () => {
  it('is resumed at once by the same command on the same machine', async () => {
    const db = join(dir, 'w.db')
    const first = iwb([...ARGS, '--db', db])
    let second: ReturnType<typeof iwb> | null = null
    try {
      await poll(() => labelCount(db) > 0, 'the first labels')
      first.proc.kill('SIGKILL')
      await first.exit
      const dead = query<Lease>(db, 'SELECT session_id, pid, heartbeat_at FROM session_leases')[0]
      expect(dead.pid).toBe(first.proc.pid) // its lease is left behind, heartbeat fresh
      const labelsBefore = labelCount(db)

      // the dead process's last heartbeat stays a moment old, never near the time-to-live
      const writer = new Database(db)
      writer.pragma('busy_timeout = 2000')
      const freshen = writer.prepare('UPDATE session_leases SET heartbeat_at = ? WHERE pid = ?')
      const timer = setInterval(() => freshen.run(Date.now(), dead.pid), 200)
      try {
        second = iwb([...ARGS, '--db', db])
        await poll(
          () => query<Lease>(db, 'SELECT pid FROM session_leases')[0]?.pid === second!.proc.pid,
          'the same command to take the session over',
        )
      } finally {
        clearInterval(timer)
        writer.close()
      }
      await poll(() => labelCount(db) > labelsBefore, 'labels from the resumed run')
      expect(second.stderr()).toContain(`resuming session ${dead.session_id}`)
      expect(second.stderr()).not.toContain('is running in')
      expect(query<{ n: number }>(db, 'SELECT count(*) AS n FROM sessions')[0].n).toBe(1)
    } finally {
      first.proc.kill('SIGKILL')
      second?.proc.kill('SIGKILL')
      await second?.exit
    }
  }, 180_000)
})
