// Editing that cannot destroy, the rest (issue 26 item 4): mark-bad makes a version whose bad steps learners skip;
// merge brings another workspace's demonstrations with their provenance and refuses a task defined differently;
// purge, the one destructive step, removes only replaced versions no session uses, and the CLI says what it would
// remove before --yes.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { command as datasetCmd } from '../../../src/main/cli/commands/dataset'
import type { CommandIO } from '../../../src/main/cli/command'
import { RecordedDemos, demonstrationStates } from '../../../src/main/learn/offline-source'
import {
  exportWorkspace,
  importExport,
  listEdits,
  loadDemonstrations,
  markBad,
  mergeWorkspace,
  openWorkspace,
  purgePlan,
  purgeReplaced,
  splitEpisode,
  trimEpisode,
  undoEdit,
  type Workspace,
} from '../../../src/main/store'
import { dump, recordDemo } from './edit-helpers'
import { sampleConfig, tempDir } from './helpers'

let tmp: ReturnType<typeof tempDir>
let ws: Workspace
beforeEach(() => {
  tmp = tempDir()
  ws = openWorkspace(tmp.path('main.iwb'))
})
afterEach(() => {
  if (ws.isOpen) ws.close()
  tmp.cleanup()
})

/** A workspace file beside the main one holding demonstrations of these lengths. */
function otherWorkspace(name: string, lengths: number[], prepare?: (o: Workspace) => void): string {
  const file = tmp.path(name)
  const o = openWorkspace(file)
  prepare?.(o)
  lengths.forEach((n, i) => recordDemo(o, n, 20 + i))
  o.close()
  return file
}

const stepRows = (w: Workspace, id: number) =>
  w.db
    .prepare(
      'SELECT idx, hex(state), hex(observation), hex(action), reward, source, bad FROM steps WHERE episode_id = ?',
    )
    .all(id)

describe('mark-bad', () => {
  it('makes a version with the range marked bad; the offline source draws none of those steps', () => {
    const id = recordDemo(ws, 20, 1)
    const e = markBad(ws, id, { start: 5, end: 9 })
    expect(e).toMatchObject({ kind: 'mark-bad', replaced: [id] })
    const v = ws.loadEpisode(e.made[0])
    expect(v.steps.filter((s) => s.bad).map((s) => s.index)).toEqual([5, 6, 7, 8])
    expect(ws.loadEpisode(id).steps.some((s) => s.bad)).toBe(false) // the old version is as it was
    const demos = loadDemonstrations(ws, 'cartpole', { kind: 'demos', episodes: null, operator: null })
    expect(demos.map((d) => d.episodeId)).toEqual([e.made[0]])
    expect(demonstrationStates(demos)).toBe(16)
    expect(new RecordedDemos(demos).left).toBe(16)
    // a later trim keeps the marks on the steps it keeps
    const t = trimEpisode(ws, e.made[0], { start: 6 })
    expect(
      ws
        .loadEpisode(t.made[0])
        .steps.filter((s) => s.bad)
        .map((s) => s.index),
    ).toEqual([0, 1, 2])
    expect(() => markBad(ws, t.made[0], { start: 0, end: 3 })).toThrow(/are all bad already/)
    expect(() => markBad(ws, t.made[0], { start: 10, end: 30 })).toThrow(/at least one of its 14 steps/)
  })
})

