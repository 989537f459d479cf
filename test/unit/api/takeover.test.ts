// A takeover session with a person, through the API as the page drives it: the learner's steps stream out as
// 'takeover.live' events at the control rate; while the page reports the button held, the person's action
// drives and becomes 'intervention' labels; the episode log counts watched and held seconds and takeovers.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import type { TakeoverLive } from '../../../src/shared/contract'
import { createWorkbench } from '../../../src/main/api/compose'
import { connectInProcess } from '../../../src/main/api/in-process'
import { makeSessionsService } from '../../../src/main/api/services/sessions'
import { takeoverService } from '../../../src/main/api/services/takeover'
import { taskInfo } from '../../../src/main/sim/registry'
import { waitFor } from '../../wait-for'

const dir = mkdtempSync(join(tmpdir(), 'iwb-takeover-api-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('takeover.* with a person', () => {
  it('labels the steps the person drives while holding the button, and logs the episode', async () => {
    const wb = await createWorkbench({ workspaceFile: join(dir, 'w.db') }, [
      makeSessionsService({ evalWorkers: 0 }),
      takeoverService,
    ])
    const api = connectInProcess(wb.handlers, wb.broadcaster)
    try {
      const live: TakeoverLive[] = []
      api.on('takeover.live', (l) => live.push(l))
      const task = taskInfo('reacher-arm')
      const s = await api.call('sessions.start', {
        taskId: task.id,
        algo: 'hg-dagger',
        oracle: 'human',
        budget: 12,
        costRatio: 2,
        evalEvery: 100,
        evalEpisodes: 2,
      })
      // Watching: the learner drives, nothing is labelled.
      await waitFor(() => live.filter((l) => l.sessionId === s.id).length >= 5, {
        message: 'live steps',
        timeoutMs: 30_000,
      })
      expect(live.every((l) => !l.held)).toBe(true)
      expect((await api.call('sessions.list', {})).find((x) => x.id === s.id)!.labels).toBe(0)
      // Holding: the person's action (a fixed push within the bounds) drives until the budget is spent.
      const push = task.actionHigh.map((h) => h / 2)
      const held = await waitFor(
        async () => {
          await api.call('takeover.steer', { sessionId: s.id, held: true, action: push })
          return live.find((l) => l.held)
        },
        { message: 'a held step', timeoutMs: 10_000 },
      )
      expect(held.frame.action).toEqual(push)
      const done = await waitFor(
        async () => {
          await api.call('takeover.steer', { sessionId: s.id, held: true, action: push }).catch(() => null)
          return (await api.call('sessions.list', {})).find((x) => x.id === s.id && x.status === 'finished')
        },
        { message: 'the session to finish', timeoutMs: 30_000 },
      )
      expect(done.labels).toBe(6) // budget 12 at C = 2
      expect(done.cost).toBe(12)
      const [episode] = await api.call('takeover.episodes', { sessionId: s.id })
      expect(episode.labels).toBe(6)
      expect(episode.takeovers).toBeGreaterThanOrEqual(1)
      expect(episode.heldSeconds).toBeGreaterThan(0)
      expect(episode.watchedSeconds).toBeGreaterThan(episode.heldSeconds)
      expect(done.humanSeconds).toBeCloseTo(episode.heldSeconds, 6)
      // A malformed action is refused with one line, the session is unharmed.
      await expect(api.call('takeover.steer', { sessionId: s.id, held: true, action: [1] })).rejects.toThrow(
        /not running|takes 2/,
      )
    } finally {
      api.close()
      await wb.close()
    }
  }, 90_000)

  it("keeps a live person's session running through episodes without a takeover until they end it", async () => {
    const wb = await createWorkbench({ workspaceFile: join(dir, 'idle.db') }, [
      makeSessionsService({ evalWorkers: 0 }),
      takeoverService,
    ])
    const api = connectInProcess(wb.handlers, wb.broadcaster)
    try {
      const live: TakeoverLive[] = []
      api.on('takeover.live', (l) => live.push(l))
      // cartpole's untrained learner drops the pole within a few seconds: episodes come quickly
      const s = await api.call('sessions.start', {
        taskId: 'cartpole',
        algo: 'hg-dagger',
        oracle: 'human',
        budget: 10,
        costRatio: 1,
        evalEvery: 100,
        evalEpisodes: 1,
      })
      const status = async (): Promise<string | undefined> =>
        (await api.call('sessions.list', {})).find((x) => x.id === s.id)?.status
      // a fifth episode begins: three (and more) episodes without a takeover did not end the session
      await waitFor(async () => live.some((l) => l.episode >= 4) || (await status()) !== 'running', {
        message: 'a fifth episode',
        timeoutMs: 60_000,
      })
      expect(await status()).toBe('running')
      expect(live.some((l) => l.episode >= 4)).toBe(true)
      // the person ends it
      expect((await api.call('sessions.control', { sessionId: s.id, command: 'cancel' })).status).toBe('cancelled')
    } finally {
      api.close()
      await wb.close()
    }
  }, 90_000)
})
