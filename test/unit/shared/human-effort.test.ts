// The human-effort measures (shared/human-effort.ts) and a stored session's seconds and context switches
// (store/human-time.ts sessionEffort) in a real workspace file.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { humanEffort, returnOnHumanEffort, secondsToExpert } from '../../../src/shared/human-effort'
import { sessionConfig } from '../../../src/shared/session-config'
import { openWorkspace, sessionEffort } from '../../../src/main/store'
import type { LabelRecord, QueryRecord } from '../../../src/main/learn/session-log'

const dir = mkdtempSync(join(tmpdir(), 'iwb-effort-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const curve = [
  { humanSeconds: 0, meanReturn: -50 },
  { humanSeconds: 30, meanReturn: -30 },
  { humanSeconds: 60, meanReturn: -17 },
  { humanSeconds: 90, meanReturn: -12 },
]

describe('human effort', () => {
  it('gives the seconds at 80% of the way from the start to the expert, and the return gained per second', () => {
    // expert -10: the target is -50 + 0.8 * 40 = -18, first reached at 60 s
    expect(secondsToExpert(curve, -10)).toBe(60)
    expect(secondsToExpert(curve, 0)).toBeNull() // -10 never reached
    expect(secondsToExpert(curve, -60)).toBeNull() // started above the expert
    expect(secondsToExpert(curve, null)).toBeNull()
    expect(returnOnHumanEffort(curve)).toBeCloseTo(38 / 90, 12)
    expect(returnOnHumanEffort(curve.slice(0, 1))).toBeNull()
    expect(returnOnHumanEffort(curve.map((p) => ({ ...p, humanSeconds: 0 })))).toBeNull()
    expect(humanEffort(curve, { humanSeconds: 90, contextSwitches: 4 }, -10)).toEqual({
      humanSeconds: 90,
      contextSwitches: 4,
      secondsToExpert: 60,
      rohe: 38 / 90,
    })
  })

  it("counts a stored session's flagged queries and the takeovers its person started", () => {
    const ws = openWorkspace(join(dir, 'w.sqlite'))
    try {
      const log = ws.createSession(sessionConfig({ taskId: 'reacher-arm', algo: 'hg-dagger', oracle: 'human' }))
      const label = (source: LabelRecord['source'], step: number, seconds: number): LabelRecord => ({
        source,
        cost: 1,
        observation: [0, 0],
        state: null,
        action: [0, 0],
        humanSeconds: seconds,
        episodeId: null,
        stepIndex: step,
        expertAction: [0.1, 0],
      })
      const query = (contextSwitch: boolean): Omit<QueryRecord, 'labelId'> => ({
        issuedAt: 0,
        firstInputAt: null,
        committedAt: 1,
        abandonedAt: null,
        proposedAction: [0, 0],
        answer: [0, 0],
        disagreement: 0,
        operator: null,
        contextSwitch,
      })
      // takeovers at steps 3-5 and 9 of one episode, and at 0 of the next: three takeovers
      const steps = [3, 4, 5, 9, 0]
      log.commitRound({ labels: steps.map((k) => label('intervention', k, 0.05)), queries: [], checkpoint: null })
      log.commitRound({
        labels: [label('query', 2, 4), label('query', 7, 6)],
        queries: [
          { labelIndex: 0, query: query(true) },
          { labelIndex: 1, query: query(false) },
        ],
        checkpoint: null,
      })
      const effort = sessionEffort(ws, log.sessionId)
      expect(effort.contextSwitches).toBe(3 + 1)
      expect(effort.humanSeconds).toBeCloseTo(5 * 0.05 + 10, 12)
      expect(Array.from(log.labels()[0].expertAction!)).toEqual([0.1, 0])
    } finally {
      ws.close()
    }
  })
})