describe('merge', () => {
  it("brings the other workspace's demonstrations byte for byte, naming where each came from, once", () => {
    recordDemo(ws, 10, 1)
    const from = otherWorkspace('lab-b.iwb', [12, 7])
    const r = mergeWorkspace(ws, from)
    expect(r.edit).toMatchObject({ kind: 'merge', replaced: [] })
    expect(r.taskIds).toEqual(['cartpole'])
    const o = openWorkspace(from, { readonly: true })
    try {
      const theirs = o.listEpisodes().reverse()
      r.edit!.made.forEach((id, i) => {
        expect(stepRows(ws, id)).toEqual(stepRows(o, theirs[i].episodeId))
        const row = ws.db.prepare('SELECT merged_from, operator, ret FROM episodes WHERE id = ?').get(id) as {
          merged_from: string
          operator: string
          ret: number
        }
        expect(JSON.parse(row.merged_from)).toEqual({ workspace: 'lab-b.iwb', episodeId: theirs[i].episodeId })
        expect(row).toMatchObject({ operator: theirs[i].operator, ret: theirs[i].ret })
      })
    } finally {
      o.close()
    }
    expect(ws.listEpisodes()).toHaveLength(3)
    // again: nothing new, no edit
    const again = mergeWorkspace(ws, from)
    expect(again).toMatchObject({ edit: null, alreadyMerged: 2 })
    expect(listEdits(ws)).toHaveLength(1)
  })

  it('refuses a task defined differently, and itself, in one line and merges nothing', () => {
    const files = (text: string) => ({ 'task.json': new TextEncoder().encode(text) })
    ws.saveTaskFiles('cartpole', files('{"a": 1}'))
    const differs = otherWorkspace('differs.iwb', [5], (o) => o.saveTaskFiles('cartpole', files('{"a": 2}')))
    const before = dump(ws)
    expect(() => mergeWorkspace(ws, differs)).toThrow(
      /^merge of differs\.iwb refused: task 'cartpole' is defined differently here \(its files differ\); nothing was merged$/,
    )
    const model = otherWorkspace('model.iwb', [5], (o) => {
      o.saveTaskFiles('cartpole', files('{"a": 1}'))
      o.recordTaskUse('cartpole', 'hash-b', '3.3.0')
    })
    ws.recordTaskUse('cartpole', 'hash-a', '3.3.0')
    const withModel = dump(ws)
    expect(() => mergeWorkspace(ws, model)).toThrow(/recorded with another model here \(its MJCF differs\)/)
    expect(dump(ws)).toBe(withModel)
    expect(before).not.toBe(withModel)
    expect(() => mergeWorkspace(ws, tmp.path('main.iwb'))).toThrow(/^main\.iwb is this workspace; merge another one$/)
  })
})

describe('purge', () => {
  it('removes only replaced versions no session uses, keeps undo for later edits', () => {
    const a = recordDemo(ws, 20, 1)
    const b = recordDemo(ws, 20, 2)
    const ta = trimEpisode(ws, a, { start: 2 }) // edit 1: a replaced
    const sb = splitEpisode(ws, b, 10) // edit 2: b replaced, b is used by a session below
    ws.createSession(
      sampleConfig({ taskId: 'cartpole', algo: 'bc', offline: { kind: 'demos', episodes: [b], operator: null } }),
    )
    const tt = trimEpisode(ws, ta.made[0], { end: 10 }) // edit 3: a's first version replaced
    const m = markBad(ws, sb.made[0], { start: 0, end: 2 }) // edit 4: b's first half replaced
    const plan = purgePlan(ws)
    expect(plan.episodes.map((e) => e.episodeId)).toEqual([a, ta.made[0], sb.made[0]])
    expect(plan).toMatchObject({ steps: 20 + 18 + 10, kept: [b], edits: [1, 2, 3, 4] })
    const before = dump(ws)
    expect(purgePlan(ws)).toEqual(plan) // the plan changes nothing
    expect(dump(ws)).toBe(before)

    const n = mergeWorkspace(ws, otherWorkspace('later.iwb', [4])).edit! // edit 5 replaces nothing: its undo stays
    purgeReplaced(ws)
    for (const id of [a, ta.made[0], sb.made[0]]) expect(() => ws.episodeInfo(id)).toThrow(/no episode/)
    expect(ws.episodeInfo(b).steps).toBe(20) // a session trained on it
    // a kept version that pointed at a purged one points at the nearest older one kept
    const versionOf = (id: number) => ws.db.prepare('SELECT version_of FROM episodes WHERE id = ?').pluck().get(id)
    expect(versionOf(tt.made[0])).toBe(null) // a, then its first trim: both gone
    expect(versionOf(m.made[0])).toBe(b) // b's first half is gone, b is kept
    expect(versionOf(sb.made[1])).toBe(b)
    expect(listEdits(ws).map((e) => e.id)).toEqual([n.id])
    const kept = dump(ws)
    undoEdit(ws)
    expect(() => ws.episodeInfo(n.made[0])).toThrow(/no episode/)
    expect(() => undoEdit(ws)).toThrow(/no edit to undo/)
    expect(purgePlan(ws).episodes).toEqual([])
    expect(dump(ws)).not.toBe(kept)
  })
})

