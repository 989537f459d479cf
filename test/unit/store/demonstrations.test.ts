// Demonstrations as a session's offline source, in a real SQLite workspace: the offline source stored with the
// session (schema 4) and compared by findFinished / findResumable, the demonstrations a session may draw from
// (and one-line refusals), the person's seconds per state and per query, and export / import with new ids.
import Database from 'better-sqlite3'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { join } from 'node:path'
import {
  exportWorkspace,
  importExport,
  loadDemonstrations,
  measureHumanCost,
  openWorkspace,
  resolveDemonstrations,
  returnPreview,
  type Workspace,
} from '../../../src/main/store'
import { SCHEMA_VERSION, migrate } from '../../../src/main/store/migrations'
import { fakeStep, sampleConfig, tempDir } from './helpers'

let tmp: ReturnType<typeof tempDir>
beforeEach(() => (tmp = tempDir()))
afterEach(() => tmp.cleanup())

function demo(
  ws: Workspace,
  steps: number,
  opts: { taskId?: string; operator?: string; keep?: boolean; tag?: number } = {},
): number {
  const rec = ws.startEpisode({
    taskId: opts.taskId ?? 'reacher',
    kind: 'demonstration',
    operator: opts.operator ?? null,
  })
  for (let i = 0; i < steps; i++) rec.append(fakeStep(opts.tag ?? 1, i))
  if (opts.keep === false) {
    rec.interrupt()
    return rec.episodeId
  }
  return rec.finish({ keep: true }).episodeId
}

/** Set an episode's recording time (the recorder stamps the wall clock; tests need known durations). */
function setDuration(ws: Workspace, episodeId: number, seconds: number): void {
  const start = Date.parse('2026-11-01T10:00:00.000Z')
  ws.db
    .prepare('UPDATE episodes SET created_at = ?, finished_at = ? WHERE id = ?')
    .run(new Date(start).toISOString(), new Date(start + seconds * 1000).toISOString(), episodeId)
}

const demos = (episodes: number[] | null, operator: string | null = null) => ({
  kind: 'demos' as const,
  episodes,
  operator,
})

describe('the offline source of a stored session', () => {
  it('is stored, read back, and tells configs apart when finding a session to reuse or resume', () => {
    const ws = openWorkspace(tmp.path('w.db'))
    try {
      const a = demo(ws, 5)
      const b = demo(ws, 6)
      const expertCfg = sampleConfig({ algo: 'bc' })
      const demoCfg = sampleConfig({ algo: 'bc', offline: demos([a, b]) })
      const one = ws.createSession(demoCfg)
      expect(ws.openSession(one.sessionId).config.offline).toEqual(demos([a, b]))
      expect(ws.sessionInfo(one.sessionId).offline).toEqual(demos([a, b]))
      expect(ws.findResumable(demoCfg)).toBe(one.sessionId)
      expect(ws.findResumable(expertCfg)).toBeNull()
      expect(ws.findResumable(sampleConfig({ algo: 'bc', offline: demos([a]) }))).toBeNull()
      one.setStatus('finished')
      expect(ws.findFinished(demoCfg)).toBe(one.sessionId)
      expect(ws.findFinished(sampleConfig({ algo: 'bc', offline: demos(null) }))).toBeNull()
      ws.setSessionNote(one.sessionId, 'all 11 states used')
      expect(ws.sessionInfo(one.sessionId).note).toBe('all 11 states used')
    } finally {
      ws.close()
    }
  })

  it('migrates a version-3 workspace: its sessions used the expert', () => {
    const file = tmp.path('old.db')
    const raw = new Database(file)
    migrate(raw, 3)
    raw
      .prepare(
        `INSERT INTO sessions (task_id, algo, warm_fraction, oracle, budget, seed, cost_ratio, schedule, loss, eval_every,
           eval_episodes, status, created_at) VALUES ('reacher', 'bc', NULL, 'expert', 10, 0, 1, 'incremental', 'nll', 5, 2, 'finished', 'x')`,
      )
      .run()
    raw.close()
    const ws = openWorkspace(file)
    try {
      expect(ws.schemaVersion).toBe(SCHEMA_VERSION)
      expect(ws.openSession(1).config.offline).toEqual({ kind: 'expert' })
      expect(ws.listEpisodes()).toEqual([])
    } finally {
      ws.close()
    }
  })
})

