// A demonstration's success, as the page lists it: recomputed from the stored last step (sim/success.ts) with real
// MuJoCo from a real SQLite workspace. One reacher-arm demonstration ends on the target, one away from it.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createDemosService } from '../../../src/main/api/services/demos'
import type { ServiceHandlers } from '../../../src/main/api/service-types'
import { makeEnv } from '../../../src/main/sim/registry'
import { openWorkspace, type Workspace } from '../../../src/main/store'

/** Record one episode of `steps` steps, steering the fingertip onto the target (or away from it). */
async function record(ws: Workspace, seed: number, steps: number, toward: boolean): Promise<number> {
  const env = await makeEnv('reacher-arm')
  try {
    env.reset(seed)
    const rec = ws.startEpisode({ taskId: 'reacher-arm', kind: 'demonstration' })
    for (let i = 0; i < steps; i++) {
      const o = env.observe()
      const sign = toward ? 1 : -1
      const action = [o[10], o[11]].map((d) => Math.max(-1, Math.min(1, (sign * d) / 0.05)))
      const state = env.getState()
      const r = env.step(action)
      rec.append({ state, observation: o, action, reward: r.reward, source: 'demonstration' })
    }
    return rec.finish({ keep: true }).episodeId
  } finally {
    env.close()
  }
}

describe('demonstration success', () => {
  let dir: string
  let ws: Workspace
  let service: ReturnType<typeof createDemosService>
  let won: number
  let lost: number
  const call = (m: keyof ServiceHandlers, input: unknown): Promise<unknown> =>
    Promise.resolve((service.handlers[m] as (i: unknown, c: unknown) => unknown)(input, {}))

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'iwb-demo-success-'))
    ws = openWorkspace(join(dir, 'ws.db'))
    won = await record(ws, 1, 80, true)
    lost = await record(ws, 2, 30, false)
    service = createDemosService(() => Promise.resolve(ws))
  })
  afterAll(() => {
    service.close()
    ws.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('marks each demonstration in demos.list and datasets.list by its last step', async () => {
    const demos = (await call('demos.list', { taskId: 'reacher-arm' })) as { episodeId: number; success: unknown }[]
    expect(Object.fromEntries(demos.map((d) => [d.episodeId, d.success]))).toEqual({ [won]: true, [lost]: false })
    const listed = (await call('datasets.list', { taskId: 'reacher-arm' })) as { episodeId: number; success: unknown }[]
    expect(Object.fromEntries(listed.map((d) => [d.episodeId, d.success]))).toEqual({ [won]: true, [lost]: false })
  })

  it("gives the dataset viewer the success after every step, ending in the episode's own", async () => {
    const shown = (await call('datasets.episode', { episodeId: won })) as {
      episode: { success: boolean | null }
      success: boolean[] | null
      frames: unknown[]
    }
    expect(shown.episode.success).toBe(true)
    expect(shown.success).toHaveLength(shown.frames.length)
    expect(shown.success?.[0]).toBe(false) // reset puts the target at least 0.15 m from the fingertip
    expect(shown.success?.[shown.success.length - 1]).toBe(true)
  })
})
