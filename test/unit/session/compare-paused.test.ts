// Ctrl-C on `iwb compare` pauses its sessions at the end of their rounds; its JSON then counts them as paused, not
// failed (a paused session resumes with the same command; a failed one does not), and the command exits 1 because
// the sweep is unfinished. Real child process, real workspace file.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { iwb, labelCount, poll, query } from './helpers'

const dir = mkdtempSync(join(tmpdir(), 'iwb-compare-paused-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('iwb compare interrupted', () => {
  it('reports its sessions paused, not failed,', async () => {
    const db = join(dir, 'w.db')
    // Long enough that it is still running when it is interrupted.
    const args = ['compare', '--task', 'reacher-arm', '--algos', 'dagger', '--seeds', '1', '--budget', '5000']
    const first = iwb([...args, '--eval-every', '5000', '--eval-episodes', '1', '--db', db, '--report', join(dir, 'r')])
    try {
      await poll(() => labelCount(db) > 0, 'the first labels')
      first.proc.kill('SIGINT')
      expect(await first.exit).toBe(1)
      const json = JSON.parse(first.stdout().trim().split('\n').at(-1)!) as { failed: number; paused: number }
      expect(json).toMatchObject({ failed: 0, paused: 1 })
      expect(first.stderr()).toContain('pausing the running sessions')
      expect(query<{ status: string }>(db, 'SELECT status FROM sessions')).toEqual([{ status: 'paused' }])
    } finally {
      first.proc.kill('SIGKILL')
    }
  }, 180_000)
})
