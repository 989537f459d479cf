import Database from 'better-sqlite3'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { copyFileSync } from 'node:fs'
import { APPLICATION_ID, SCHEMA_VERSION, migrate, migrations } from '../../../src/main/store/migrations'
import { openWorkspace } from '../../../src/main/store/workspace'
import { StoreError } from '../../../src/main/store/errors'
import { sha256, tempDir } from './helpers'

let tmp: ReturnType<typeof tempDir>
beforeEach(() => (tmp = tempDir()))
afterEach(() => tmp.cleanup())

/** Rows valid in the version-1 schema, so every later migration must carry them forward. */
function seedVersion1(db: Database.Database): void {
  const now = new Date().toISOString()
  // warm_fraction was a column until schema 15 moved the parameters into algo_params
  const version = db.pragma('user_version', { simple: true }) as number
  db.prepare(
    `INSERT INTO sessions (id, task_id, algo, ${version < 15 ? 'warm_fraction, ' : ''}oracle, budget, seed, cost_ratio, schedule, loss, eval_every,
       eval_episodes, status, created_at) VALUES (1, 'reacher', 'dagger', ${version < 15 ? 'NULL, ' : ''}'expert', 50, 3, 1, 'incremental', 'nll', 10, 2, 'running', ?)`,
  ).run(now)
  db.prepare(
    `INSERT INTO episodes (id, task_id, session_id, kind, complete, ret, steps, created_at) VALUES (1, 'reacher', NULL, 'demonstration', 1, 4.5, 1, ?)`,
  ).run(now)
  // An episode a v1 recorder left unfinished: recovered as interrupted after the upgrade.
  db.prepare(
    `INSERT INTO episodes (id, task_id, session_id, kind, complete, ret, steps, created_at) VALUES (2, 'reacher', 1, 'rollout', 0, 0, 0, ?)`,
  ).run(now)
  const v = Buffer.from(new Float64Array([1, 2]).buffer)
  db.prepare(
    `INSERT INTO steps (episode_id, idx, state, observation, action, reward, source) VALUES (1, 0, ?, ?, ?, 4.5, 'demonstration')`,
  ).run(v, v, v)
  db.prepare(
    `INSERT INTO labels (session_id, source, cost, observation, state, action, human_seconds, episode_id, step_index, created_at)
     VALUES (1, 'offline', 1, ?, NULL, ?, NULL, 1, 0, ?)`,
  ).run(v, v, now)
  db.prepare(
    `INSERT INTO evaluations (session_id, labels, cost, human_seconds, returns, mean, std, created_at) VALUES (1, 1, 1, 0, '[3,5]', 4, 1, ?)`,
  ).run(now)
}

describe('migrations', () => {
  it('keeps at least two numbered migrations in order', () => {
    expect(migrations.length).toBeGreaterThanOrEqual(2)
    migrations.forEach((m, i) => expect(m.version).toBe(i + 1))
    expect(SCHEMA_VERSION).toBe(migrations.length)
  })

  it('creates the current schema in a new file with WAL, foreign keys and the application id', () => {
    const ws = openWorkspace(tmp.path('new.db'))
    expect(ws.schemaVersion).toBe(SCHEMA_VERSION)
    expect(ws.db.pragma('journal_mode', { simple: true })).toBe('wal')
    expect(ws.db.pragma('foreign_keys', { simple: true })).toBe(1)
    expect(ws.db.pragma('application_id', { simple: true })).toBe(APPLICATION_ID)
    ws.close()
  })

  for (let from = 1; from < SCHEMA_VERSION; from++) {
    it(`upgrades a version-${from} file and keeps its data`, () => {
      const file = tmp.path(`v${from}.db`)
      const raw = new Database(file)
      migrate(raw, from)
      expect(raw.pragma('user_version', { simple: true })).toBe(from)
      seedVersion1(raw)
      raw.close()

      const ws = openWorkspace(file)
      expect(ws.schemaVersion).toBe(SCHEMA_VERSION)
      const sessions = ws.listSessions()
      expect(sessions).toHaveLength(1)
      expect(sessions[0]).toMatchObject({
        id: 1,
        labels: 1,
        cost: 1,
        lastReturn: 4,
        status: 'running',
      })
      const demo = ws.loadEpisode(1)
      expect(demo.info).toMatchObject({
        complete: true,
        interrupted: false,
        steps: 1,
        ret: 4.5,
      })
      expect(Array.from(demo.steps[0].state)).toEqual([1, 2])
      expect(ws.episodeInfo(2)).toMatchObject({
        complete: false,
        interrupted: true,
      })
      // evaluations from before success rates (7) and coverage (13) were stored: NULL, not 0
      expect(ws.openSession(1).evaluations()).toMatchObject([{ returns: [3, 5], successRate: null, coverage: null }])
      expect(ws.openSession(1).labels()[0]).toMatchObject({
        episodeId: 1,
        stepIndex: 0,
        source: 'offline',
      })
      ws.close()
    })
  }

  it('refuses a file from a newer workbench and leaves it byte-for-byte unchanged', () => {
    const file = tmp.path('future.db')
    openWorkspace(file).close()
    const raw = new Database(file)
    raw.pragma(`user_version = ${SCHEMA_VERSION + 5}`)
    raw.close()
    const before = sha256(file)
    let error: unknown
    try {
      openWorkspace(file)
    } catch (err) {
      error = err
    }
    expect(error).toBeInstanceOf(StoreError)
    expect((error as StoreError).code).toBe('too-new')
    expect((error as StoreError).message).toMatch(/newer workbench/)
    expect(sha256(file)).toBe(before)
    expect(() => openWorkspace(file, { readonly: true })).toThrow(/understands up to/)
    expect(sha256(file)).toBe(before)
  })

  it('checks a file whose content is still only in its -wal (a crash before the first checkpoint)', () => {
    const file = tmp.path('walonly.db')
    const live = new Database(file)
    live.pragma('journal_mode = WAL')
    live.pragma('wal_autocheckpoint = 0')
    migrate(live)
    live.pragma(`user_version = ${SCHEMA_VERSION + 1}`)
    // Copy the pair while the connection is open: what a crash would leave behind.
    const copy = tmp.path('copy.db')
    copyFileSync(file, copy)
    copyFileSync(`${file}-wal`, `${copy}-wal`)
    live.close()
    expect(() => openWorkspace(copy)).toThrow(expect.objectContaining({ code: 'too-new' }))
  })

  it('refuses a read-only open of an older file instead of migrating it', () => {
    const file = tmp.path('old.db')
    const raw = new Database(file)
    migrate(raw, 1)
    raw.close()
    const before = sha256(file)
    expect(() => openWorkspace(file, { readonly: true })).toThrow(expect.objectContaining({ code: 'needs-migration' }))
    expect(sha256(file)).toBe(before)
  })
})
