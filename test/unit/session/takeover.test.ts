// Takeover sessions (HG-DAgger) with the simulated person: the expert takes over when the learner strays, its
// steps are labels of source 'intervention' priced C each, every episode's watching and holding time is logged,
// and a session killed mid-way and resumed stores exactly what an uninterrupted one does.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { command as run } from '../../../src/main/cli/commands/run'
import type { TakeoverEpisode } from '../../../src/main/learn/algorithms/hg-dagger'
import { openWorkspace } from '../../../src/main/store'
import { taskInfo } from '../../../src/main/sim/registry'
import { expectClose, killAndResume, query, storedSession } from './helpers'

const dir = mkdtempSync(join(tmpdir(), 'iwb-takeover-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const C = 2
const BUDGET = 160
const FLAGS = [
  '--task',
  'reacher-arm',
  '--algo',
  'hg-dagger',
  '--budget',
  String(BUDGET),
  '--cost-ratio',
  String(C),
  '--seed',
  '3',
  '--eval-every',
  '5',
  '--eval-episodes',
  '2',
]

function episodes(db: string, sessionId: number): TakeoverEpisode[] {
  const ws = openWorkspace(db)
  try {
    return (ws.openSession(sessionId).checkpoint()?.algorithm as { episodes: TakeoverEpisode[] }).episodes
  } finally {
    ws.close()
  }
}

describe('takeover with the simulated person', () => {
  it('records intervention labels with watched and held seconds, and resumes exactly after a kill', async () => {
    const refDb = join(dir, 'reference.db')
    const lines: string[] = []
    expect(
      await run.run([...FLAGS, '--db', refDb, '--json'], { out: (l) => lines.push(l), err: () => {}, tty: false }),
    ).toBe(0)
    const sessionId = JSON.parse(lines[lines.length - 1]).sessionId as number
    const ref = storedSession(refDb, sessionId)
    // the person's labels, and the learner's own steps between them at no cost (IWR's data, the takeovers' lead-up)
    const given = ref.labels.filter((l) => l.source !== 'policy')
    expect(given.length).toBe(BUDGET / C)
    expect(given.every((l) => l.source === 'intervention' && l.cost === C)).toBe(true)
    expect(ref.labels.some((l) => l.source === 'policy')).toBe(true)
    expect(ref.labels.every((l) => l.source !== 'policy' || l.cost === 0)).toBe(true)

    // The log: per episode, seconds watched >= seconds held = one control period per label; presses counted.
    const period = 1 / taskInfo('reacher-arm').controlHz
    const log = episodes(refDb, sessionId)
    expect(log.length).toBeGreaterThan(1)
    expect(log.reduce((a, e) => a + e.labels, 0)).toBe(given.length)
    for (const e of log) {
      expect(e.heldSeconds).toBeCloseTo(e.labels * period, 9)
      expect(e.watchedSeconds).toBeCloseTo(e.steps * period, 9)
      expect(e.watchedSeconds).toBeGreaterThanOrEqual(e.heldSeconds)
      expect(e.takeovers).toBeLessThanOrEqual(e.labels)
      if (e.labels > 0) expect(e.takeovers).toBeGreaterThan(0)
    }
    const held = query<{ s: number }>(refDb, 'SELECT sum(human_seconds) AS s FROM labels')[0].s
    expect(held).toBeCloseTo(
      log.reduce((a, e) => a + e.heldSeconds, 0),
      9,
    )

    // Killed part-way (mid-episode or mid-commit), its lease left to expire, then resumed by the same command.
    // after the first episode's commit: the kill lands in a later episode
    const db = join(dir, 'killed.db')
    const {
      killedAt: [killedAt],
      exitCode,
      line,
    } = await killAndResume(FLAGS, db, [1])
    expect(killedAt).toBeGreaterThan(0)
    expect(killedAt).toBeLessThan(ref.labels.length)
    expect(exitCode).toBe(0)
    expect(expectClose(ref, storedSession(db, line.sessionId))).toBeNull()
    expect(episodes(db, line.sessionId)).toEqual(log)
  }, 240_000)
})
