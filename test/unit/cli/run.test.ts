// `iwb run`: flags checked by the session schema's bounds, the session stored in the workspace (the page's default
// one when --db is not given, said on stderr), a finished session reported from the store, --new for another.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { command as run, parseRunArgs } from '../../../src/main/cli/commands/run'
import { UsageError, type CommandIO } from '../../../src/main/cli/command'
import { openWorkspace } from '../../../src/main/store'

const dir = mkdtempSync(join(tmpdir(), 'iwb-run-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const io = (): CommandIO & { out_: string[]; err_: string[] } => {
  const out_: string[] = []
  const err_: string[] = []
  return { out_, err_, out: (l) => out_.push(l), err: (l) => err_.push(l), tty: false }
}
const lastJson = (lines: string[]): Record<string, unknown> =>
  JSON.parse(lines[lines.length - 1]) as Record<string, unknown>

const SMALL = [
  '--task',
  'reacher-arm',
  '--algo',
  'bc',
  '--budget',
  '8',
  '--eval-every',
  '4',
  '--eval-episodes',
  '2',
  '--json',
]

describe('iwb run', () => {
  const saved = process.env.IWB_DB
  afterEach(() => {
    if (saved === undefined) delete process.env.IWB_DB
    else process.env.IWB_DB = saved
  })

  it('parses its flags and refuses bad ones with one line naming the flag', () => {
    const a = parseRunArgs(['--task', 'hopper', '--algo', 'warm-stagger:0.25', '--budget', '200', '--cost-ratio', '2'])
    expect(a.config).toMatchObject({
      taskId: 'hopper',
      algo: 'warm-stagger',
      algoParams: { fraction: 0.25 },
      budget: 200,
      costRatio: 2,
      evalEvery: 50,
      evalEpisodes: 25,
    })
    expect(parseRunArgs(['--task', 'hopper']).config).toMatchObject({
      algo: 'stagger',
      seed: 0,
      budget: 1000,
      epochs: null,
    })
    const bad: [string[], RegExp][] = [
      [['--algo', 'bc'], /--task is required/],
      [['--task', 'nope'], /--task must be one of/],
      [['--task', 'hopper', '--cost-ratio', '0'], /--cost-ratio must be a number between 0.01 and 1000/],
      [['--task', 'hopper', '--cost-ratio', '1e-300'], /--cost-ratio/],
      [['--task', 'hopper', '--seed', '1e300'], /--seed must be a whole number between 0 and 2147483647/],
      [
        ['--task', 'hopper', '--algo', 'ppo'],
        /--algo must be bc, dagger\[:m=STATES\], stagger, warm-stagger\[:fraction in 0..1\], hg-dagger\[.*\], ensemble-dagger\[.*\] or thrifty-dagger/,
      ],
      // A known algorithm with a bad parameter: the parameter's own complaint, not the whole grammar.
      [
        ['--task', 'hopper', '--algo', 'hg-dagger:weighting=xyz'],
        /^--algo: hg-dagger takes weighting=none\|iwr .*"none"\|"iwr", got 'weighting=xyz'$/,
      ],
      [
        ['--task', 'hopper', '--algo', 'warm-stagger:7'],
        /^--algo: warm-stagger takes fraction in 0\.\.1 .*<=1, got '7'$/,
      ],
      [['--task', 'hopper', '--budget', '100000', '--cost-ratio', '0.5'], /--budget \/ --cost-ratio: .*100000 queries/],
    ]
    for (const [argv, message] of bad) {
      let err: unknown = null
      try {
        parseRunArgs(argv)
      } catch (e) {
        err = e
      }
      expect(err, argv.join(' ')).toBeInstanceOf(UsageError)
      expect((err as Error).message).toMatch(message)
      expect((err as Error).message).not.toContain('\n')
    }
  })

  it('stores the session, then reports the finished one from the store, and --new runs another', async () => {
    const db = join(dir, 'w.iwb')
    const first = io()
    expect(await run.run([...SMALL, '--db', db], first)).toBe(0)
    const a = lastJson(first.out_)
    expect(a).toMatchObject({
      task: 'reacher-arm',
      algo: 'bc',
      seed: 0,
      labels: 8,
      cost: 8,
      status: 'finished',
      reused: false,
    })
    expect(typeof a.finalReturn).toBe('number')
    expect(typeof a.expertReturn).toBe('number')

    const again = io()
    expect(await run.run([...SMALL, '--db', db], again)).toBe(0)
    expect(lastJson(again.out_)).toMatchObject({
      sessionId: a.sessionId,
      reused: true,
      labels: 8,
      finalReturn: a.finalReturn,
    })
    expect(again.err_.join('\n')).toContain(`session ${a.sessionId} already finished with this configuration`)

    const fresh = io()
    expect(await run.run([...SMALL, '--db', db, '--new'], fresh)).toBe(0)
    const c = lastJson(fresh.out_)
    expect(c.sessionId).not.toBe(a.sessionId)
    // Same configuration, same seed: the same curve.
    expect(c.finalReturn).toBe(a.finalReturn)

    const ws = openWorkspace(db)
    try {
      expect(ws.listSessions().map((s) => s.status)).toEqual(['finished', 'finished'])
      const s = ws.openSession(a.sessionId as number)
      expect(s.labels()).toHaveLength(8)
      expect(s.evaluations().map((e) => e.labels)).toEqual([0, 4, 8])
    } finally {
      ws.close()
    }
  }, 180_000)

  it('uses the default workspace without --db and says where it is', async () => {
    process.env.IWB_DB = join(dir, 'default', 'workspace.db')
    const r = io()
    expect(await run.run([...SMALL, '--budget', '4'], r)).toBe(0)
    expect(r.err_[0]).toBe(`workspace ${process.env.IWB_DB} (the page's default; --db FILE for another)`)
    expect(lastJson(r.out_)).toMatchObject({ workspace: process.env.IWB_DB, labels: 4 })
    const ws = openWorkspace(process.env.IWB_DB)
    try {
      expect(ws.listSessions()).toHaveLength(1)
    } finally {
      ws.close()
    }
  }, 120_000)
})
