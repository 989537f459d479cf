// Folder tasks through the services: "Add task" stores the files in the workspace and registers the task; it
// then runs teleoperation in a worker thread, records and replays like a shipped task, and is there again for
// the next workbench on the same workspace. A bad upload is one line and touches nothing recorded.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Frame } from '../../../src/shared/contract'
import { createWorkbench, type Workbench } from '../../../src/main/api/compose'
import { connectInProcess, type InProcessApi } from '../../../src/main/api/in-process'
import { appService } from '../../../src/main/api/services/app'
import { demosService } from '../../../src/main/api/services/demos'
import { sessionsService } from '../../../src/main/api/services/sessions'
import { tasksService } from '../../../src/main/api/services/tasks'
import { teleopService } from '../../../src/main/api/services/teleop'
import { clearFolderTasks } from '../../../src/main/sim/registry'
import { readTaskFolder } from '../../../src/main/sim/tasks/folder-task'
import { openWorkspace } from '../../../src/main/store'
import { waitFor } from '../../wait-for'

const SERVICES = [appService, tasksService, teleopService, demosService, sessionsService]

function upload(dir: string, edit: (files: Record<string, Uint8Array>) => void = () => {}) {
  const files = readTaskFolder(dir)
  edit(files)
  return { files: Object.entries(files).map(([path, b]) => ({ path, base64: Buffer.from(b).toString('base64') })) }
}

describe('folder tasks in a workspace', () => {
  let dir: string
  let file: string
  let wb: Workbench
  let api: InProcessApi

  const open = async (): Promise<void> => {
    wb = await createWorkbench({ workspaceFile: file }, SERVICES)
    api = connectInProcess(wb.handlers, wb.broadcaster)
  }

  beforeEach(async () => {
    clearFolderTasks()
    dir = mkdtempSync(join(tmpdir(), 'iwb-folder-tasks-'))
    file = join(dir, 'ws.sqlite')
    await open()
  })

  afterEach(async () => {
    api.close()
    await wb.close()
    clearFolderTasks()
    rmSync(dir, { recursive: true, force: true })
  })

  it('adds a task with only id and model, teleoperates it in a worker, records and replays it', async () => {
    const info = await api.call('tasks.add', upload('test/fixtures/tasks/minimal'))
    expect(info.id).toBe('fixture-minimal')
    expect((await api.call('tasks.list', {})).map((t) => t.id)).toContain('fixture-minimal')

    const frames: Frame[] = []
    api.on('sim.frame', (f) => frames.push(f))
    const opened = await api.call('teleop.open', { taskId: 'fixture-minimal', seed: 2 })
    expect(opened.geometry.geoms.map((g) => g.name)).toEqual(['floor', 'cart', 'pole'])
    await api.call('teleop.action', { action: [0.8, 0] })
    const rec = await api.call('teleop.record', { command: 'start', operator: 'ana' })
    await waitFor(() => frames.filter((f) => f.recording).length > 10, { message: 'recorded frames' })
    await api.call('teleop.record', { command: 'stop' })
    const kept = await api.call('teleop.record', { command: 'keep' })
    expect(kept.episodeId).toBe(rec.episodeId)

    const replay = await api.call('demos.replay', { episodeId: kept.episodeId! })
    expect(replay.geometry.taskId).toBe('fixture-minimal')
    expect(replay.frames.length).toBe(kept.steps)
    // the cart was pushed along +x while recording: the replayed cart body (id 1) moved
    const x = (f: Frame): number => f.xpos[3]
    expect(x(replay.frames[replay.frames.length - 1])).toBeGreaterThan(x(replay.frames[0]))

    // No simulated expert: one line, no session stored.
    await expect(
      api.call('sessions.start', { taskId: 'fixture-minimal', algo: 'dagger', oracle: 'expert', budget: 10 }),
    ).rejects.toThrow(/task fixture-minimal has no simulated expert; use oracle 'human'/)
    expect(await api.call('sessions.list', {})).toEqual([])

    // The next workbench on this workspace (a fresh process's registry) knows the task from the stored files.
    api.close()
    await wb.close()
    clearFolderTasks()
    await open()
    expect((await api.call('tasks.list', {})).map((t) => t.id)).toContain('fixture-minimal')
    const again = await api.call('demos.replay', { episodeId: kept.episodeId! })
    expect(again.frames.map(x)).toEqual(replay.frames.map(x))
  })

  it('refuses a bad folder in one line and leaves the workspace as it was', async () => {
    await api.call('tasks.add', upload('test/fixtures/tasks/minimal'))
    const before = (await api.call('tasks.list', {})).map((t) => t.id)
    const bad = upload('test/fixtures/tasks/minimal', (files) => {
      files['task.json'] = new TextEncoder().encode(
        JSON.stringify({ id: 'fixture-minimal', model: 'slider.xml', horizon: -1 }),
      )
    })
    await expect(api.call('tasks.add', bad)).rejects.toThrow(/task\.json: horizon: Too small/)
    await expect(api.call('tasks.add', { files: [{ path: '../x.xml', base64: '' }] })).rejects.toThrow(
      /not a plain relative path/,
    )
    expect((await api.call('tasks.list', {})).map((t) => t.id)).toEqual(before)
    const ws = openWorkspace(file, { readonly: true })
    try {
      const stored = ws.taskFiles().get('fixture-minimal')!
      // as added: the frame skip chosen for its 4 ms timestep (25 Hz) written in
      expect(JSON.parse(new TextDecoder().decode(stored['task.json']))).toEqual({
        id: 'fixture-minimal',
        model: 'slider.xml',
        frameSkip: 10,
      })
    } finally {
      ws.close()
    }
  })
})
