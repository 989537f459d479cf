// The Datasets view's services on a real SQLite workspace with real MuJoCo: the list's quality figures with an
// outlier flagged and where each version came from; edit (trim, split, mark bad), the edits listed, undo, and purge
// that says what it would remove before it removes; a bad edit refused in one line with nothing written.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createDemosService } from '../../../src/main/api/services/demos'
import type { ServiceHandlers } from '../../../src/main/api/service-types'
import type { DatasetEpisode } from '../../../src/shared/contract'
import type { EpisodeEditInfo, PurgeInfo } from '../../../src/shared/dataset-edits'
import { makeEnv } from '../../../src/main/sim/registry'
import { mergeWorkspace, openWorkspace, type Workspace } from '../../../src/main/store'
import { dump, recordDemo } from '../store/edit-helpers'
import { tempDir } from '../store/helpers'

let tmp: ReturnType<typeof tempDir>
let ws: Workspace
let service: ReturnType<typeof createDemosService>
const call = <T>(m: keyof ServiceHandlers, input: unknown): Promise<T> =>
  Promise.resolve((service.handlers[m] as (i: unknown, c: unknown) => unknown)(input, {})) as Promise<T>
const list = () => call<DatasetEpisode[]>('datasets.list', { taskId: 'cartpole' })

/** A cartpole demonstration of `n` real MuJoCo steps (the figures replay its last state). */
async function record(w: Workspace, n: number, seed: number): Promise<number> {
  const env = await makeEnv('cartpole')
  try {
    const rec = w.startEpisode({ taskId: 'cartpole', kind: 'demonstration', operator: 'ana' })
    let obs = env.reset(seed)
    for (let i = 0; i < n; i++) {
      const state = env.getState()
      const action = [0.4 * Math.sin(i / 5)]
      const r = env.step(action)
      rec.append({ state, observation: obs, action, reward: r.reward, source: 'demonstration' })
      obs = r.observation
    }
    return rec.finish({ keep: true }).episodeId
  } finally {
    env.close()
  }
}

beforeEach(() => {
  tmp = tempDir()
  ws = openWorkspace(tmp.path('ws.iwb'))
  service = createDemosService(() => Promise.resolve(ws))
})
afterEach(() => {
  service.close()
  ws.close()
  tmp.cleanup()
})

describe('datasets services', () => {
  it('list quality figures with the long one an outlier, and edits that keep, undo and purge', async () => {
    const ids: number[] = []
    for (const [i, n] of [20, 21, 22, 23, 90].entries()) ids.push(await record(ws, n, i + 1))
    const first = await list()
    expect(first.find((e) => e.episodeId === ids[4])!.quality!.outliers).toContain('steps')
    expect(first.find((e) => e.episodeId === ids[0])!.quality!.outliers).toEqual([])
    expect(first[0].quality).toMatchObject({ idleSeconds: expect.any(Number), jerk: expect.any(Number) })

    const t = await call<EpisodeEditInfo>('datasets.edit', { kind: 'trim', episodeId: ids[4], start: 0, end: 22 })
    const m = await call<EpisodeEditInfo>('datasets.edit', { kind: 'mark-bad', episodeId: ids[0], start: 1, end: 3 })
    const after = await list()
    expect(after.map((e) => e.episodeId).sort()).toEqual([...ids.slice(1, 4), ...t.made, ...m.made].sort())
    const trimmed = after.find((e) => e.episodeId === t.made[0])!
    expect(trimmed).toMatchObject({ steps: 22, versionOf: ids[4] })
    expect(trimmed.quality!.outliers).not.toContain('steps') // no longer the long one
    const shown = await call<{ bad: boolean[] }>('datasets.episode', { episodeId: m.made[0] })
    expect(shown.bad.map((b, i) => (b ? i : -1)).filter((i) => i >= 0)).toEqual([1, 2])
    expect((await call<EpisodeEditInfo[]>('datasets.edits', {})).map((e) => e.id)).toEqual([m.id, t.id])

    // refused in one line, nothing written
    const before = dump(ws)
    await expect(call('datasets.edit', { kind: 'split', episodeId: t.made[0], at: 22 })).rejects.toThrow(
      /^split of episode \d+ at step 22: choose 1\.\.21$/,
    )
    await expect(call('datasets.edit', { kind: 'trim', episodeId: ids[4], start: 0, end: 5 })).rejects.toThrow(
      /was replaced by an edit; edit its newest version/,
    )
    expect(dump(ws)).toBe(before)

    const undone = await call<EpisodeEditInfo>('datasets.undo', {})
    expect(undone.id).toBe(m.id)
    expect((await list()).some((e) => e.episodeId === ids[0])).toBe(true)

    const offer = await call<PurgeInfo>('datasets.purge', { confirm: false })
    expect(offer).toEqual({ removed: false, episodes: [ids[4]], steps: 90, kept: [], edits: [t.id] })
    expect(dump(ws)).not.toBe(before) // the undo changed it; the offer did not:
    const afterOffer = dump(ws)
    await call('datasets.purge', { confirm: false })
    expect(dump(ws)).toBe(afterOffer)
    expect(await call<PurgeInfo>('datasets.purge', { confirm: true })).toMatchObject({
      removed: true,
      episodes: [ids[4]],
    })
    expect(() => ws.episodeInfo(ids[4])).toThrow(/no episode/)
    expect(await call<EpisodeEditInfo[]>('datasets.edits', {})).toEqual([])
  })

  it('names where a merged episode came from', async () => {
    const file = tmp.path('lab-b.iwb')
    const other = openWorkspace(file)
    const theirs = recordDemo(other, 12, 7)
    other.close()
    const made = mergeWorkspace(ws, file).edit!.made[0]
    expect((await list()).find((e) => e.episodeId === made)).toMatchObject({
      mergedFrom: { workspace: 'lab-b.iwb', episodeId: theirs },
    })
  })
})
