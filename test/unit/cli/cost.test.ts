// `iwb cost` agrees with a computation from the stored timestamps (read here with a separate SQLite connection),
// and `iwb run --offline demos:ID` trains BC on exactly that recorded demonstration's states.
import Database from 'better-sqlite3'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { command as cost } from '../../../src/main/cli/commands/cost'
import { command as run, parseRunArgs } from '../../../src/main/cli/commands/run'
import type { CommandIO } from '../../../src/main/cli/command'
import { expertFor } from '../../../src/main/experts/registry'
import { policyFromSpec } from '../../../src/main/sim/policy-spec'
import { makeEnv } from '../../../src/main/sim/registry'
import { openWorkspace, type Workspace } from '../../../src/main/store'
import { sessionConfig } from '../../../src/shared/session-config'

const dir = mkdtempSync(join(tmpdir(), 'iwb-cost-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const io = (): CommandIO & { out_: string[]; err_: string[] } => {
  const out_: string[] = []
  const err_: string[] = []
  return { out_, err_, out: (l) => out_.push(l), err: (l) => err_.push(l), tty: false }
}
const lastJson = (lines: string[]): Record<string, unknown> =>
  JSON.parse(lines[lines.length - 1]) as Record<string, unknown>

/** A demonstration of the task driven by its scripted expert, recorded through the store's recorder. */
async function recordDemo(
  ws: Workspace,
  taskId: string,
  seed: number,
  steps: number,
  operator: string,
): Promise<number> {
  const env = await makeEnv(taskId)
  const policy = policyFromSpec(expertFor(taskId))
  const rec = ws.startEpisode({ taskId, kind: 'demonstration', operator })
  try {
    let obs = env.reset(seed)
    for (let i = 0; i < steps; i++) {
      const state = env.getState()
      const action = policy.act(obs)
      const r = env.step(action)
      rec.append({ state, observation: obs, action, reward: r.reward, source: 'demonstration' })
      if (r.terminated || r.truncated) break
      obs = r.observation
    }
    return rec.finish({ keep: true }).episodeId
  } finally {
    env.close()
  }
}

describe('iwb cost', () => {
  it("prints the person's seconds per label and the cost ratio that the stored timestamps give", async () => {
    const db = join(dir, 'cost.db')
    const ws = openWorkspace(db)
    try {
      for (const [seed, steps, operator] of [
        [1, 20, 'ana'],
        [2, 35, 'ana'],
        [3, 25, 'bob'],
      ] as const) {
        const id = await recordDemo(ws, 'point-maze', seed, steps, operator)
        // recording times a person would take (the recorder stamps the wall clock)
        const start = Date.parse('2026-11-02T09:00:00.000Z') + seed * 3_600_000
        ws.db
          .prepare('UPDATE episodes SET created_at = ?, finished_at = ? WHERE id = ?')
          .run(new Date(start).toISOString(), new Date(start + 1000 * (4 + seed * 1.7)).toISOString(), id)
      }
      const log = ws.createSession(
        sessionConfig({ taskId: 'point-maze', algo: 'stagger', oracle: 'human', budget: 20 }),
      )
      const t0 = 1_790_000_000_000
      for (let i = 0; i < 7; i++)
        log.addQuery({
          labelId: null,
          issuedAt: t0 + i * 10_000,
          firstInputAt: null,
          committedAt: t0 + i * 10_000 + 800 + 350 * i,
          abandonedAt: null,
          proposedAction: [0, 0],
          answer: [0.1, 0],
          disagreement: 0.1,
          operator: i % 3 ? 'ana' : 'bob',
        })
    } finally {
      ws.close()
    }

    const out = io()
    expect(await cost.run(['--db', db, '--task', 'point-maze', '--json'], out)).toBe(0)
    const line = lastJson(out.out_)

    // the same figures, from the rows as stored
    const raw = new Database(db, { readonly: true })
    const eps = raw
      .prepare("SELECT steps, created_at, finished_at FROM episodes WHERE kind = 'demonstration' AND complete = 1")
      .all() as { steps: number; created_at: string; finished_at: string }[]
    const qs = raw.prepare('SELECT issued_at, committed_at FROM queries WHERE committed_at IS NOT NULL').all() as {
      issued_at: number
      committed_at: number
    }[]
    raw.close()
    const demoSeconds = eps.reduce((a, e) => a + (Date.parse(e.finished_at) - Date.parse(e.created_at)) / 1000, 0)
    const demoStates = eps.reduce((a, e) => a + e.steps, 0)
    const perQuery = qs.reduce((a, q) => a + (q.committed_at - q.issued_at) / 1000, 0) / qs.length
    expect(line.demoStates).toBe(demoStates)
    expect(line.queries).toBe(qs.length)
    expect(line.secondsPerDemoState as number).toBeCloseTo(demoSeconds / demoStates, 9)
    expect(line.secondsPerQuery as number).toBeCloseTo(perQuery, 9)
    expect(line.costRatio as number).toBeCloseTo(perQuery / (demoSeconds / demoStates), 9)
    expect(line).toMatchObject({ takeoverStates: 0, secondsPerTakeoverState: null })
    const band = line.costRatioBand as { lo: number; hi: number }
    expect(band.lo).toBeLessThan(line.costRatio as number)
    expect(band.hi).toBeGreaterThan(line.costRatio as number)

    const bob = io()
    expect(await cost.run(['--db', db, '--task', 'point-maze', '--operator', 'bob', '--json'], bob)).toBe(0)
    expect(lastJson(bob.out_)).toMatchObject({ operator: 'bob', queries: 3 })
    expect(lastJson(bob.out_).demoStates).toBeLessThan(demoStates)

    const text = io()
    expect(await cost.run(['--db', db], text)).toBe(0)
    expect(text.out_.join('\n')).toMatch(/cost ratio \(query \/ demonstration state\): \d/)
  })
})

describe('iwb run --offline demos', () => {
  it('parses the offline source and refuses bad ones with one line', () => {
    expect(parseRunArgs(['--task', 'point-maze', '--algo', 'bc', '--offline', 'demos:4,2']).config.offline).toEqual({
      kind: 'demos',
      episodes: [2, 4],
      operator: null,
    })
    expect(
      parseRunArgs(['--task', 'point-maze', '--algo', 'bc', '--offline', 'demos', '--operator', 'ana']).config.offline,
    ).toEqual({ kind: 'demos', episodes: null, operator: 'ana' })
    expect(parseRunArgs(['--task', 'point-maze', '--algo', 'bc']).config.offline).toEqual({ kind: 'expert' })
    for (const [argv, message] of [
      [['--algo', 'stagger', '--offline', 'demos'], /--offline: only bc and warm-stagger/],
      [['--algo', 'bc', '--offline', 'demos:x'], /--offline .*whole numbers/],
      [['--algo', 'bc', '--offline', 'tapes'], /--offline unknown offline source 'tapes'/],
      [['--algo', 'bc', '--operator', 'ana'], /--operator needs --offline demos/],
      [['--algo', 'bc', '--offline', 'demos:3', '--operator', 'ana'], /either the episodes or an operator/],
    ] as const) {
      expect(() => parseRunArgs(['--task', 'point-maze', ...argv])).toThrow(message)
    }
  })

  it('trains BC on exactly the named demonstration, and refuses a demonstration of another task', async () => {
    const db = join(dir, 'run.db')
    const ws = openWorkspace(db)
    let chosen: number
    let other: number
    try {
      chosen = await recordDemo(ws, 'reacher-arm', 5, 12, 'ana')
      await recordDemo(ws, 'reacher-arm', 6, 12, 'ana')
      other = await recordDemo(ws, 'point-maze', 1, 5, 'ana')
    } finally {
      ws.close()
    }
    const flags = [
      '--task',
      'reacher-arm',
      '--algo',
      'bc',
      '--budget',
      '30',
      '--eval-every',
      '10',
      '--eval-episodes',
      '2',
      '--db',
      db,
      '--json',
    ]
    const out = io()
    expect(await run.run([...flags, '--offline', `demos:${chosen}`], out)).toBe(0)
    const line = lastJson(out.out_)
    expect(line).toMatchObject({ offline: `demos:${chosen}`, status: 'finished' })
    const check = openWorkspace(db, { readonly: true })
    try {
      const steps = check.episodeInfo(chosen).steps
      const labels = check.db
        .prepare('SELECT source, episode_id, step_index, human_seconds FROM labels WHERE session_id = ?')
        .all(line.sessionId) as { source: string; episode_id: number; step_index: number; human_seconds: number }[]
      // fewer states than the budget: all of them, once each, and the session says so
      expect(labels.length).toBe(steps)
      expect(new Set(labels.map((l) => l.step_index)).size).toBe(steps)
      expect(labels.every((l) => l.source === 'demonstration' && l.episode_id === chosen && l.human_seconds >= 0)).toBe(
        true,
      )
      expect(line.note).toMatch(new RegExp(`hold ${steps} states, fewer than the offline share of 30`))
    } finally {
      check.close()
    }
    // refused in one line before a session is stored (main prints it after 'iwb run:')
    await expect(run.run([...flags, '--offline', `demos:${other}`, '--new'], io())).rejects.toThrow(
      new RegExp(`^episode ${other} is a demonstration of point-maze, not of reacher-arm$`),
    )
    const after = openWorkspace(db, { readonly: true })
    try {
      expect(after.listSessions()).toHaveLength(1)
    } finally {
      after.close()
    }
  }, 120_000)
})
