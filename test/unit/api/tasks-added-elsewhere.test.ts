// A task added by another process reaches a running workbench (issue 27, item 13): `iwb tasks add --db F` in a
// child process while the workbench holds F open, and the next tasks.list lists it and teleop can open it.
import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createWorkbench, type Workbench } from '../../../src/main/api/compose'
import { connectInProcess, type InProcessApi } from '../../../src/main/api/in-process'
import { appService } from '../../../src/main/api/services/app'
import { tasksService } from '../../../src/main/api/services/tasks'
import { teleopService } from '../../../src/main/api/services/teleop'
import { clearFolderTasks } from '../../../src/main/sim/registry'

describe('a task added by another process', () => {
  let dir: string
  let file: string
  let wb: Workbench
  let api: InProcessApi

  beforeEach(async () => {
    clearFolderTasks()
    dir = mkdtempSync(join(tmpdir(), 'iwb-tasks-elsewhere-'))
    file = join(dir, 'ws.sqlite')
    wb = await createWorkbench({ workspaceFile: file }, [appService, tasksService, teleopService])
    api = connectInProcess(wb.handlers, wb.broadcaster)
  })

  afterEach(async () => {
    api.close()
    await wb.close()
    clearFolderTasks()
    rmSync(dir, { recursive: true, force: true })
  })

  it('is listed by the running workbench and opens for teleoperation', async () => {
    expect((await api.call('tasks.list', {})).map((t) => t.id)).not.toContain('fixture-minimal')
    await promisify(execFile)(process.execPath, [
      'bin/iwb.js',
      'tasks',
      'add',
      'test/fixtures/tasks/minimal',
      '--db',
      file,
    ])
    const listed = await api.call('tasks.list', {})
    expect(listed.map((t) => t.id)).toContain('fixture-minimal')
    const opened = await api.call('teleop.open', { taskId: 'fixture-minimal', seed: 1 })
    expect(opened.geometry.taskId).toBe('fixture-minimal')
  })
})
