// A WARM-STAGGER session forks from its BC twin (shared/warm-fork.ts, session/warm-fork.ts): started in a workspace
// that holds its BC twin, it copies the twin's offline prefix and stores exactly what the same configuration stores
// when run from scratch; a BC session of another seed or another offline source is no twin.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import type { SessionProgress } from '../../../src/main/learn/session-runner'
import { SessionHost } from '../../../src/main/session/host'
import { openWorkspace, type Workspace } from '../../../src/main/store'
import { offlineShare, sessionConfig, type SessionConfigInput } from '../../../src/shared/session-config'
import { FORK_PHASE, forkPhase, isTwin, keepsForkCheckpoint } from '../../../src/shared/warm-fork'
import { expectClose, query, storedSession } from './helpers'

const dir = mkdtempSync(join(tmpdir(), 'iwb-fork-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const BASE = {
  taskId: 'reacher-arm',
  budget: 40,
  seed: 3,
  evalEvery: 10,
  evalEpisodes: 2,
} as const
const BC = sessionConfig({ ...BASE, algo: 'bc' })
// offline share 20 (a kept point of BC's: 10, 20), then 10 queries at cost 2
const WARM = sessionConfig({ ...BASE, algo: 'warm-stagger', algoParams: { fraction: 0.5 }, costRatio: 2 })

async function host(ws: Workspace, input: SessionConfigInput): Promise<{ sessionId: number; phases: string[] }> {
  const sessionId = ws.createSession(sessionConfig(input)).sessionId
  const phases: string[] = []
  const h = new SessionHost({
    ws,
    sessionId,
    owner: 'warm-fork test',
    onProgress: (p: SessionProgress) => phases.push(p.phase),
  })
  const outcome = await h.done
  expect(outcome.error).toBeNull()
  expect(outcome.status).toBe('finished')
  return { sessionId, phases }
}

/** Every stored field of a session's labels and queries, in order (timings aside). */
function storedRows(file: string, sessionId: number): unknown[] {
  return [
    query(
      file,
      'SELECT source, cost, observation, state, action, human_seconds, episode_id, step_index FROM labels WHERE session_id = ? ORDER BY id',
      sessionId,
    ),
    query(
      file,
      `SELECT q.proposed_action, q.answer, q.disagreement, l.step_index FROM queries q LEFT JOIN labels l ON l.id = q.label_id
       WHERE q.session_id = ? ORDER BY q.id`,
      sessionId,
    ),
    query(file, 'SELECT labels, weights FROM policies WHERE session_id = ? ORDER BY id', sessionId),
  ]
}

describe('WARM-STAGGER forked from its BC twin', () => {
  it('stores exactly what the same configuration stores from scratch', async () => {
    const forkedDb = join(dir, 'forked.db')
    const ws = openWorkspace(forkedDb)
    const freshDb = join(dir, 'fresh.db')
    const fresh = openWorkspace(freshDb)
    try {
      // From scratch in a second workspace, beside the twin (two cores).
      const [bc, scratch] = await Promise.all([host(ws, BC), host(fresh, WARM)])
      expect(
        query<{ labels: number }>(
          forkedDb,
          'SELECT labels FROM session_fork_checkpoints WHERE session_id = ? ORDER BY labels',
          bc.sessionId,
        ).map((r) => r.labels),
      ).toEqual([10, 20])
      const forked = await host(ws, WARM)
      expect(forked.phases.filter((p) => FORK_PHASE.test(p))).toEqual([
        forkPhase(`BC session ${bc.sessionId}`, offlineShare(WARM)),
      ])

      expect(scratch.phases.some((p) => FORK_PHASE.test(p))).toBe(false)

      const a = storedSession(forkedDb, forked.sessionId)
      const b = storedSession(freshDb, scratch.sessionId)
      expect(a.labels.length).toBe(20 + 10)
      expect(a.labels.filter((l) => l.source === 'query').length).toBe(10)
      expect(expectClose(a, b, 0)).toBeNull()
      expect(storedRows(forkedDb, forked.sessionId)).toEqual(storedRows(freshDb, scratch.sessionId))
      // The copy kept the twin's prefix: its first 20 labels are the BC session's, written when BC ran.
      const made = (db: string, id: number): string[] =>
        query<{ created_at: string }>(
          db,
          'SELECT created_at FROM labels WHERE session_id = ? ORDER BY id LIMIT 20',
          id,
        ).map((r) => r.created_at)
      expect(made(forkedDb, forked.sessionId)).toEqual(made(forkedDb, bc.sessionId))

      // Another offline source, or another seed, finds no twin; a smaller share, the largest kept point below it.
      expect(ws.findTwin(sessionConfig({ ...WARM, offline: { kind: 'demos', episodes: [1] } }), 20)).toBeNull()
      expect(ws.findTwin(sessionConfig({ ...WARM, seed: 4 }), 20)).toBeNull()
      expect(ws.findTwin(WARM, 19)?.checkpoint.labels).toBe(10)
      expect(ws.findTwin(WARM, 20)?.sessionId).toBe(bc.sessionId)
    } finally {
      ws.close()
      fresh.close()
    }
  }, 120_000)

  it('takes as twin only a BC session whose first labels and curve are the WARM-STAGGER session’s', () => {
    expect(isTwin(BC, WARM)).toBe(true)
    // budget, cost ratio and oracle do not change BC's prefix
    expect(isTwin(sessionConfig({ ...BC, budget: 1000 }), WARM)).toBe(true)
    expect(isTwin(sessionConfig({ ...BC, oracle: 'human' }), WARM)).toBe(true)
    const changes: Partial<SessionConfigInput>[] = [
      { seed: 4 },
      { offline: { kind: 'demos', episodes: [1] } },
      { evalEvery: 5 },
      { evalEpisodes: 3 },
      { loss: 'mse' },
      { schedule: 'scratch' },
      { taskId: 'cartpole' },
    ]
    for (const change of changes)
      expect(isTwin(sessionConfig({ ...BC, ...change }), WARM), JSON.stringify(change)).toBe(false)
    expect(isTwin({ ...BC, algoVersion: 2 }, WARM)).toBe(false)
    expect(isTwin(sessionConfig({ ...BASE, algo: 'stagger' }), WARM)).toBe(false)
  })

  it('keeps at most 20 fork checkpoints, at evaluation points up to half the budget, for BC only', () => {
    const kept = (c: SessionConfigInput): number[] => {
      const config = sessionConfig(c)
      return Array.from({ length: config.budget + 1 }, (_, n) => n).filter((n) => keepsForkCheckpoint(config, n))
    }
    expect(kept({ taskId: 'hopper', algo: 'bc', budget: 1000, evalEvery: 50 })).toEqual([
      50, 100, 150, 200, 250, 300, 350, 400, 450, 500,
    ])
    const dense = kept({ taskId: 'hopper', algo: 'bc', budget: 1000, evalEvery: 1 })
    expect(dense.length).toBeLessThanOrEqual(20)
    expect(dense[dense.length - 1]).toBeLessThanOrEqual(500)
    expect(kept({ taskId: 'hopper', algo: 'warm-stagger', budget: 1000, evalEvery: 50 })).toEqual([])
  })
})
