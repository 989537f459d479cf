import Database from 'better-sqlite3'
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { createInterface } from 'node:readline'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { checkIntegrity } from '../../../src/main/store/open'
import { openWorkspace } from '../../../src/main/store/workspace'
import { waitFor } from '../../wait-for'
import { fakeStep, tempDir } from './helpers'

let tmp: ReturnType<typeof tempDir>
beforeEach(() => (tmp = tempDir()))
afterEach(() => tmp.cleanup())

const stepsInFile = (file: string, episodeId: number): number => {
  const db = new Database(file, { readonly: true })
  try {
    return (db.prepare('SELECT count(*) AS n FROM steps WHERE episode_id = ?').get(episodeId) as { n: number }).n
  } finally {
    db.close()
  }
}

describe('EpisodeRecorder', () => {
  it('commits a kept episode atomically with its return and every step', () => {
    const ws = openWorkspace(tmp.path('keep.db'))
    const r = ws.startEpisode({ taskId: 'reacher', kind: 'demonstration' })
    const state = [0, 0, 0, 0]
    for (let i = 0; i < 250; i++) {
      const s = fakeStep(1, i)
      state.splice(0, 4, ...s.state) // the caller reuses its arrays: the recorder must have copied
      r.append({ ...s, state })
    }
    expect(ws.listEpisodes()).toHaveLength(0) // still recording: not listed
    const summary = r.finish({ keep: true })
    const expectedReturn = Array.from({ length: 250 }, (_, i) => i % 3).reduce((a, b) => a + b, 0)
    expect(summary).toEqual({
      episodeId: r.episodeId,
      steps: 250,
      ret: expectedReturn,
      kept: true,
    })
    const ep = ws.loadEpisode(r.episodeId)
    expect(ep.info).toMatchObject({
      complete: true,
      interrupted: false,
      steps: 250,
      ret: expectedReturn,
      kind: 'demonstration',
    })
    expect(ep.steps.map((s) => s.index)).toEqual(Array.from({ length: 250 }, (_, i) => i))
    expect(Array.from(ep.steps[123].state)).toEqual(fakeStep(1, 123).state)
    expect(Array.from(ep.steps[123].action)).toEqual(fakeStep(1, 123).action)
    expect(ws.listEpisodes({ taskId: 'reacher', kind: 'demonstration' })).toHaveLength(1)
    expect(ws.listEpisodes({ kind: 'rollout' })).toHaveLength(0)
    expect(() => r.append(fakeStep(1, 0))).toThrow(/already finished/)
    ws.close()
  })

  it('refuses a NaN or an infinity in a state, observation or action with one line, keeping the steps before it', () => {
    const ws = openWorkspace(tmp.path('finite.db'))
    const r = ws.startEpisode({ taskId: 'reacher', kind: 'demonstration' })
    r.append(fakeStep(1, 0))
    const bad = [
      { ...fakeStep(1, 1), state: [0, NaN, 0, 0] },
      { ...fakeStep(1, 1), observation: [Infinity, 0] },
      { ...fakeStep(1, 1), action: [0, -Infinity] },
    ]
    expect(() => r.append(bad[0])).toThrow(/^step 1 state\[1\] must be finite, got NaN; step not recorded$/)
    expect(() => r.append(bad[1])).toThrow(/^step 1 observation\[0\] must be finite, got Infinity/)
    expect(() => r.append(bad[2])).toThrow(/^step 1 action\[1\] must be finite, got -Infinity/)
    r.append(fakeStep(1, 1))
    expect(r.finish({ keep: true }).steps).toBe(2)
    expect(ws.loadEpisode(r.episodeId).steps.map((s) => s.index)).toEqual([0, 1])
    ws.close()
  })

  it('discards an episode and its flushed steps entirely', () => {
    const file = tmp.path('discard.db')
    const ws = openWorkspace(file)
    const r = ws.startEpisode({ taskId: 'reacher', kind: 'demonstration' }, { flushSteps: 10 })
    for (let i = 0; i < 95; i++) r.append(fakeStep(2, i)) // the tight loop forces synchronous flushes
    expect(r.flushedSteps).toBeGreaterThan(0)
    expect(r.finish({ keep: false }).kept).toBe(false)
    expect(ws.listEpisodes()).toHaveLength(0)
    expect(stepsInFile(file, r.episodeId)).toBe(0)
    ws.close()
  })

  it('flushes on the timer and after N steps, so another connection sees the steps before finish', async () => {
    const file = tmp.path('flush.db')
    const ws = openWorkspace(file)
    const byTimer = ws.startEpisode({ taskId: 'reacher', kind: 'rollout' }, { flushMs: 30, flushSteps: 1000 })
    for (let i = 0; i < 3; i++) byTimer.append({ ...fakeStep(3, i), source: 'policy' })
    expect(stepsInFile(file, byTimer.episodeId)).toBe(0)
    await waitFor(() => stepsInFile(file, byTimer.episodeId) === 3, { message: 'the timer flush' })

    const byCount = ws.startEpisode({ taskId: 'reacher', kind: 'rollout' }, { flushMs: 60_000, flushSteps: 10 })
    for (let i = 0; i < 10; i++) byCount.append({ ...fakeStep(4, i), source: 'query' })
    await waitFor(() => stepsInFile(file, byCount.episodeId) === 10, { message: 'the flush after 10 steps' })
    expect(ws.episodeInfo(byCount.episodeId)).toMatchObject({
      steps: 10,
      complete: false,
      interrupted: false,
    })
    byCount.finish({ keep: true })
    expect(ws.loadEpisode(byCount.episodeId).steps.every((s) => s.source === 'query')).toBe(true)

    // Closing with a recording open keeps what it has, marked interrupted.
    byTimer.append({ ...fakeStep(3, 3), source: 'intervention' })
    ws.close()
    const again = openWorkspace(file)
    const info = again.episodeInfo(byTimer.episodeId)
    expect(info).toMatchObject({
      complete: false,
      interrupted: true,
      steps: 4,
    })
    expect(again.loadEpisode(byTimer.episodeId).steps[3].source).toBe('intervention')
    again.close()
  })

  it('leaves a recording by a live process alone when another connection opens the file', () => {
    const file = tmp.path('shared.db')
    const first = openWorkspace(file)
    const rec = first.startEpisode({ taskId: 'reacher', kind: 'demonstration' }, { flushSteps: 5 })
    for (let i = 0; i < 50; i++) rec.append(fakeStep(5, i))
    rec.flush()
    // A second connection (a session worker thread does this) must not mistake it for a crash.
    const second = openWorkspace(file)
    expect(second.episodeInfo(rec.episodeId)).toMatchObject({ complete: false, interrupted: false, steps: 50 })
    expect(second.listEpisodes()).toHaveLength(0)
    second.close()
    rec.append(fakeStep(5, 50))
    expect(rec.finish({ keep: true }).steps).toBe(51)
    expect(first.episodeInfo(rec.episodeId)).toMatchObject({ complete: true, interrupted: false, steps: 51 })
    first.close()
  })

  it('survives SIGKILL mid-recording: committed episodes intact, the live one incomplete with its flushed steps', async () => {
    const file = tmp.path('crash.db')
    const script = fileURLToPath(new URL('./fixtures/record-child.ts', import.meta.url))
    const child = spawn(process.execPath, ['--import', 'tsx', script, file], {
      cwd: fileURLToPath(new URL('../../..', import.meta.url)),
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stderr = ''
    child.stderr.on('data', (d) => (stderr += String(d)))
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)))
    let committed: number[] = []
    let live = { episode: -1, flushed: 0 }
    const lines = createInterface({ input: child.stdout })
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`child gave no progress; stderr: ${stderr}`)), 30_000)
      lines.on('line', (line) => {
        const msg = JSON.parse(line) as {
          committed?: number[]
          episode?: number
          flushed?: number
        }
        if (msg.committed) committed = msg.committed
        if (msg.episode !== undefined) live = { episode: msg.episode, flushed: msg.flushed! }
        if (live.flushed >= 150) {
          clearTimeout(timer)
          child.kill('SIGKILL')
          resolve()
        }
      })
      exited.then(() => reject(new Error(`child exited early; stderr: ${stderr}`)), reject)
    })
    expect(await exited).toBe('SIGKILL')

    expect(checkIntegrity(file)).toMatchObject({ ok: true })
    const ws = openWorkspace(file)
    expect(committed).toHaveLength(2)
    committed.forEach((id, e) => {
      const ep = ws.loadEpisode(id)
      expect(ep.info).toMatchObject({
        complete: true,
        interrupted: false,
        steps: 100,
      })
      expect(ep.steps).toHaveLength(100)
      expect(Array.from(ep.steps[99].observation)).toEqual(fakeStep(e, 99).observation)
    })
    const interrupted = ws.loadEpisode(live.episode)
    expect(interrupted.info.complete).toBe(false)
    expect(interrupted.info.interrupted).toBe(true)
    expect(interrupted.steps.length).toBeGreaterThanOrEqual(live.flushed)
    expect(interrupted.info.steps).toBe(interrupted.steps.length)
    expect(interrupted.steps.map((s) => s.index)).toEqual(interrupted.steps.map((_, i) => i))
    expect(Array.from(interrupted.steps[140].state)).toEqual(fakeStep(7, 140).state)
    expect(ws.listEpisodes({ kind: 'demonstration' })).toHaveLength(3)
    ws.close()
    expect(checkIntegrity(file).ok).toBe(true)
  })
})
