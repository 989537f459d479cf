// The algorithm's version in a session's configuration: sessions stored before the stamp (a version-8 workspace)
// are version 1, so an old DAgger or WARM-STAGGER session (run the old way) is never reused, resumed or queued as
// today's, while BC and STAGGER (unchanged) still are; old sessions still list and export with their version.
import Database from 'better-sqlite3'
import { readFileSync } from 'node:fs'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ALGO_VERSIONS, sessionConfig, type SessionConfigInput } from '../../../src/shared/session-config'
import { MemorySessionLog } from '../../../src/main/learn/session-log'
import { runSession } from '../../../src/main/learn/session-runner'
import { jobIdFor } from '../../../src/main/session/queue'
import { planSession } from '../../../src/main/session/sweep'
import { exportWorkspace, importExport, openWorkspace } from '../../../src/main/store'
import { migrate } from '../../../src/main/store/migrations'
import { tempDir } from './helpers'

let tmp: ReturnType<typeof tempDir>
beforeEach(() => (tmp = tempDir()))
afterEach(() => tmp.cleanup())

const base = { taskId: 'reacher-arm', budget: 20, seed: 5, evalEvery: 10, evalEpisodes: 2 } as const
const cfg = (over: Partial<SessionConfigInput>) => sessionConfig({ ...base, algo: 'stagger', ...over })

/** A workspace from before the stamp (schema 8) holding finished and paused sessions of `algos`. */
function oldWorkspace(file: string, rows: { algo: string; warmFraction?: number; status: string }[]): void {
  const raw = new Database(file)
  migrate(raw, 8)
  for (const r of rows)
    raw
      .prepare(
        `INSERT INTO sessions (task_id, algo, warm_fraction, oracle, budget, seed, cost_ratio, schedule, loss,
           eval_every, eval_episodes, status, created_at) VALUES (?, ?, ?, 'expert', ?, ?, 1, 'incremental', 'nll', ?, ?, ?, '2026-11-01T00:00:00.000Z')`,
      )
      .run(
        base.taskId,
        r.algo,
        r.warmFraction ?? null,
        base.budget,
        base.seed,
        base.evalEvery,
        base.evalEpisodes,
        r.status,
      )
  raw.close()
}

describe("the algorithm's version in the session config", () => {
  it('reuses only sessions run by the same version of their algorithm', () => {
    expect(ALGO_VERSIONS.dagger).toBeGreaterThan(1)
    expect(ALGO_VERSIONS['warm-stagger']).toBeGreaterThan(1)
    const file = tmp.path('old.db')
    oldWorkspace(file, [
      { algo: 'dagger', status: 'finished' }, // 1
      { algo: 'warm-stagger', warmFraction: 0.5, status: 'finished' }, // 2
      { algo: 'bc', status: 'finished' }, // 3
      { algo: 'stagger', status: 'finished' }, // 4
      { algo: 'dagger', status: 'paused' }, // 5
    ])
    const ws = openWorkspace(file)
    try {
      expect(ws.openSession(1).config.algoVersion).toBe(1)
      // unchanged algorithms: the old finished sessions are today's
      expect(planSession(ws, cfg({ algo: 'bc' }))).toMatchObject({ kind: 'finished', sessionId: 3 })
      expect(planSession(ws, cfg({ algo: 'stagger' }))).toMatchObject({ kind: 'finished', sessionId: 4 })
      // changed ones: neither the finished nor the paused old session is taken
      const dagger = cfg({ algo: 'dagger' })
      expect(dagger.algoVersion).toBe(ALGO_VERSIONS.dagger)
      expect(ws.findFinished(dagger)).toBeNull()
      expect(ws.findResumable(dagger)).toBeNull()
      const fresh = planSession(ws, dagger)!
      expect(fresh.kind).toBe('new')
      expect(planSession(ws, cfg({ algo: 'warm-stagger' }))!.kind).toBe('new')
      // a session of today's version is found again, and only that one
      ws.openSession(fresh.sessionId).setStatus('finished')
      expect(planSession(ws, dagger)).toMatchObject({ kind: 'finished', sessionId: fresh.sessionId })
      expect(ws.openSession(fresh.sessionId).config.algoVersion).toBe(ALGO_VERSIONS.dagger)

      // Old sessions still list and export, with their version; an import keeps it (and still does not reuse it).
      expect(ws.listSessions().map((s) => s.id)).toEqual([1, 2, 3, 4, 5, 6, 7])
      exportWorkspace(ws, tmp.path('export'), { sessionIds: [1] })
      const row = JSON.parse(readFileSync(tmp.path('export/sessions.jsonl'), 'utf8').split('\n')[0])
      expect(row).toMatchObject({ algo: 'dagger', algoVersion: 1 })
      const other = openWorkspace(tmp.path('other.db'))
      try {
        importExport(other, tmp.path('export'), {
          tasks: new Map([['reacher-arm', { obsDim: 1, actDim: 1, stateSize: 1 }]]),
        })
        expect(other.openSession(1).config).toMatchObject({ algo: 'dagger', algoVersion: 1 })
        expect(other.findFinished(dagger)).toBeNull()
      } finally {
        other.close()
      }
    } finally {
      ws.close()
    }
  })

  it("refuses to run, queue or continue another version's session, in one line", async () => {
    const dagger = cfg({ algo: 'dagger' })
    expect(() => cfg({ algo: 'dagger', algoVersion: 1 })).toThrow(
      /^session config: algoVersion: this workbench runs dagger version 2, not 1 \(older sessions are shown and exported, not run\)$/,
    )
    // the version is part of what the queue's job id hashes
    expect(jobIdFor(dagger)).toMatch(/^session-[0-9a-f]{40}$/)
    expect(() => jobIdFor({ ...dagger, algoVersion: 1 })).toThrow(/dagger version 2, not 1/)
    const old = new MemorySessionLog({ ...dagger, algoVersion: 1 })
    await expect(
      runSession({ log: old, makeEnv: () => Promise.reject(new Error('not reached')) } as never),
    ).rejects.toThrow(
      /^this session ran dagger version 1; this workbench runs version 2 and cannot continue it \(start a new session\)$/,
    )
    expect(old.status).not.toBe('failed')
  })
})