describe("the workspace's own export", () => {
  it('carries bad steps and where a merged episode came from', () => {
    const id = recordDemo(ws, 12, 1)
    const bad = markBad(ws, id, { start: 2, end: 4 }).made[0]
    const merged = mergeWorkspace(ws, otherWorkspace('lab-b.iwb', [5])).edit!.made[0]
    const out = tmp.path('export')
    exportWorkspace(ws, out)
    const other = openWorkspace(tmp.path('other.iwb'))
    try {
      const r = importExport(other, out, { tasks: new Map([['cartpole', { obsDim: 4, actDim: 1, stateSize: 3 }]]) })
      const marks = (w: Workspace, e: number) => w.loadEpisode(e).steps.map((st) => st.bad)
      expect(marks(other, r.episodes.get(bad)!)).toEqual(marks(ws, bad))
      expect(marks(ws, bad).filter(Boolean)).toHaveLength(2)
      const from = (w: Workspace, e: number) =>
        w.db.prepare('SELECT merged_from FROM episodes WHERE id = ?').pluck().get(e)
      expect(from(other, r.episodes.get(merged)!)).toBe(from(ws, merged))
      expect(from(other, r.episodes.get(bad)!)).toBe(null)
    } finally {
      other.close()
    }
  })
})

describe('iwb dataset mark-bad, merge and purge', () => {
  it('say what they did; purge says what it would remove and removes only with --yes', async () => {
    const id = recordDemo(ws, 20, 1)
    ws.close()
    const from = otherWorkspace('lab-b.iwb', [6])
    const lines: string[] = []
    const io: CommandIO = { out: (l) => lines.push(l), err: () => {}, tty: false }
    const db = tmp.path('main.iwb')
    const run = (...args: string[]) => datasetCmd.run([...args, '--db', db], io)
    expect(await run('mark-bad', '--episode', String(id), '--start', '3', '--end', '5')).toBe(0)
    expect(lines.at(-1)).toMatch(/^edit 1: episode 1 with steps marked bad is episode 2 \(the old one is kept/)
    expect(await run('merge', '--from', from)).toBe(0)
    expect(lines.at(-1)).toBe(
      'edit 2: 1 demonstration(s) of cartpole merged as episodes 3; iwb dataset undo takes them back',
    )
    expect(await run('merge', '--from', from)).toBe(0)
    expect(lines.at(-1)).toBe('nothing new: the 1 demonstration(s) there were merged here before')
    expect(await run('purge')).toBe(0)
    expect(lines.at(-1)).toBe(
      'would remove 1 replaced version(s), 20 steps: episodes 1; edits 1 can no longer be undone. Run again with --yes to remove them',
    )
    ws = openWorkspace(db)
    expect(ws.episodeInfo(1).steps).toBe(20)
    ws.close()
    expect(await run('purge', '--yes')).toBe(0)
    expect(lines.at(-1)).toBe('removed 1 replaced version(s), 20 steps: episodes 1; edits 1 can no longer be undone')
    expect(await run('purge')).toBe(0)
    expect(lines.at(-1)).toBe('no replaced versions to remove')
    ws = openWorkspace(db)
    expect(() => ws.episodeInfo(1)).toThrow(/no episode/)
  })
})
