// Your own robot learns from your demonstrations on the command line: `iwb run --algo bc --offline demos` on a task
// added with `iwb tasks add` (no expert) stores a session of the demonstrations' labels; algorithms that need the
// expert as oracle are refused in one line.
import { cpSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { main } from '../../../src/main/cli/main'
import { clearFolderTasks, makeEnv } from '../../../src/main/sim/registry'
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

/** A workspace with a task folder of the fixture's slider (a reward, a short horizon) and three demonstrations. */
async function workspaceWithDemos(db: string): Promise<{ episodes: number[]; states: number }> {
  const dir = tmp.path('my-slider')
  cpSync('test/fixtures/tasks/minimal', dir, { recursive: true })
  writeFileSync(
    join(dir, 'task.json'),
    JSON.stringify({
      id: TASK,
      model: 'slider.xml',
      horizon: 30,
      reward: [{ term: 'joint-error', joint: 'slide', target: 0.2 }],
      init: { qpos: { scale: 0.02 } },
    }),
  )
  expect(await main(['tasks', 'add', dir, '--db', db], capture())).toBe(0)
  const env = await makeEnv(TASK)
  const ws = openWorkspace(db)
  const episodes: number[] = []
  let states = 0
  try {
    for (let d = 0; d < 3; d++) {
      const rec = ws.startEpisode({ taskId: TASK, kind: 'demonstration', operator: 'ana' })
      let obs = env.reset(100 + d)
      for (let t = 0; t < 6 + d; t++) {
        const state = env.getState()
        // push toward the target, then hold
        const action = Float64Array.of(Math.max(-1, Math.min(1, 5 * (0.2 - obs[0]))), 0)
        const r = env.step(action)
        rec.append({ state, observation: obs, action, reward: r.reward, source: 'demonstration' })
        obs = r.observation
        states++
      }
      episodes.push(rec.finish({ keep: true }).episodeId)
    }
  } finally {
    ws.close()
    env.close()
  }
  clearFolderTasks() // as a new process starts: the CLI finds the task in the workspace
  return { episodes, states }
}

describe('iwb run on your own task', () => {
  it('bc --offline demos learns from the demonstrations without an expert; queries are refused in one line', async () => {
    const db = tmp.path('ws.db')
    const { episodes, states } = await workspaceWithDemos(db)
    expect(states).toBe(6 + 7 + 8)
    const argv = ['run', '--task', TASK, '--algo', 'bc', '--offline', 'demos', '--budget', '50']
    const more = ['--eval-every', '10', '--eval-episodes', '2', '--db', db]

    const io = capture()
    expect(await main([...argv, ...more, '--json'], io)).toBe(0)
    const line = JSON.parse(io.stdout[io.stdout.length - 1]) as Record<string, unknown>
    expect(line).toMatchObject({
      task: TASK,
      algo: 'bc',
      offline: 'demos',
      labels: states, // all of them: fewer than the budget
      cost: states,
      status: 'finished',
      expertReturn: null,
      expertSuccessRate: null,
      reused: false,
    })
    expect(typeof line.finalReturn).toBe('number')
    expect(line.finalReturn).toBeLessThan(0) // the joint-error term's weight is -1
    expect(line.note).toMatch(/hold 21 states, fewer than the offline share of 50/)

    const ws = openWorkspace(db, { readonly: true })
    try {
      const labels = ws.openSession(line.sessionId as number).labels()
      expect(labels).toHaveLength(states)
      expect(new Set(labels.map((l) => l.source))).toEqual(new Set(['demonstration']))
      expect(new Set(labels.map((l) => l.episodeId))).toEqual(new Set(episodes))
      // each label is the action the person took at that step
      for (const l of labels) {
        const step = ws.loadEpisode(l.episodeId!).steps[l.stepIndex!]
        expect(Array.from(l.action)).toEqual(Array.from(step.action))
      }
    } finally {
      ws.close()
    }

    // the same command again reports the stored session; the text says there is no expert to compare with
    clearFolderTasks()
    const again = capture()
    expect(await main([...argv, ...more], again)).toBe(0)
    expect(again.stdout.some((l) => l.startsWith(`no expert for ${TASK}; `))).toBe(true)
    expect(JSON.parse(again.stdout[again.stdout.length - 1])).toMatchObject({ reused: true, labels: states })

    for (const [algo, offline] of [
      ['stagger', []],
      ['warm-stagger', ['--offline', 'demos']],
    ] as const) {
      clearFolderTasks()
      const refused = capture()
      expect(await main(['run', '--task', TASK, '--algo', algo, ...offline, '--db', db], refused)).toBe(1)
      expect(refused.stderr).toEqual([
        `iwb run: task '${TASK}' is your own model (a task folder) and has no expert, which ${algo} needs to answer its queries: --algo bc --offline demos learns from your demonstrations alone (in the page a person answers queries)`,
      ])
    }
    clearFolderTasks()
    const bcExpert = capture()
    expect(await main(['run', '--task', TASK, '--algo', 'bc', '--db', db], bcExpert)).toBe(1)
    expect(bcExpert.stderr).toHaveLength(1)
    expect(bcExpert.stderr[0]).toMatch(
      /has no expert, which bc needs for its offline labels: --algo bc --offline demos/,
    )
    // nothing was stored for the refused runs
    const after = openWorkspace(db, { readonly: true })
    try {
      expect(after.listSessions().length).toBe(1)
    } finally {
      after.close()
    }
  })
})
