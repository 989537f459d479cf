// teleop.*: a real worker thread with a real MuJoCo simulation, recording into a real SQLite workspace.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Frame } from '../../../src/shared/contract'
import { createWorkbench, type Workbench } from '../../../src/main/api/compose'
import { connectInProcess, type InProcessApi } from '../../../src/main/api/in-process'
import { teleopService } from '../../../src/main/api/services/teleop'
import { demosService } from '../../../src/main/api/services/demos'
import { openWorkspace } from '../../../src/main/store'
import { makeEnv } from '../../../src/main/sim/registry'
import { waitFor } from '../../wait-for'

describe('teleop service', () => {
  let dir: string
  let file: string
  let wb: Workbench
  let api: InProcessApi

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'iwb-teleop-'))
    file = join(dir, 'ws.sqlite')
    wb = await createWorkbench({ workspaceFile: file }, [teleopService, demosService])
    api = connectInProcess(wb.handlers, wb.broadcaster)
  })

  afterEach(async () => {
    api.close()
    await wb.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('opens a task, streams frames, records an episode with every step into the store, and replays it', async () => {
    const frames: Frame[] = []
    api.on('sim.frame', (f) => frames.push(f))
    const opened = await api.call('teleop.open', { taskId: 'point-maze', seed: 3 })
    expect(opened.task.id).toBe('point-maze')
    expect(opened.geometry.geoms.length).toBeGreaterThan(0)
    expect(opened.frame.xpos.length).toBe(opened.geometry.nbody * 3)

    await api.call('teleop.action', { action: opened.task.actionHigh.map((h) => h * 0.5) })
    const rec = await api.call('teleop.record', { command: 'start' })
    expect(rec.recording).toBe(true)
    expect(rec.episodeId).not.toBeNull()
    // Let the loop run in real time for a moment at the task's control rate.
    await waitFor(() => frames.filter((f) => f.recording).length > 20, { message: 'recorded frames' })
    const stopped = await api.call('teleop.record', { command: 'stop' })
    expect(stopped.recording).toBe(false)
    expect(stopped.steps).toBeGreaterThan(3)
    const kept = await api.call('teleop.record', { command: 'keep' })
    expect(kept.episodeId).toBe(rec.episodeId)
    expect(kept.steps).toBe(stopped.steps)
    expect(frames.some((f) => f.controlHz !== undefined)).toBe(true)

    // What the store holds: every step with the full state, observation, the (clipped) held action, source.
    const ws = openWorkspace(file)
    try {
      const ep = ws.loadEpisode(kept.episodeId!)
      expect(ep.info.complete).toBe(true)
      expect(ep.info.kind).toBe('demonstration')
      expect(ep.steps.length).toBe(kept.steps)
      expect(ep.steps.map((s) => s.index)).toEqual(ep.steps.map((_, i) => i))
      for (const s of ep.steps) {
        expect(s.source).toBe('demonstration')
        expect(s.observation.length).toBe(opened.task.obsDim)
        expect(Array.from(s.action)).toEqual(opened.task.actionHigh.map((h) => h * 0.5))
        expect(s.state.length).toBeGreaterThan(opened.task.obsDim - 1)
      }
      // The point moves under a held action: consecutive states differ.
      expect(Array.from(ep.steps[0].state)).not.toEqual(Array.from(ep.steps[ep.steps.length - 1].state))
    } finally {
      ws.close()
    }

    const demos = await api.call('demos.list', { taskId: 'point-maze' })
    expect(demos.map((d) => d.episodeId)).toContain(kept.episodeId)
    const replay = await api.call('demos.replay', { episodeId: kept.episodeId! })
    expect(replay.frames.length).toBe(kept.steps)
    expect(replay.geometry.taskId).toBe('point-maze')
    // Replay frames are the recorded states: frame i+1 is what one physics step from state i with action i gives.
    const env = await makeEnv('point-maze')
    const ws2 = openWorkspace(file)
    try {
      const ep = ws2.loadEpisode(kept.episodeId!)
      for (let i = 0; i + 1 < ep.steps.length; i++) {
        env.setState(ep.steps[i].state)
        env.step(ep.steps[i].action)
        // mj_step leaves xpos at the start of its last substep; setState runs mj_forward on the reached state.
        env.setState(env.getState())
        const f = env.frame()
        expect(replay.frames[i + 1].step).toBe(i + 1)
        f.xpos.forEach((v, k) => expect(replay.frames[i + 1].xpos[k]).toBeCloseTo(v, 9))
      }
      expect(replay.frames[0].action).toEqual(Array.from(ep.steps[0].action))
    } finally {
      ws2.close()
      env.close()
    }
  })

  it('discards a recording, pauses, steps, seeks back, and rejects bad payloads', async () => {
    const opened = await api.call('teleop.open', { taskId: 'cartpole' })
    await expect(api.call('teleop.action', { action: [1, 2, 3, 4, 5] })).rejects.toThrow(/takes/)
    await expect(api.callRaw('teleop.action', { action: [Number.NaN] })).rejects.toThrow(/invalid input/)
    await expect(api.callRaw('teleop.action', { action: 'left' })).rejects.toThrow(/invalid input/)
    await expect(api.callRaw('teleop.control', { command: 'fly' })).rejects.toThrow(/invalid input/)
    await expect(api.callRaw('teleop.record', { command: 'start', extra: 1 })).rejects.toThrow(/invalid input/)
    // Out-of-range actions are clipped, not refused.
    expect(await api.call('teleop.action', { action: opened.task.actionHigh.map((h) => h * 10) })).toEqual({ ok: true })

    const frames: Frame[] = []
    api.on('sim.frame', (f) => frames.push(f))
    const rec = await api.call('teleop.record', { command: 'start' })
    await waitFor(() => frames.some((f) => f.recording), { message: 'a recorded frame' })
    const dropped = await api.call('teleop.record', { command: 'discard' })
    expect(dropped.episodeId).toBeNull()
    const ws = openWorkspace(file)
    try {
      expect(() => ws.episodeInfo(rec.episodeId!)).toThrow(/no episode/)
    } finally {
      ws.close()
    }

    // Record began a fresh episode: let it run a few steps (released, so the pole stays up) to seek back through
    await api.call('teleop.action', { action: opened.task.actionHigh.map(() => 0) })
    await waitFor(() => (frames[frames.length - 1]?.step ?? 0) >= 5, { message: 'five steps of the new episode' })
    const paused = await api.call('teleop.control', { command: 'pause' })
    expect(paused.paused).toBe(true)
    const a = await api.call('teleop.control', { command: 'step' })
    const b = await api.call('teleop.control', { command: 'step' })
    expect(b.step).toBe(a.step + 1)
    const back = await api.call('teleop.control', { command: 'seek', value: a.step - 3 })
    expect(back.step).toBe(a.step - 3)
    expect(back.paused).toBe(true)
    const reset = await api.call('teleop.control', { command: 'reset', value: 5 })
    expect(reset.step).toBe(0)
    const fast = await api.call('teleop.control', { command: 'speed', value: 2 })
    expect(fast.speed).toBe(2)
  })

  it('keeps a recording as interrupted when the window closes mid-recording', async () => {
    const frames: Frame[] = []
    api.on('sim.frame', (f) => frames.push(f))
    await api.call('teleop.open', { taskId: 'cartpole', seed: 1 })
    const rec = await api.call('teleop.record', { command: 'start' })
    await waitFor(() => frames.filter((f) => f.recording).length > 3, { message: 'recorded frames' })
    api.close()
    const ws = openWorkspace(file)
    try {
      await waitFor(() => ws.listEpisodes({ kind: 'demonstration' }).length > 0, { message: 'the interrupted episode' })
      const info = ws.episodeInfo(rec.episodeId!)
      expect(info).toMatchObject({ complete: false, interrupted: true })
      expect(info.steps).toBeGreaterThan(0)
      expect(ws.loadEpisode(rec.episodeId!).steps).toHaveLength(info.steps)
    } finally {
      ws.close()
    }
  })

  it('refuses teleop calls before open and locomotion tasks meant for experts', async () => {
    await expect(api.call('teleop.action', { action: [0] })).rejects.toThrow(/teleop.open/)
    await expect(api.call('teleop.open', { taskId: 'hopper' })).rejects.toThrow(/not an operator task/)
  })
})