describe('the demonstrations a session draws from', () => {
  it('resolves all complete ones of the task (of one operator) and refuses bad choices in one line', () => {
    const ws = openWorkspace(tmp.path('w.db'))
    try {
      const ana1 = demo(ws, 5, { operator: 'ana' })
      const bob = demo(ws, 7, { operator: 'bob' })
      const ana2 = demo(ws, 3, { operator: 'ana' })
      const cut = demo(ws, 4, { keep: false })
      const other = demo(ws, 4, { taskId: 'point-maze' })
      expect(resolveDemonstrations(ws, 'reacher', demos(null))).toEqual([ana1, bob, ana2])
      expect(resolveDemonstrations(ws, 'reacher', demos(null, 'ana'))).toEqual([ana1, ana2])
      const bad: [ReturnType<typeof demos>, RegExp][] = [
        [demos(null, 'eve'), /no complete demonstrations of reacher by eve/],
        [demos([cut]), new RegExp(`demonstration ${cut} is not complete`)],
        [demos([other]), new RegExp(`episode ${other} is a demonstration of point-maze, not of reacher`)],
        [demos([999]), /no episode 999/],
      ]
      for (const [offline, message] of bad) {
        let err: Error | null = null
        try {
          resolveDemonstrations(ws, 'reacher', offline)
        } catch (e) {
          err = e as Error
        }
        expect(err?.message).toMatch(message)
        expect(err?.message).not.toContain('\n')
      }
      setDuration(ws, bob, 14)
      const loaded = loadDemonstrations(ws, 'reacher', demos([bob]))
      expect(loaded).toHaveLength(1)
      expect(loaded[0].secondsPerState).toBeCloseTo(14 / 7, 12)
      expect(loaded[0].steps.map((s) => Array.from(s.observation))).toEqual(
        Array.from({ length: 7 }, (_, i) => fakeStep(1, i).observation),
      )
      // the return so far at evenly spaced steps, ending with the episode's return
      const preview = returnPreview(ws, bob, 4)
      const rewards = Array.from({ length: 7 }, (_, i) => fakeStep(1, i).reward)
      expect(preview).toHaveLength(4)
      expect(preview[3]).toBe(rewards.reduce((a, r) => a + r, 0))
      expect(preview[0]).toBe(rewards[0])
    } finally {
      ws.close()
    }
  })

  it('travels with its session through export and import, with the new episode ids', () => {
    const ws = openWorkspace(tmp.path('a.db'))
    const target = openWorkspace(tmp.path('b.db'))
    try {
      demo(target, 2) // the target's ids differ from the source's
      const d1 = demo(ws, 4, { operator: 'ana' })
      const d2 = demo(ws, 5)
      const log = ws.createSession(sampleConfig({ algo: 'bc', offline: demos([d1, d2]) }))
      ws.setSessionNote(log.sessionId, 'a note')
      exportWorkspace(ws, join(tmp.dir, 'out'), { sessionIds: [log.sessionId] })
      // fakeStep's sizes, under the made-up task id these tests record with
      const r = importExport(target, join(tmp.dir, 'out'), {
        tasks: new Map([['reacher', { obsDim: 2, actDim: 2, stateSize: 4 }]]),
      })
      const imported = target.openSession(r.sessions.get(log.sessionId)!)
      const mapped = [r.episodes.get(d1)!, r.episodes.get(d2)!]
      expect(mapped).not.toEqual([d1, d2])
      expect(imported.config.offline).toEqual(demos(mapped))
      expect(target.sessionInfo(imported.sessionId).note).toBe('a note')
      expect(target.episodeInfo(mapped[0]).operator).toBe('ana')
    } finally {
      ws.close()
      target.close()
    }
  })
})

describe("the person's time", () => {
  it('prices a demonstration state, a query and a takeover state from the stored times', () => {
    const ws = openWorkspace(tmp.path('w.db'))
    try {
      const a = demo(ws, 10, { operator: 'ana' })
      const b = demo(ws, 30, { operator: 'bob' })
      setDuration(ws, a, 5)
      setDuration(ws, b, 6)
      const log = ws.createSession(sampleConfig({ oracle: 'human' }))
      const answered = [
        { issuedAt: 1000, committedAt: 3000, operator: 'ana' },
        { issuedAt: 5000, committedAt: 6500, operator: 'bob' },
        { issuedAt: 7000, committedAt: 7600, operator: 'ana' },
      ]
      for (const q of answered)
        log.addQuery({
          labelId: null,
          firstInputAt: null,
          abandonedAt: null,
          proposedAction: [0],
          answer: [1],
          disagreement: 1,
          ...q,
        })
      log.addQuery({
        labelId: null,
        issuedAt: 9000,
        firstInputAt: null,
        committedAt: null,
        abandonedAt: 9900,
        proposedAction: [0],
        answer: null,
        disagreement: null,
        operator: 'ana',
      })
      for (const s of [0.2, 0.4])
        log.addLabel({
          source: 'intervention',
          cost: 2,
          observation: [0],
          state: null,
          action: [0],
          humanSeconds: s,
          episodeId: null,
          stepIndex: 0,
        })

      const all = measureHumanCost(ws, { taskId: 'reacher' })
      expect(all).toMatchObject({ demos: 2, demoStates: 40, queries: 3, takeoverStates: 2 })
      expect(all.secondsPerDemoState).toBeCloseTo((5 + 6) / 40, 12)
      expect(all.secondsPerQuery).toBeCloseTo((2 + 1.5 + 0.6) / 3, 12)
      expect(all.secondsPerTakeoverState).toBeCloseTo(0.3, 12)
      expect(all.costRatio).toBeCloseTo(all.secondsPerQuery! / all.secondsPerDemoState!, 12)
      expect(all.costRatioBand!.lo).toBeLessThanOrEqual(all.costRatio!)
      expect(all.costRatioBand!.hi).toBeGreaterThanOrEqual(all.costRatio!)
      expect(all.costRatioBand!.hi).toBeGreaterThan(all.costRatioBand!.lo)

      const ana = measureHumanCost(ws, { taskId: 'reacher', operator: 'ana' })
      expect(ana).toMatchObject({ demos: 1, demoStates: 10, queries: 2 })
      expect(ana.costRatio).toBeCloseTo((2 + 0.6) / 2 / (5 / 10), 12)
      expect(measureHumanCost(ws, { taskId: 'point-maze' })).toMatchObject({
        demos: 0,
        queries: 0,
        costRatio: null,
        costRatioBand: null,
      })
    } finally {
      ws.close()
    }
  })
})
