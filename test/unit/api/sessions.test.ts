// sessions.* and queries.*: a STAGGER session with a person as the oracle, answered through the in-process API
// (answers from the task's scripted expert), in a real SQLite workspace, with a real session worker thread.
import Database from 'better-sqlite3'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { QueryPrompt } from '../../../src/shared/contract'
import { policyClass } from '../../../src/shared/policy-config'
import { createWorkbench, type Workbench } from '../../../src/main/api/compose'
import type { ServiceFactory } from '../../../src/main/api/service-types'
import { connectInProcess, type InProcessApi } from '../../../src/main/api/in-process'
import { compareService } from '../../../src/main/api/services/compare'
import { jobsService } from '../../../src/main/api/services/jobs'
import { queriesService } from '../../../src/main/api/services/queries'
import { makeSessionsService } from '../../../src/main/api/services/sessions'
import { expertFor } from '../../../src/main/experts/registry'
import { policyFromSpec } from '../../../src/main/sim/policy-spec'
import { taskInfo } from '../../../src/main/sim/registry'
import { openWorkspace } from '../../../src/main/store'
import { waitFor } from '../../wait-for'

const TASK = 'reacher-arm'
const services: ServiceFactory[] = [
  makeSessionsService({ evalWorkers: 0 }),
  queriesService,
  compareService,
  jobsService,
]
const expert = policyFromSpec(expertFor(TASK))

interface QueryRow {
  label_id: number | null
  issued_at: number
  first_input_at: number | null
  committed_at: number | null
  abandoned_at: number | null
  disagreement: number | null
  operator: string | null
}

function rows<T>(file: string, sql: string, ...args: unknown[]): T[] {
  const db = new Database(file, { readonly: true })
  try {
    return db.prepare(sql).all(...args) as T[]
  } finally {
    db.close()
  }
}

/** Prompts as they arrive, one at a time. */
function inbox(api: InProcessApi): { next(ms?: number): Promise<QueryPrompt>; count(): number } {
  const queue: QueryPrompt[] = []
  let seen = 0
  api.on('query.prompt', (p) => {
    queue.push(p)
    seen++
  })
  return {
    async next(ms = 30_000) {
      await waitFor(() => queue.length > 0, { timeoutMs: ms, intervalMs: 10, message: 'a query prompt' })
      return queue.shift()!
    },
    count: () => seen,
  }
}

async function settle(api: InProcessApi, id: number, ms = 30_000): Promise<string> {
  return waitFor(
    async () => {
      const s = (await api.call('sessions.list', {})).find((x) => x.id === id)!
      return ['running', 'created'].includes(s.status) ? null : s.status
    },
    { timeoutMs: ms, intervalMs: 50, message: `session ${id} to end` },
  )
}

