// Editing that cannot destroy (issue 26 item 4): trim and split make new versions and keep the old episode; undo
// restores the workspace's tables byte for byte (a seeded sequence of random edits, each undone in turn); a session
// that uses a version keeps it; the versions travel in the workspace's own export.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createRng } from '../../../src/shared/rng'
import { command as datasetCmd } from '../../../src/main/cli/commands/dataset'
import type { CommandIO } from '../../../src/main/cli/command'
import {
  demonstrationTimes,
  exportWorkspace,
  importExport,
  listEdits,
  markBad,
  mergeWorkspace,
  openWorkspace,
  splitEpisode,
  trimEpisode,
  undoEdit,
  type Workspace,
} from '../../../src/main/store'
import { dump, recordDemo as record } from './edit-helpers'
import { sampleConfig, tempDir } from './helpers'

const SHAPES = new Map([['cartpole', { obsDim: 4, actDim: 1, stateSize: 3 }]])

let tmp: ReturnType<typeof tempDir>
let ws: Workspace
beforeEach(() => {
  tmp = tempDir()
  ws = openWorkspace(tmp.path('edits.iwb'))
})
afterEach(() => {
  ws.close()
  tmp.cleanup()
})

describe('episode edits', () => {
  it('trim and split make versions and keep the old episode, hidden from the lists', () => {
    const id = record(ws, 30, 1)
    const before = ws.loadEpisode(id).steps
    const t = trimEpisode(ws, id, { start: 5, end: 25 })
    expect(t).toMatchObject({ kind: 'trim', replaced: [id] })
    const trimmed = ws.loadEpisode(t.made[0])
    expect(trimmed.steps.map((s) => Array.from(s.action))).toEqual(before.slice(5, 25).map((s) => Array.from(s.action)))
    expect(trimmed.steps.map((s) => s.index)).toEqual(Array.from({ length: 20 }, (_, i) => i))
    expect(trimmed.info).toMatchObject({ complete: true, operator: 'op1', steps: 20 })
    expect(trimmed.info.ret).toBe(before.slice(5, 25).reduce((a, s) => a + s.reward, 0))
    expect(ws.listEpisodes().map((e) => e.episodeId)).toEqual([t.made[0]])
    expect(ws.loadEpisode(id).steps).toHaveLength(30) // the old version is all there
    // the recording's seconds per state stay what they were
    const times = demonstrationTimes(ws)
    expect(times.map((d) => d.episodeId)).toEqual([t.made[0]])

    const s = splitEpisode(ws, t.made[0], 8)
    expect(s.made.map((m) => ws.episodeInfo(m).steps)).toEqual([8, 12])
    expect(ws.listEpisodes().map((e) => e.episodeId)).toEqual([...s.made].reverse())
    expect(() => trimEpisode(ws, id, { start: 1 })).toThrow(/was replaced by an edit; edit its newest version/)
    expect(() => splitEpisode(ws, s.made[0], 8)).toThrow(/choose 1\.\.7/)
    expect(() => trimEpisode(ws, s.made[0], { start: 3, end: 3 })).toThrow(/at least one of its 8 steps/)
  })

  it('undo restores every table byte for byte, edit after edit (seeded random trims, splits, marks and merges)', () => {
    for (const [n, tag] of [
      [40, 1],
      [25, 2],
      [60, 3],
    ])
      record(ws, n, tag)
    // other workspaces to merge from, each once per round
    const sources = [4, 5, 6].map((tag) => {
      const file = tmp.path(`source-${tag}.iwb`)
      const other = openWorkspace(file)
      record(other, 10 + tag, tag)
      record(other, 5, tag * 10)
      other.close()
      return file
    })
    for (const seed of [1, 2, 3]) {
      const rng = createRng(seed)
      const dumps: string[] = []
      const toMerge = [...sources]
      for (let k = 0; k < 10; k++) {
        const live = ws.listEpisodes().filter((e) => e.steps >= 3)
        const ep = live[rng.int(live.length)]
        dumps.push(dump(ws))
        const r = rng.next()
        if ((k === 0 || r < 0.15) && toMerge.length > 0) {
          const made = mergeWorkspace(ws, toMerge.splice(rng.int(toMerge.length), 1)[0]).edit!.made
          expect(made).toHaveLength(2)
        } else if (r < 0.45) {
          const start = rng.int(ep.steps - 1)
          // end below the last step: never the whole episode
          trimEpisode(ws, ep.episodeId, { start, end: start + 1 + rng.int(ep.steps - start - 1) })
        } else if (k === 1 || r < 0.7) {
          const start = rng.int(ep.steps)
          markBad(ws, ep.episodeId, { start, end: start + 1 + rng.int(ep.steps - start) })
        } else splitEpisode(ws, ep.episodeId, 1 + rng.int(ep.steps - 1))
      }
      expect(listEdits(ws).map((e) => e.kind)).toEqual(expect.arrayContaining(['merge', 'mark-bad']))
      expect(listEdits(ws)).toHaveLength(10)
      while (dumps.length) {
        undoEdit(ws)
        expect(dump(ws)).toBe(dumps.pop())
      }
      expect(() => undoEdit(ws)).toThrow(/no edit to undo/)
    }
  })

  it("keeps a version a session uses: its undo is refused, and the session's labels still point at it", () => {
    const id = record(ws, 20, 1)
    const t = trimEpisode(ws, id, { end: 10 })
    const log = ws.createSession(
      sampleConfig({
        taskId: 'cartpole',
        algo: 'bc',
        offline: { kind: 'demos', episodes: [t.made[0]], operator: null },
      }),
    )
    log.addLabel({
      source: 'offline',
      cost: 1,
      observation: [0, 0, 0, 0],
      state: [0, 0, 0],
      action: [0],
      humanSeconds: null,
      episodeId: t.made[0],
      stepIndex: 2,
    })
    const before = dump(ws)
    expect(() => undoEdit(ws)).toThrow(/is used by a session; the edit stays/)
    expect(dump(ws)).toBe(before)
  })

  it("travels in the workspace's own export: versions and what they replaced", () => {
    const id = record(ws, 20, 1)
    const s = splitEpisode(ws, id, 5)
    const out = tmp.path('export')
    exportWorkspace(ws, out)
    const other = openWorkspace(tmp.path('other.iwb'))
    try {
      const r = importExport(other, out, { tasks: SHAPES })
      const [a, b] = s.made.map((m) => r.episodes.get(m)!)
      const row = (e: number) =>
        other.db.prepare('SELECT version_of, replaced FROM episodes WHERE id = ?').get(e) as {
          version_of: number | null
          replaced: number
        }
      expect(row(a)).toEqual({ version_of: r.episodes.get(id), replaced: 0 })
      expect(row(b)).toEqual({ version_of: r.episodes.get(id), replaced: 0 })
      expect(row(r.episodes.get(id)!)).toEqual({ version_of: null, replaced: 1 })
      expect(other.listEpisodes().map((e) => e.episodeId)).toEqual([b, a])
    } finally {
      other.close()
    }
  })

  it('iwb dataset trim, split and undo', async () => {
    const id = record(ws, 20, 1)
    ws.close()
    const lines: string[] = []
    const io: CommandIO = { out: (l) => lines.push(l), err: () => {}, tty: false }
    const db = tmp.path('edits.iwb')
    expect(await datasetCmd.run(['trim', '--db', db, '--episode', String(id), '--start', '2', '--json'], io)).toBe(0)
    const trimmed = JSON.parse(lines.at(-1)!) as { made: number[] }
    expect(await datasetCmd.run(['split', '--db', db, '--episode', String(trimmed.made[0]), '--at', '4'], io)).toBe(0)
    expect(lines.at(-1)).toMatch(/split into episodes \d+ and \d+ \(the old one is kept\)/)
    expect(await datasetCmd.run(['undo', '--db', db], io)).toBe(0)
    expect(lines.at(-1)).toMatch(/^undid edit 2 \(split\)/)
    ws = openWorkspace(db)
    expect(ws.listEpisodes().map((e) => [e.episodeId, e.steps])).toEqual([[trimmed.made[0], 18]])
  })
})
