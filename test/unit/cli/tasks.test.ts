// `iwb tasks check DIR` and `iwb tasks add DIR --db FILE`, and commands that take --task on a workspace task.
import { cpSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { main } from '../../../src/main/cli/main'
import type { CommandIO } from '../../../src/main/cli/command'
import { clearFolderTasks, makeEnv } from '../../../src/main/sim/registry'
import { openWorkspace } from '../../../src/main/store'
import { sha256, tempDir } from '../store/helpers'

let tmp: ReturnType<typeof tempDir>
beforeEach(() => {
  tmp = tempDir()
  clearFolderTasks()
})
afterEach(() => {
  tmp.cleanup()
  clearFolderTasks()
})

function capture(): CommandIO & { lines: string[]; errs: string[] } {
  const lines: string[] = []
  const errs: string[] = []
  return { lines, errs, out: (l) => lines.push(l), err: (l) => errs.push(l), tty: false }
}

describe('iwb tasks', () => {
  it('check prints the task info as JSON', async () => {
    const io = capture()
    expect(await main(['tasks', 'check', 'test/fixtures/tasks/showcase', '--json'], io)).toBe(0)
    const info = JSON.parse(io.lines[0]) as Record<string, unknown>
    expect(info).toMatchObject({
      id: 'fixture-showcase',
      obsDim: 23,
      actDim: 3,
      controlHz: 50,
      horizon: 300,
      operator: true,
    })
  })

  it('check names the problem in one line and exits 1', async () => {
    const io = capture()
    expect(await main(['tasks', 'check', tmp.path('nowhere')], io)).toBe(1)
    expect(io.errs).toEqual([`iwb tasks check: ${tmp.path('nowhere')}: no such folder`])
  })

  it('add copies the folder into the workspace; run dagger on it says in one line there is no expert', async () => {
    const db = tmp.path('ws.db')
    const io = capture()
    expect(await main(['tasks', 'add', 'test/fixtures/tasks/minimal', '--db', db, '--json'], io)).toBe(0)
    expect(JSON.parse(io.lines[0])).toMatchObject({ id: 'fixture-minimal', actDim: 2, obsDim: 4 })
    const ws = openWorkspace(db, { readonly: true })
    try {
      expect(Object.keys(ws.taskFiles().get('fixture-minimal')!).sort()).toEqual(['slider.xml', 'task.json'])
    } finally {
      ws.close()
    }
    clearFolderTasks() // as a new process would start

    const list = capture()
    expect(await main(['tasks', '--db', db, '--json'], list)).toBe(0)
    expect((JSON.parse(list.lines[0]) as { id: string }[]).map((t) => t.id)).toContain('fixture-minimal')
    clearFolderTasks()

    const run = capture()
    expect(
      await main(['run', '--task', 'fixture-minimal', '--algo', 'dagger', '--budget', '10', '--db', db], run),
    ).toBe(1)
    expect(run.errs).toEqual([
      "iwb run: task 'fixture-minimal' is your own model (a task folder) and has no expert, which dagger needs to answer its queries: --algo bc --offline demos learns from your demonstrations alone (in the page a person answers queries)",
    ])
  })
})

describe('iwb export / iwb import carry the workspace own tasks', () => {
  /** A workspace with the minimal folder task added and one demonstration of it (3 real steps). */
  async function workspaceWithOwnTask(db: string): Promise<number[][]> {
    expect(await main(['tasks', 'add', 'test/fixtures/tasks/minimal', '--db', db], capture())).toBe(0)
    const env = await makeEnv('fixture-minimal')
    const ws = openWorkspace(db)
    try {
      const rec = ws.startEpisode({ taskId: 'fixture-minimal', kind: 'demonstration', operator: 'ana' })
      const actions = [
        [0.5, 0],
        [1, -0.2],
        [0, 0.3],
      ]
      let obs = env.reset(0)
      for (const action of actions) {
        const state = env.getState()
        const r = env.step(action)
        rec.append({
          state,
          observation: obs,
          action: Float64Array.from(action),
          reward: r.reward,
          source: 'demonstration',
        })
        obs = r.observation
      }
      rec.finish({ keep: true })
      return actions
    } finally {
      ws.close()
      env.close()
    }
  }

  it('a fresh workspace gets the task files and the demonstrations of the own task', async () => {
    const a = tmp.path('a.db')
    const actions = await workspaceWithOwnTask(a)
    const out = tmp.path('export')
    expect(await main(['export', '--db', a, '--out', out], capture())).toBe(0)
    clearFolderTasks() // a new process on another machine

    const b = tmp.path('b.db')
    const io = capture()
    expect(await main(['import', '--db', b, '--from', out, '--json'], io)).toBe(0)
    expect(JSON.parse(io.lines[0]).rows).toMatchObject({ task_files: 2, episodes: 1, steps: 3 })
    const wa = openWorkspace(a, { readonly: true })
    const wb = openWorkspace(b, { readonly: true })
    try {
      expect(wb.taskFiles()).toEqual(wa.taskFiles())
      const [episode] = wb.listEpisodes({ taskId: 'fixture-minimal' })
      expect(episode).toMatchObject({ kind: 'demonstration', steps: 3 })
      expect(wb.loadEpisode(episode.episodeId).steps.map((s) => Array.from(s.action))).toEqual(actions)
    } finally {
      wa.close()
      wb.close()
    }
    clearFolderTasks()
    // the imported workspace runs the task: its list names it
    const list = capture()
    expect(await main(['tasks', '--db', b, '--json'], list)).toBe(0)
    expect((JSON.parse(list.lines[0]) as { id: string }[]).map((t) => t.id)).toContain('fixture-minimal')

    // Importing again into the same workspace: the same files, so nothing conflicts.
    clearFolderTasks()
    expect(await main(['import', '--db', b, '--from', out], capture())).toBe(0)

    // A workspace holding other files under the task's id refuses in one line and is left as it was.
    const c = tmp.path('c.db')
    const other = tmp.path('other')
    mkdirSync(other)
    cpSync('test/fixtures/tasks/minimal', other, { recursive: true })
    writeFileSync(join(other, 'task.json'), JSON.stringify({ id: 'fixture-minimal', model: 'slider.xml', horizon: 50 }))
    expect(await main(['tasks', 'add', other, '--db', c], capture())).toBe(0)
    clearFolderTasks()
    const before = sha256(c)
    const refused = capture()
    expect(await main(['import', '--db', c, '--from', out], refused)).toBe(1)
    expect(refused.errs).toHaveLength(1)
    expect(refused.errs[0]).toMatch(
      /carries a task 'fixture-minimal' that differs from the workspace's task of that id; nothing was imported/,
    )
    expect(sha256(c)).toBe(before)
  })
})
