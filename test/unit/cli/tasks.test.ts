// `iwb tasks check DIR` and `iwb tasks add DIR --db FILE`, and commands that take --task on a workspace task.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { main } from '../../../src/main/cli/main'
import type { CommandIO } from '../../../src/main/cli/command'
import { clearFolderTasks } from '../../../src/main/sim/registry'
import { openWorkspace } from '../../../src/main/store'
import { tempDir } from '../store/helpers'

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

  it('add copies the folder into the workspace; run on it says in one line there is no expert', async () => {
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
      "iwb run: task 'fixture-minimal' is your own model (a task folder) and has no expert: a person answers its queries",
    ])
  })
})
