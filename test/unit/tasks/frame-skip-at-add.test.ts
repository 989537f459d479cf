// A task added without frameSkip (issue 27, item 14): the frame skip is chosen from the model's timestep so the
// control rate lands near 25 Hz (a 1 ms model ran at 200 Hz), and it is written into the stored task.json, so
// the task keeps it whatever the default becomes. A task stored before without one keeps the 5 it ran with,
// also when the same folder is added again. Real MuJoCo, real workspace files, the real CLI.
import { mkdirSync, writeFileSync } from 'node:fs'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { main } from '../../../src/main/cli/main'
import type { CommandIO } from '../../../src/main/cli/command'
import { addTaskFolder, registerWorkspaceTasks } from '../../../src/main/api/workspace-tasks'
import { clearFolderTasks, taskInfo } from '../../../src/main/sim/registry'
import { readTaskFolder } from '../../../src/main/sim/tasks/folder-task'
import { openWorkspace } from '../../../src/main/store'
import { frameSkipFor } from '../../../src/shared/task-file'
import { tempDir } from '../store/helpers'

/** Five unnamed motors on a 1 ms timestep, as the model. */
const MODEL = `<mujoco>
  <option timestep="0.001"/>
  <worldbody>
    <body name="base">
      <joint name="j0" type="hinge" axis="0 0 1"/>
      <joint name="j1" type="hinge" axis="0 1 0"/>
      <joint name="j2" type="hinge" axis="1 0 0"/>
      <joint name="j3" type="slide" axis="1 0 0"/>
      <joint name="j4" type="slide" axis="0 1 0"/>
      <geom type="box" size="0.05 0.05 0.05"/>
    </body>
  </worldbody>
  <actuator>
    <motor joint="j0"/><motor joint="j1"/><motor joint="j2"/><motor joint="j3"/><motor joint="j4"/>
  </actuator>
</mujoco>`

const TASK_JSON = JSON.stringify({ id: 'one-ms', title: 'One millisecond', model: 'arm.xml', horizon: 100 })

let tmp: ReturnType<typeof tempDir>
let dir: string
beforeEach(() => {
  tmp = tempDir()
  dir = tmp.path('one-ms')
  mkdirSync(dir)
  writeFileSync(`${dir}/arm.xml`, MODEL)
  writeFileSync(`${dir}/task.json`, TASK_JSON)
  clearFolderTasks()
})
afterEach(() => {
  clearFolderTasks()
  tmp.cleanup()
})

function capture(): CommandIO & { lines: string[]; errs: string[] } {
  const lines: string[] = []
  const errs: string[] = []
  return { lines, errs, out: (l) => lines.push(l), err: (l) => errs.push(l), tty: false }
}

const storedTaskJson = (db: string): Record<string, unknown> => {
  const ws = openWorkspace(db, { readonly: true })
  try {
    const raw = ws.taskFiles().get('one-ms')?.['task.json']
    return JSON.parse(new TextDecoder().decode(raw)) as Record<string, unknown>
  } finally {
    ws.close()
  }
}

describe('the default frame skip of an added task', () => {
  it('is chosen for about 25 Hz from the timestep, within 1..1000', () => {
    expect(frameSkipFor(0.001)).toBe(40)
    expect(frameSkipFor(0.002)).toBe(20)
    expect(frameSkipFor(0.004)).toBe(10)
    expect(frameSkipFor(0.05)).toBe(1)
    expect(frameSkipFor(1e-6)).toBe(1000)
  })

  it('iwb tasks check and add give 25 Hz for a 1 ms model, and add writes frameSkip 40 into the stored task.json', async () => {
    const check = capture()
    expect(await main(['tasks', 'check', dir, '--json'], check)).toBe(0)
    expect(JSON.parse(check.lines[0])).toMatchObject({ id: 'one-ms', controlHz: 25 })

    const db = tmp.path('ws.db')
    const add = capture()
    expect(await main(['tasks', 'add', dir, '--db', db, '--json'], add)).toBe(0)
    expect(JSON.parse(add.lines[0])).toMatchObject({ id: 'one-ms', controlHz: 25 })
    // the rest of task.json is kept as written
    expect(storedTaskJson(db)).toEqual({ ...(JSON.parse(TASK_JSON) as object), frameSkip: 40 })

    // a fresh process reads the stored task at the rate it was added with
    clearFolderTasks()
    const ws = openWorkspace(db, { readonly: true })
    try {
      const { tasks, problems } = await registerWorkspaceTasks(ws)
      expect(problems).toEqual([])
      expect(tasks.find((t) => t.id === 'one-ms')?.controlHz).toBe(25)
    } finally {
      ws.close()
    }
  })

  it('a task stored without frameSkip keeps 200 Hz, also when the same folder is added again', async () => {
    const db = tmp.path('old.db')
    const ws = openWorkspace(db)
    try {
      // as an add before this change stored it: the folder's files unchanged
      ws.saveTaskFiles('one-ms', readTaskFolder(dir))
      await registerWorkspaceTasks(ws)
      expect(taskInfo('one-ms').controlHz).toBe(200)

      const info = await addTaskFolder(ws, readTaskFolder(dir), dir)
      expect(info.controlHz).toBe(200)
      expect(storedTaskJson(db)).toEqual(JSON.parse(TASK_JSON))
    } finally {
      ws.close()
    }
  })

  it('a frameSkip written in task.json is taken as it is', async () => {
    writeFileSync(`${dir}/task.json`, JSON.stringify({ id: 'one-ms', model: 'arm.xml', frameSkip: 2 }))
    const db = tmp.path('ws.db')
    expect(await main(['tasks', 'add', dir, '--db', db, '--json'], capture())).toBe(0)
    expect(taskInfo('one-ms').controlHz).toBe(500)
    expect(storedTaskJson(db).frameSkip).toBe(2)
  })
})
