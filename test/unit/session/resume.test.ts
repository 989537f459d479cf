// Reproducible resume: a session whose process is killed (SIGKILL, at whatever it was doing: a rollout, a
// training step, a commit, an evaluation) and resumed, several times, stores the same labels and the same curve
// as one that was never interrupted, and never more labels or cost than its budget.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { command as run } from '../../../src/main/cli/commands/run'
import { expectClose, killAndResume, query, storedSession } from './helpers'

const dir = mkdtempSync(join(tmpdir(), 'iwb-resume-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

// Hopper WARM-STAGGER: offline expert states, the BC fit at the switch, then STAGGER queries at cost 2.
const FLAGS = [
  '--task',
  'hopper',
  '--algo',
  'warm-stagger:0.5',
  '--budget',
  '80',
  '--cost-ratio',
  '2',
  '--seed',
  '11',
  '--eval-every',
  '10',
  '--eval-episodes',
  '2',
]
const KILL_AT = [6, 41] // labels seen in the store before each kill: offline, then just after the switch to queries

describe('resume after a kill', () => {
  it('stores the same labels and curve as an uninterrupted session', async () => {
    const refDb = join(dir, 'reference.db')
    const lines: string[] = []
    expect(
      await run.run([...FLAGS, '--db', refDb, '--json'], { out: (l) => lines.push(l), err: () => {}, tty: false }),
    ).toBe(0)
    const ref = storedSession(refDb, JSON.parse(lines[lines.length - 1]).sessionId)
    expect(ref.labels.length).toBe(60) // 40 offline at cost 1 + 20 queries at cost 2

    const db = join(dir, 'killed.db')
    const { killedAt, exitCode, line } = await killAndResume(FLAGS, db, KILL_AT)
    expect(exitCode).toBe(0)
    expect(line.status).toBe('finished')

    // Killed at increasing points before the end, each time with work stored.
    expect(killedAt.every((n, i) => n > 0 && n < 60 && (i === 0 || n >= killedAt[i - 1]))).toBe(true)
    const resumed = storedSession(db, line.sessionId)
    expect(query<{ n: number }>(db, 'SELECT count(*) AS n FROM sessions')[0].n).toBe(1)
    expect(resumed.labels.reduce((a, l) => a + l.cost, 0)).toBeLessThanOrEqual(80)
    expect(expectClose(ref, resumed)).toBeNull()
  }, 300_000)
})
