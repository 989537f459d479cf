import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  SessionInfo as SessionInfoSchema,
  EvaluationPoint as EvaluationPointSchema,
} from '../../../src/shared/contract'
import { openWorkspace } from '../../../src/main/store/workspace'
import { StoreError } from '../../../src/main/store/errors'
import { sampleConfig, tempDir } from './helpers'

let tmp: ReturnType<typeof tempDir>
beforeEach(() => (tmp = tempDir()))
afterEach(() => tmp.cleanup())

describe('SessionLog on SQLite', () => {
  it('round-trips labels, queries, evaluations and policies across a reopen', () => {
    const file = tmp.path('ws.db')
    let ws = openWorkspace(file)
    ws.recordTaskUse('reacher', 'abc123', '3.3.7')
    const config = sampleConfig({
      algoParams: { fraction: 0.25 },
      algo: 'warm-stagger',
      oracle: 'human',
    })
    const log = ws.createSession(config)
    log.setStatus('running')
    const rec = ws.startEpisode({ taskId: 'reacher', kind: 'demonstration' })
    rec.append({
      state: [1, 2, 3],
      observation: [0.1, 0.2],
      action: [0.5, -0.5],
      reward: 1,
      source: 'demonstration',
    })
    const demo = rec.finish({ keep: true })
    const l1 = log.addLabel({
      source: 'offline',
      cost: 1,
      observation: [0.1, 0.2],
      state: [1, 2, 3],
      action: [0.5, -0.5],
      humanSeconds: null,
      episodeId: demo.episodeId,
      stepIndex: 0,
    })
    const l2 = log.addLabel({
      source: 'query',
      cost: 2,
      observation: new Float64Array([0.3, 0.4]),
      state: null,
      action: [1, 1],
      humanSeconds: 2.5,
      episodeId: null,
      stepIndex: null,
    })
    const q = log.addQuery({
      labelId: l2,
      issuedAt: 1000,
      firstInputAt: 1400.5,
      committedAt: 3500,
      abandonedAt: null,
      proposedAction: [0.9, 0.8],
      answer: [1, 1],
      disagreement: 0.22,
      operator: 'ana',
    })
    expect(q).toBeGreaterThan(0)
    log.addQuery({
      labelId: null,
      issuedAt: 4000,
      firstInputAt: null,
      committedAt: null,
      abandonedAt: 9000,
      proposedAction: [0, 0],
      answer: null,
      disagreement: null,
      operator: null,
    })
    log.addEvaluation({
      labels: 2,
      cost: 3,
      humanSeconds: 2.5,
      returns: [10, 14],
      successRate: 0.5,
      coverage: 0.75,
    })
    log.addEvaluation({
      labels: 1,
      cost: 1,
      humanSeconds: 0,
      returns: [2, 2, 2],
    })
    log.savePolicy({
      labels: 1,
      backend: 'cpu',
      weights: { layers: [[1, 2]] },
    })
    log.savePolicy({
      labels: 2,
      backend: 'wasm',
      weights: { layers: [[3, 4]], mean: [0.5] },
    })
    ws.close()

    ws = openWorkspace(file)
    const again = ws.openSession(log.sessionId)
    expect(again.config).toEqual(config)
    const labels = again.labels()
    expect(labels.map((l) => l.id)).toEqual([l1, l2])
    expect(Array.from(labels[0].state!)).toEqual([1, 2, 3])
    expect(labels[0]).toMatchObject({
      source: 'offline',
      cost: 1,
      episodeId: demo.episodeId,
      stepIndex: 0,
      humanSeconds: null,
    })
    expect(Array.from(labels[1].observation)).toEqual([0.3, 0.4])
    expect(labels[1]).toMatchObject({
      state: null,
      humanSeconds: 2.5,
      cost: 2,
    })
    expect(again.evaluations()).toEqual([
      // no success rate or coverage given: stored as NULL (a task without a success condition or coverage)
      { labels: 1, cost: 1, humanSeconds: 0, returns: [2, 2, 2], successRate: null, coverage: null },
      { labels: 2, cost: 3, humanSeconds: 2.5, returns: [10, 14], successRate: 0.5, coverage: 0.75 },
    ])
    expect(again.latestPolicy()).toEqual({
      labels: 2,
      backend: 'wasm',
      weights: { layers: [[3, 4]], mean: [0.5] },
    })
    const queries = ws.listQueries(log.sessionId)
    expect(queries).toHaveLength(2)
    expect(queries[0]).toMatchObject({ labelId: l2, firstInputAt: 1400.5, operator: 'ana', disagreement: 0.22 })
    expect(Array.from(queries[0].proposedAction)).toEqual([0.9, 0.8])
    expect(queries[1]).toMatchObject({ labelId: null, abandonedAt: 9000, answer: null, committedAt: null })
    expect(ws.curves([log.sessionId])[0].points.map((p) => p.successRate)).toEqual([null, 0.5])
    expect(ws.curves([log.sessionId])[0].points.map((p) => p.coverage)).toEqual([null, 0.75])

    const [info] = ws.listSessions()
    SessionInfoSchema.parse(info)
    expect(info).toMatchObject({
      id: log.sessionId,
      labels: 2,
      cost: 3,
      humanSeconds: 2.5,
      status: 'running',
      lastReturn: 2,
    })
    const curve = ws.curve(log.sessionId)
    curve.forEach((p) => EvaluationPointSchema.parse(p))
    expect(curve.map((p) => [p.labels, p.cost, p.meanReturn, p.stdReturn])).toEqual([
      [1, 1, 2, 0],
      [2, 3, 12, 2],
    ])
    expect(ws.tasks()).toMatchObject([{ taskId: 'reacher', mjcfHash: 'abc123', mujocoVersion: '3.3.7' }])
    ws.close()
  })

  it('finds the latest unfinished session with the same config to resume', () => {
    const ws = openWorkspace(tmp.path('resume.db'))
    const config = sampleConfig()
    expect(ws.findResumable(config)).toBeNull()
    const a = ws.createSession(config)
    a.setStatus('finished')
    expect(ws.findResumable(config)).toBeNull()
    const b = ws.createSession(config)
    b.setStatus('running')
    b.addLabel({
      source: 'query',
      cost: 2,
      observation: [1],
      state: null,
      action: [2],
      humanSeconds: null,
      episodeId: null,
      stepIndex: null,
    })
    ws.createSession(sampleConfig({ seed: 8 })).setStatus('running')
    ws.createSession(sampleConfig({ algoParams: { fraction: 0.5 } }))
    expect(ws.findResumable(config)).toBe(b.sessionId)
    expect(ws.findResumable(sampleConfig({ costRatio: 1 }))).toBeNull()
    // Resume: the reopened log carries the labels so far.
    const resumed = ws.openSession(ws.findResumable(config)!)
    expect(resumed.labels()).toHaveLength(1)
    resumed.setStatus('cancelled')
    expect(ws.findResumable(config)).toBeNull()
    expect(ws.sessionInfo(b.sessionId).finishedAt).not.toBeNull()
    ws.close()
  })

  it('keeps workspace settings and reports missing sessions and episodes clearly', () => {
    const ws = openWorkspace(tmp.path('settings.db'))
    expect(ws.settings()).toEqual({ costRatio: 1, operators: [] })
    ws.updateSettings({ costRatio: 2, operators: ['ana', 'bo'] })
    expect(ws.settings()).toEqual({ costRatio: 2, operators: ['ana', 'bo'] })
    expect(() => ws.updateSettings({ costRatio: -1 })).toThrow(StoreError)
    expect(() => ws.openSession(99)).toThrow(expect.objectContaining({ code: 'not-found' }))
    expect(() => ws.loadEpisode(99)).toThrow(expect.objectContaining({ code: 'not-found' }))
    ws.close()
    expect(() => ws.listSessions()).toThrow(expect.objectContaining({ code: 'closed' }))
  })
})
