// Import into an existing session (the study queue lands a worker's result in the session it planned): the
// session's rows are replaced by the export's in one transaction, once; a finished session is left as it is.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { exportWorkspace } from '../../../src/main/store/export'
import { importExport } from '../../../src/main/store/import'
import { openWorkspace, type Workspace } from '../../../src/main/store/workspace'
import { CARTPOLE, sampleConfig, tempDir } from './helpers'

const tasks = new Map([['cartpole', CARTPOLE]])
const config = sampleConfig({ taskId: 'cartpole', seed: 3 })

let tmp: ReturnType<typeof tempDir>
beforeEach(() => (tmp = tempDir()))
afterEach(() => tmp.cleanup())

function label(ws: Workspace, sessionId: number, x: number): void {
  ws.openSession(sessionId).addLabel({
    source: 'query',
    cost: 1,
    observation: [x, 0, 0, 0],
    state: null,
    action: [x / 10],
    humanSeconds: null,
    episodeId: null,
    stepIndex: null,
  })
}

const count = (ws: Workspace, table: string, sessionId: number): number =>
  (ws.db.prepare(`SELECT count(*) AS n FROM ${table} WHERE session_id = ?`).get(sessionId) as { n: number }).n

describe('import into a planned session', () => {
  it("replaces the session's rows with the export's, once", () => {
    const worker = openWorkspace(tmp.path('scratch.db'))
    const done = worker.createSession(config)
    for (const x of [1, 2, 3]) label(worker, done.sessionId, x)
    done.addEvaluation({ labels: 3, cost: 3, humanSeconds: 0, returns: [5, 7] })
    done.savePolicy({ labels: 3, backend: 'cpu', weights: { w: [1] } })
    done.setStatus('finished')
    exportWorkspace(worker, tmp.path('result'), { sessionIds: [done.sessionId] })

    const study = openWorkspace(tmp.path('study.db'))
    const other = study.createSession(sampleConfig({ taskId: 'cartpole', seed: 4 })).sessionId
    label(study, other, 9)
    const planned = study.createSession(config).sessionId
    label(study, planned, 42) // a partial run here: replaced, not added to
    const r = importExport(study, tmp.path('result'), { tasks, into: planned })
    expect(r.sessions.get(done.sessionId)).toBe(planned)
    expect(study.listSessions()).toHaveLength(2)
    expect(study.sessionInfo(planned).status).toBe('finished')
    expect(
      study
        .openSession(planned)
        .labels()
        .map((l) => l.observation[0]),
    ).toEqual([1, 2, 3])
    expect(
      study
        .openSession(planned)
        .evaluations()
        .map((e) => e.returns),
    ).toEqual([[5, 7]])
    expect(count(study, 'policies', planned)).toBe(1)
    expect(count(study, 'labels', other)).toBe(1) // the other session is untouched

    // Delivered again: refused in one line, nothing changes.
    expect(() => importExport(study, tmp.path('result'), { tasks, into: planned })).toThrow(
      /^session \d+ is finished already; nothing was imported$/,
    )
    expect(count(study, 'labels', planned)).toBe(3)

    // A workspace export (every session) cannot land in one session.
    exportWorkspace(worker, tmp.path('all'))
    const fresh = study.createSession(sampleConfig({ taskId: 'cartpole', seed: 5 })).sessionId
    expect(() => importExport(study, tmp.path('all'), { tasks, into: fresh })).toThrow(
      /is not an export of one session$/,
    )
    worker.close()
    study.close()
  })
})
