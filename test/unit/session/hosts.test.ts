// Same settings, same curve: a session started from the page's API (expert oracle), by `iwb run` and by
// `iwb compare`, each on its own workspace, stores the same labels and the same evaluation curve. The three use
// different evaluation placements (a rollout pool of two workers, the session's own thread), which must not
// change a number.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { createWorkbench } from '../../../src/main/api/compose'
import { connectInProcess } from '../../../src/main/api/in-process'
import { jobsService } from '../../../src/main/api/services/jobs'
import { makeSessionsService } from '../../../src/main/api/services/sessions'
import { command as compare } from '../../../src/main/cli/commands/compare'
import { command as run } from '../../../src/main/cli/commands/run'
import { drawThreads, MAX_DRAW_THREADS } from '../../../src/main/session/host'
import type { CommandIO } from '../../../src/main/cli/command'
import { expectClose, poll, storedSession } from './helpers'

const dir = mkdtempSync(join(tmpdir(), 'iwb-hosts-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const io = (): CommandIO & { lines: string[] } => {
  const lines: string[] = []
  return { lines, out: (l) => lines.push(l), err: () => {}, tty: false }
}

// WARM-STAGGER exercises both phases (offline states, the BC fit at the switch, queries at cost C).
const SETTINGS = {
  taskId: 'reacher-arm',
  algo: 'warm-stagger',
  algoParams: { fraction: 0.5 },
  budget: 16,
  costRatio: 2,
  seed: 5,
  evalEvery: 4,
  evalEpisodes: 3,
} as const
const FLAGS = [
  '--task',
  'reacher-arm',
  '--budget',
  '16',
  '--cost-ratio',
  '2',
  '--eval-every',
  '4',
  '--eval-episodes',
  '3',
]

describe('one session host', () => {
  it('stores the same labels and curve from the page, iwb run and iwb compare', async () => {
    // The page: sessions.start through the API, evaluations on a pool of two rollout workers.
    const pageDb = join(dir, 'page.db')
    const wb = await createWorkbench({ workspaceFile: pageDb }, [makeSessionsService({ evalWorkers: 2 }), jobsService])
    const api = connectInProcess(wb.handlers, wb.broadcaster)
    const started = await api.call('sessions.start', { ...SETTINGS, oracle: 'expert' })
    await poll(
      async () => (await api.call('sessions.list', {})).find((s) => s.id === started.id && s.status === 'finished'),
      'the page session to finish',
    )
    api.close()
    await wb.close()

    // iwb run: evaluations on a pool of two workers.
    const runDb = join(dir, 'run.db')
    const r = io()
    expect(await run.run(['--algo', 'warm-stagger:0.5', '--seed', '5', ...FLAGS, '--db', runDb, '--json'], r)).toBe(0)
    const runLine = JSON.parse(r.lines[r.lines.length - 1])

    // iwb compare: one algorithm, one seed, evaluations inside the session's worker.
    const cmpDb = join(dir, 'compare.db')
    const c = io()
    expect(
      await compare.run(
        [
          '--algos',
          'warm-stagger:0.5',
          '--seeds',
          '1',
          '--seed-base',
          '5',
          ...FLAGS,
          '--db',
          cmpDb,
          '--report',
          join(dir, 'report'),
          '--json',
        ],
        c,
      ),
    ).toBe(0)
    const cmpLine = JSON.parse(c.lines[c.lines.length - 1])

    const page = storedSession(pageDb, started.id)
    const cli = storedSession(runDb, runLine.sessionId)
    const sweep = storedSession(cmpDb, cmpLine.sessions[0].sessionId)
    expect(page.labels.length).toBe(12) // 8 offline at cost 1, then 4 queries at cost 2
    expect(page.labels.filter((l) => l.source === 'query')).toHaveLength(4)
    expect(page.curve.map((e) => e.labels)).toEqual([0, 4, 8, 12])
    expect(expectClose(page, cli)).toBeNull()
    expect(expectClose(page, sweep)).toBeNull()
    // The expert measured on the same evaluation episodes by both CLI hosts.
    expect(runLine.expertReturn).toBeCloseTo(cmpLine.expertReturn, 6)

    // iwb compare reuses a stored session only when its whole configuration matches.
    const again = io()
    const cmpArgs = [
      '--algos',
      'warm-stagger:0.5',
      '--seeds',
      '1',
      '--seed-base',
      '5',
      '--db',
      cmpDb,
      '--report',
      join(dir, 'report2'),
      '--json',
    ]
    expect(await compare.run([...cmpArgs, ...FLAGS], again)).toBe(0)
    expect(JSON.parse(again.lines[again.lines.length - 1]).sessions[0].sessionId).toBe(cmpLine.sessions[0].sessionId)
    const other = io()
    expect(await compare.run([...cmpArgs, ...FLAGS, '--eval-episodes', '2'], other)).toBe(0)
    expect(JSON.parse(other.lines[other.lines.length - 1]).sessions[0].sessionId).not.toBe(
      cmpLine.sessions[0].sessionId,
    )
  }, 240_000)
})

describe("draw threads for a person's STAGGER", () => {
  it('uses the cores but one, at least 2 and at most MAX_DRAW_THREADS', () => {
    expect([1, 2, 3, 4, 8, 64].map((cores) => drawThreads(cores))).toEqual([
      2,
      2,
      2,
      3,
      MAX_DRAW_THREADS,
      MAX_DRAW_THREADS,
    ])
    expect(MAX_DRAW_THREADS).toBe(4)
  })
})
