// Replacing a workspace task (issue 27, item 7): `iwb tasks add` of another model under an id that recorded
// episodes or sessions use is refused in one line, so their replay, BC on them and the export keep working; the
// same folder again, or a replacement before anything was recorded, is taken. `iwb tasks check` refuses the ids
// `add` refuses (item 10).
import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { main } from '../../../src/main/cli/main'
import { registerTasksOf } from '../../../src/main/cli/workspace-tasks'
import { clearFolderTasks, makeEnv, taskInfo } from '../../../src/main/sim/registry'
import { openWorkspace } from '../../../src/main/store'
import { tempDir } from '../store/helpers'
import { capture } from './capture'

let tmp: ReturnType<typeof tempDir>
beforeEach(() => {
  tmp = tempDir()
  clearFolderTasks()
})
afterEach(() => {
  tmp.cleanup()
  clearFolderTasks()
})

const TASK = 'my-slider'

/** The fixture's slider under TASK; `third` adds a third joint, so the observation grows from 4 to 6. */
function folder(name: string, third = false): string {
  const dir = tmp.path(name)
  cpSync('test/fixtures/tasks/minimal', dir, { recursive: true })
  writeFileSync(join(dir, 'task.json'), JSON.stringify({ id: TASK, model: 'slider.xml', horizon: 20 }))
  if (third) {
    const xml = readFileSync(join(dir, 'slider.xml'), 'utf8').replace(
      '</body>\n    </body>',
      '<body name="tip" pos="0 0 0.4"><joint name="tip" type="hinge" axis="0 1 0"/><geom size="0.02"/></body>\n      </body>\n    </body>',
    )
    writeFileSync(join(dir, 'slider.xml'), xml)
  }
  return dir
}

async function recordDemos(db: string): Promise<number[]> {
  await registerTasksOf(db)
  const env = await makeEnv(TASK)
  const ws = openWorkspace(db)
  const ids: number[] = []
  try {
    for (let d = 0; d < 2; d++) {
      const rec = ws.startEpisode({ taskId: TASK, kind: 'demonstration', operator: 'ana' })
      let obs = env.reset(10 + d)
      for (let t = 0; t < 8; t++) {
        const state = env.getState()
        const action = Float64Array.of(0.5, 0)
        const r = env.step(action)
        rec.append({ state, observation: obs, action, reward: r.reward, source: 'demonstration' })
        obs = r.observation
      }
      ids.push(rec.finish({ keep: true }).episodeId)
    }
  } finally {
    ws.close()
    env.close()
  }
  clearFolderTasks()
  return ids
}

describe('replacing a workspace task', () => {
  it('is refused in one line while episodes use it; replay, BC and export still work', async () => {
    const db = tmp.path('ws.db')
    expect(await main(['tasks', 'add', folder('v1'), '--db', db], capture())).toBe(0)
    // before anything is recorded a replacement is taken, and the same folder again changes nothing
    expect(await main(['tasks', 'add', folder('v2', true), '--db', db], capture())).toBe(0)
    expect(await main(['tasks', 'add', folder('v1b'), '--db', db], capture())).toBe(0)
    expect(await main(['tasks', 'add', folder('v1c'), '--db', db], capture())).toBe(0)
    const episodes = await recordDemos(db)

    const refused = capture()
    expect(await main(['tasks', 'add', folder('v3', true), '--db', db], refused)).toBe(1)
    expect(refused.stderr).toHaveLength(1)
    expect(refused.stderr[0]).toMatch(
      /task 'my-slider' is not replaced: 2 episode\(s\) and 0 session\(s\) in .* were recorded with its current model; add the new model under another id/,
    )
    expect(await main(['tasks', 'add', folder('v1d'), '--db', db], capture())).toBe(0) // the same files: taken

    // replay: the stored states load into the task's env, whose sizes are the recorded ones
    clearFolderTasks()
    await registerTasksOf(db)
    expect(taskInfo(TASK).obsDim).toBe(4)
    const env = await makeEnv(TASK)
    const ws = openWorkspace(db, { readonly: true })
    try {
      for (const id of episodes) {
        const ep = ws.loadEpisode(id)
        expect(ep.steps[0].observation.length).toBe(4)
        for (const s of ep.steps) env.setState(s.state)
        expect(Array.from(env.observe())).toHaveLength(4)
      }
    } finally {
      ws.close()
      env.close()
    }

    clearFolderTasks()
    const bc = capture()
    const run = ['run', '--task', TASK, '--algo', 'bc', '--offline', 'demos', '--budget', '16']
    expect(await main([...run, '--eval-every', '16', '--eval-episodes', '1', '--db', db, '--json'], bc)).toBe(0)
    expect(JSON.parse(bc.stdout[bc.stdout.length - 1])).toMatchObject({ status: 'finished', labels: 16 })

    // a session uses it now too
    clearFolderTasks()
    const again = capture()
    expect(await main(['tasks', 'add', folder('v4', true), '--db', db], again)).toBe(1)
    expect(again.stderr[0]).toMatch(/2 episode\(s\) and 1 session\(s\)/)

    clearFolderTasks()
    const out = tmp.path('export')
    expect(await main(['export', '--db', db, '--out', out], capture())).toBe(0)
    expect(existsSync(join(out, 'manifest.json'))).toBe(true)
    const robomimic = tmp.path('demos.hdf5')
    const exported = capture()
    expect(
      await main(['export', '--db', db, '--format', 'robomimic', '--task', TASK, '--out', robomimic], exported),
    ).toBe(0)
  })

  it('tasks check refuses a shipped id in one line, as add does', async () => {
    const dir = tmp.path('hopper')
    cpSync('test/fixtures/tasks/minimal', dir, { recursive: true })
    writeFileSync(join(dir, 'task.json'), JSON.stringify({ id: 'hopper', model: 'slider.xml' }))
    for (const cmd of [
      ['tasks', 'check', dir],
      ['tasks', 'add', dir, '--db', tmp.path('ws.db')],
    ]) {
      const io = capture()
      expect(await main(cmd, io)).toBe(1)
      expect(io.stderr).toHaveLength(1)
      expect(io.stderr[0]).toMatch(
        /^iwb tasks (check|add): task\.json: id: 'hopper' is a shipped task; give your task another id$/,
      )
    }
  })
})
