import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { command as run, parseRunArgs } from '../../../src/main/cli/commands/run'
import { UsageError } from '../../../src/main/cli/command'
import { openWorkspace } from '../../../src/main/store'

const dir = mkdtempSync(join(tmpdir(), 'iwb-run-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('iwb run', () => {
  it('parses its flags and refuses bad ones', () => {
    const a = parseRunArgs(['--task', 'hopper', '--algo', 'warm-stagger:0.25', '--budget', '200', '--cost-ratio', '2'], run.usage)
    expect(a.config).toMatchObject({ taskId: 'hopper', algo: 'warm-stagger', warmFraction: 0.25, budget: 200, costRatio: 2, evalEvery: 50, evalEpisodes: 25 })
    expect(() => parseRunArgs(['--algo', 'bc'], run.usage)).toThrow(UsageError)
    expect(() => parseRunArgs(['--task', 'nope'], run.usage)).toThrow(UsageError)
    expect(() => parseRunArgs(['--task', 'hopper', '--cost-ratio', '0'], run.usage)).toThrow(UsageError)
    expect(() => parseRunArgs(['--task', 'hopper', '--algo', 'ppo'], run.usage)).toThrow(UsageError)
  })

  it('runs a stored session and ends with one JSON line', async () => {
    const db = join(dir, 'w.iwb')
    const out: string[] = []
    const code = await run.run(
      ['--task', 'reacher-arm', '--algo', 'bc', '--budget', '8', '--eval-every', '4', '--eval-episodes', '2', '--db', db, '--json'],
      { out: (l) => out.push(l), err: () => {}, tty: false },
    )
    expect(code).toBe(0)
    const last = JSON.parse(out[out.length - 1])
    expect(last).toMatchObject({ task: 'reacher-arm', algo: 'bc', seed: 0, labels: 8, cost: 8, status: 'finished' })
    expect(typeof last.finalReturn).toBe('number')
    expect(typeof last.expertReturn).toBe('number')
    expect(last.seconds).toBeGreaterThan(0)
    const ws = openWorkspace(db)
    try {
      const s = ws.openSession(last.sessionId)
      expect(s.labels()).toHaveLength(8)
      expect(s.evaluations().map((e) => e.labels)).toEqual([0, 4, 8])
    } finally {
      ws.close()
    }
  })
})