describe('sessions with a human oracle', () => {
  let dir: string
  let file: string
  let wb: Workbench
  let api: InProcessApi

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'iwb-sessions-'))
    file = join(dir, 'ws.sqlite')
    wb = await createWorkbench({ workspaceFile: file }, services)
    api = connectInProcess(wb.handlers, wb.broadcaster)
  })

  afterEach(async () => {
    api.close()
    await wb.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('records labels (cost C each), abandoned skips and the page timings in the store', async () => {
    const prompts = inbox(api)
    const session = await api.call('sessions.start', {
      taskId: TASK,
      algo: 'stagger',
      oracle: 'human',
      budget: 6,
      costRatio: 2,
      seed: 3,
      evalEvery: 2,
      evalEpisodes: 2,
    })
    expect(session.status).toBe('running')

    // First prompt: the queried frame, the lead-up second of the rollout, the learner's proposal.
    const p1 = await prompts.next()
    expect(p1.sessionId).toBe(session.id)
    expect(p1.observation).toHaveLength(taskInfo(TASK).obsDim)
    expect(p1.proposedAction).toHaveLength(taskInfo(TASK).actDim)
    expect(p1.frame.xpos.length).toBeGreaterThan(0)
    expect(p1.lead.length).toBeGreaterThan(0)
    expect(p1.lead.length).toBeLessThanOrEqual(25)
    expect(p1.lead[p1.lead.length - 1].step).toBe(p1.frame.step - 1)
    expect(await api.call('queries.pending', {})).toEqual([p1])

    // A malformed answer is refused and leaves the query open.
    await expect(
      api.call('queries.answer', { queryId: p1.queryId, action: [1], commitMs: 10, firstInputMs: null }),
    ).rejects.toThrow(/takes 2/)
    await expect(
      api.callRaw('queries.answer', {
        queryId: p1.queryId,
        action: [0, Number.POSITIVE_INFINITY],
        commitMs: 10,
        firstInputMs: null,
      }),
    ).rejects.toThrow(/invalid input/)

    const a1 = Array.from(expert.act(Float64Array.from(p1.observation)))
    const r1 = await api.call('queries.answer', {
      queryId: p1.queryId,
      action: a1,
      firstInputMs: 120,
      commitMs: 1500,
      operator: 'ada',
    })
    expect(r1).toEqual({ ok: true, labels: 1, cost: 2 })
    await expect(
      api.call('queries.answer', { queryId: p1.queryId, action: a1, firstInputMs: 1, commitMs: 2 }),
    ).rejects.toThrow(/query \d+ was answered already on this page/)

    // Second prompt: skipped, no label.
    const p2 = await prompts.next()
    expect(await api.call('queries.skip', { queryId: p2.queryId })).toEqual({ ok: true })
    expect(await api.call('queries.skip', { queryId: p2.queryId })).toEqual({ ok: false })

    // Then answer until the budget (6 / C=2 = 3 labels) is spent.
    const counts: number[] = []
    for (let i = 0; i < 2; i++) {
      const p = await prompts.next()
      const a = Array.from(expert.act(Float64Array.from(p.observation)))
      const r = await api.call('queries.answer', { queryId: p.queryId, action: a, firstInputMs: null, commitMs: 800 })
      counts.push(r.labels, r.cost)
    }
    // Each answer's reply counts its own label.
    expect(counts).toEqual([2, 4, 3, 6])
    expect(await settle(api, session.id)).toBe('finished')

    const labels = rows<{ source: string; cost: number; human_seconds: number }>(
      file,
      'SELECT source, cost, human_seconds FROM labels WHERE session_id = ? ORDER BY id',
      session.id,
    )
    expect(labels.map((l) => l.source)).toEqual(['query', 'query', 'query'])
    expect(labels.map((l) => l.cost)).toEqual([2, 2, 2])
    expect(labels.map((l) => l.human_seconds)).toEqual([1.5, 0.8, 0.8])

    const queries = rows<QueryRow>(file, 'SELECT * FROM queries WHERE session_id = ? ORDER BY id', session.id)
    expect(queries).toHaveLength(4)
    const [q1, q2] = queries
    expect(q1.label_id).not.toBeNull()
    expect(q1.operator).toBe('ada')
    expect(q1.first_input_at! - q1.issued_at).toBe(120)
    expect(q1.committed_at).toBeGreaterThanOrEqual(q1.issued_at)
    expect(q1.disagreement).toBeGreaterThanOrEqual(0)
    expect(q2.label_id).toBeNull()
    expect(q2.abandoned_at).not.toBeNull()
    expect(q2.committed_at).toBeNull()
    expect(queries.filter((q) => q.label_id !== null)).toHaveLength(3)

    const info = (await api.call('sessions.list', {})).find((s) => s.id === session.id)!
    expect(info).toMatchObject({ labels: 3, cost: 6, humanSeconds: 3.1, status: 'finished' })
    const [curve] = await api.call('sessions.curves', { sessionIds: [session.id] })
    expect(curve.points.length).toBeGreaterThanOrEqual(2)
    expect(curve.points[curve.points.length - 1]).toMatchObject({ labels: 3, cost: 6 })
  })

  it('pauses when the page goes away (query abandoned), and resumes after a restart from the stored labels', async () => {
    const prompts = inbox(api)
    const session = await api.call('sessions.start', {
      taskId: TASK,
      algo: 'stagger',
      oracle: 'human',
      budget: 3,
      costRatio: 1,
      seed: 5,
      evalEvery: 10,
      evalEpisodes: 1,
    })
    const p1 = await prompts.next()
    await api.call('queries.answer', {
      queryId: p1.queryId,
      action: Array.from(expert.act(Float64Array.from(p1.observation))),
      firstInputMs: 50,
      commitMs: 400,
    })
    await prompts.next() // waiting when the page closes
    api.close()
    // The page was the last one: the session pauses and its waiting query is abandoned without a label.
    const probe = connectInProcess(wb.handlers, wb.broadcaster)
    expect(await settle(probe, session.id)).toBe('paused')
    probe.close()

    // The app dies while the session runs: the file says 'running'.
    await wb.close()
    const ws = openWorkspace(file)
    ws.openSession(session.id).setStatus('running')
    expect(ws.sessionInfo(session.id)).toMatchObject({ labels: 1, status: 'running' })
    ws.close()
    expect(
      rows<QueryRow>(file, 'SELECT * FROM queries WHERE session_id = ? ORDER BY id', session.id).map(
        (q) => q.label_id === null,
      ),
    ).toEqual([false, true])

    wb = await createWorkbench({ workspaceFile: file }, services)
    api = connectInProcess(wb.handlers, wb.broadcaster)
    const again = inbox(api)
    const listed = (await api.call('sessions.list', {})).find((s) => s.id === session.id)!
    expect(listed).toMatchObject({ status: 'paused', labels: 1 })
    const resumed = await api.call('sessions.control', { sessionId: session.id, command: 'resume' })
    expect(resumed.status).toBe('running')
    for (let i = 0; i < 2; i++) {
      const p = await again.next()
      await api.call('queries.answer', {
        queryId: p.queryId,
        action: Array.from(expert.act(Float64Array.from(p.observation))),
        firstInputMs: null,
        commitMs: 300,
      })
    }
    expect(await settle(api, session.id)).toBe('finished')
    const final = (await api.call('sessions.list', {})).find((s) => s.id === session.id)!
    expect(final).toMatchObject({ labels: 3, cost: 3 })
  })

  it('runs a WARM-STAGGER session with the simulated expert to its budget, with progress and curves', async () => {
    const progress: string[] = []
    api.on('progress', (p) => progress.push(p.jobId))
    const session = await api.call('sessions.start', {
      taskId: TASK,
      algo: 'warm-stagger',
      algoParams: { fraction: 0.5 },
      oracle: 'expert',
      budget: 6,
      costRatio: 1,
      seed: 2,
      evalEvery: 3,
      evalEpisodes: 1,
    })
    expect(await settle(api, session.id)).toBe('finished')
    const sources = rows<{ source: string; human_seconds: number | null }>(
      file,
      'SELECT source, human_seconds FROM labels WHERE session_id = ? ORDER BY id',
      session.id,
    )
    expect(sources.map((l) => l.source)).toEqual(['offline', 'offline', 'offline', 'query', 'query', 'query'])
    expect(sources.every((l) => l.human_seconds === null)).toBe(true)
    expect(progress).toContain(`session-${session.id}`)
    const [curve] = await api.call('sessions.curves', { sessionIds: [session.id] })
    expect(curve.session).toMatchObject({ labels: 6, cost: 6, humanSeconds: 0 })
    expect(curve.points.map((p) => p.labels)).toEqual([0, 3, 6])
  })

  it('cancels a running session through jobs.cancel and refuses bad starts', async () => {
    const prompts = inbox(api)
    const session = await api.call('sessions.start', {
      taskId: TASK,
      algo: 'stagger',
      oracle: 'human',
      budget: 10,
      costRatio: 1,
      seed: 1,
      evalEpisodes: 1,
    })
    await prompts.next()
    expect(await api.call('jobs.cancel', { jobId: `session-${session.id}` })).toEqual({ ok: true })
    expect((await api.call('sessions.list', {})).find((s) => s.id === session.id)!.status).toBe('cancelled')
    expect(await api.call('queries.pending', {})).toEqual([])
    await expect(api.call('sessions.control', { sessionId: session.id, command: 'resume' })).rejects.toThrow(
      /cancelled/,
    )
    expect(await api.call('jobs.cancel', { jobId: 'nothing-1' })).toEqual({ ok: false })
    await expect(
      api.call('sessions.start', { taskId: 'nope', algo: 'stagger', oracle: 'human', budget: 5, costRatio: 1 }),
    ).rejects.toThrow(/unknown task/)
    await expect(
      api.callRaw('sessions.start', { taskId: TASK, algo: 'stagger', oracle: 'person', budget: 5, costRatio: 1 }),
    ).rejects.toThrow(/invalid input/)
  })

  it("takes the learner's policy class, refuses bad parameters in one line, and reports the class back", async () => {
    const start = { taskId: TASK, algo: 'bc' as const, budget: 10, evalEvery: 10, evalEpisodes: 1 }
    for (const [params, why] of [
      [{ modes: 0 }, /^invalid input for sessions\.start: policy\.params\.modes: Too small/],
      [{ hidden: [32, 'x'] }, /^invalid input for sessions\.start: policy\.params\.hidden\.1: /],
      [{ bogus: 1 }, /^invalid input for sessions\.start: policy\.params: Unrecognized key: "bogus"$/],
      ['3', /^invalid input for sessions\.start: policy\.params: .*expected object/],
    ] as const) {
      const err = await api.callRaw('sessions.start', { ...start, policy: { id: 'gmm', params } }).catch((e) => e)
      expect((err as Error).message).toMatch(why)
      expect((err as Error).message).not.toMatch(/\n/)
    }
    expect(await api.call('sessions.list', {})).toEqual([])

    const s = await api.call('sessions.start', {
      ...start,
      policy: { id: 'gmm', params: { modes: 3, hidden: [32, 32] } },
    })
    const gmm = {
      id: 'gmm',
      params: { modes: 3, hidden: [32, 32], history: 1, learningRate: 1e-3, stepsPerLabel: 8, batchSize: 64 },
      version: policyClass('gmm').version, // stamped from version 2 on
    }
    expect(s.policy).toEqual(gmm)
    expect(await settle(api, s.id)).toBe('finished')
    expect((await api.call('sessions.list', {})).map((x) => x.policy)).toEqual([gmm])
    expect((await api.call('sessions.curves', { sessionIds: [s.id] }))[0].session.policy).toEqual(gmm)
  })
})
