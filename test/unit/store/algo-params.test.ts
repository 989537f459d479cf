// The algorithm's parameters as JSON (schema 15): a workspace from before keeps its sessions' parameters, they are
// still found for reuse by today's configurations, and exports old and new carry the same parameters.
import Database from 'better-sqlite3'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { migrate } from '../../../src/main/store/migrations'
import { openWorkspace } from '../../../src/main/store/workspace'
import { exportWorkspace } from '../../../src/main/store/export'
import { importExport } from '../../../src/main/store/import'
import { sessionConfig } from '../../../src/shared/session-config'
import { CARTPOLE, sha256, tempDir } from './helpers'

let tmp: ReturnType<typeof tempDir>
beforeEach(() => (tmp = tempDir()))
afterEach(() => tmp.cleanup())

const base = { taskId: 'cartpole', budget: 20, seed: 5, evalEvery: 10, evalEpisodes: 2 } as const
/** 0.1 + 0.2: a double whose shortest text has 17 digits, the kind SQL's number formatting could change */
const ODD = 0.1 + 0.2

/** A schema-14 workspace with one finished session per row, its parameters in the old columns. */
function schema14(file: string, rows: { algo: string; warm?: number; states?: number }[]): void {
  const raw = new Database(file)
  migrate(raw, 14)
  const insert = raw.prepare(
    `INSERT INTO sessions (task_id, algo, warm_fraction, dagger_states, oracle, budget, seed, cost_ratio, schedule,
       loss, eval_every, eval_episodes, status, created_at, algo_version)
     VALUES (?, ?, ?, ?, 'expert', ?, ?, 1, 'incremental', 'nll', ?, ?, 'finished', '2026-11-01T00:00:00.000Z', ?)`,
  )
  for (const r of rows)
    insert.run(
      base.taskId,
      r.algo,
      r.warm ?? null,
      r.states ?? null,
      base.budget,
      base.seed,
      base.evalEvery,
      base.evalEpisodes,
      r.algo === 'dagger' || r.algo === 'warm-stagger' ? 2 : 1,
    )
  raw.close()
}

const ROWS = [
  { algo: 'warm-stagger', warm: ODD }, // 1
  { algo: 'warm-stagger', warm: 0.5 }, // 2
  { algo: 'dagger', states: 7 }, // 3
  { algo: 'dagger' }, // 4
  { algo: 'stagger' }, // 5
  { algo: 'hg-dagger' }, // 6
]
/** Today's configurations of the same sessions, in ROWS' order. */
const TODAY = [
  sessionConfig({ ...base, algo: 'warm-stagger', algoParams: { fraction: ODD } }),
  sessionConfig({ ...base, algo: 'warm-stagger' }),
  sessionConfig({ ...base, algo: 'dagger', algoParams: { states: 7 } }),
  sessionConfig({ ...base, algo: 'dagger' }),
  sessionConfig({ ...base, algo: 'stagger' }),
  sessionConfig({ ...base, algo: 'hg-dagger' }),
]

describe("the algorithm's parameters as JSON", () => {
  it('moves warm_fraction and dagger_states into algo_params; stored sessions are still found for reuse', () => {
    const file = tmp.path('old.db')
    schema14(file, ROWS)
    const ws = openWorkspace(file)
    try {
      const cols = (ws.db.prepare('PRAGMA table_info(sessions)').all() as { name: string }[]).map((c) => c.name)
      expect(cols).toContain('algo_params')
      expect(cols).not.toContain('warm_fraction')
      expect(cols).not.toContain('dagger_states')
      expect([1, 2, 3, 4, 5, 6].map((id) => ws.openSession(id).config.algoParams)).toEqual([
        { fraction: ODD },
        { fraction: 0.5 },
        { states: 7 },
        { states: null },
        {},
        { before: 10, weighting: 'none' },
      ])
      TODAY.forEach((c, i) => expect(ws.findFinished(c), c.algo).toBe(i + 1))
      // another parameter is another session
      expect(ws.findFinished(sessionConfig({ ...base, algo: 'dagger', algoParams: { states: 8 } }))).toBeNull()
      expect(ws.listSessions().find((s) => s.id === 1)?.algoParams).toEqual({ fraction: ODD })
    } finally {
      ws.close()
    }
  })

  it('exports the parameters as algoParams and imports an older export that had warmFraction and daggerStates', () => {
    const file = tmp.path('old.db')
    schema14(file, ROWS)
    const ws = openWorkspace(file)
    const out = tmp.path('export')
    try {
      exportWorkspace(ws, out)
    } finally {
      ws.close()
    }
    const rowsFile = join(out, 'sessions.jsonl')
    const rows = readFileSync(rowsFile, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, unknown>)
    expect(rows.map((r) => r.algoParams)).toEqual(TODAY.map((c) => c.algoParams))
    expect(rows.every((r) => !('warmFraction' in r) && !('daggerStates' in r))).toBe(true)
    // the same rows as an export before schema 15 wrote them
    const old = rows.map(({ algoParams, ...r }) => {
      const p = algoParams as { fraction?: number; states?: number | null }
      return { ...r, warmFraction: p.fraction ?? null, daggerStates: r.algo === 'dagger' ? p.states : null }
    })
    writeFileSync(rowsFile, old.map((r) => JSON.stringify(r)).join('\n') + '\n')
    const manifestFile = join(out, 'manifest.json')
    const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as { files: Record<string, { sha256: string }> }
    manifest.files['sessions.jsonl'].sha256 = sha256(rowsFile)
    writeFileSync(manifestFile, JSON.stringify(manifest))
    const dst = openWorkspace(tmp.path('dst.db'))
    try {
      const r = importExport(dst, out, { tasks: new Map([['cartpole', CARTPOLE]]) })
      expect(r.sessions.size).toBe(ROWS.length)
      TODAY.forEach((c, i) => expect(dst.findFinished(c), c.algo).toBe(r.sessions.get(i + 1)))
    } finally {
      dst.close()
    }
  })
})
