// Per-episode quality figures and their outliers (issue 26 item 4): the figures of known inputs, the robust outlier
// rule, and `iwb dataset quality` on real cartpole demonstrations (MuJoCo) where one episode idles and one jerks.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { command as datasetCmd } from '../../../../src/main/cli/commands/dataset'
import type { CommandIO } from '../../../../src/main/cli/command'
import { makeEnv } from '../../../../src/main/sim/registry'
import { openWorkspace } from '../../../../src/main/store'
import { episodeQuality, flagOutliers, robustZ, type EpisodeQuality } from '../../../../src/main/store/datasets/quality'
import { tempDir } from '../helpers'

const base = { episodeId: 1, controlHz: 10, success: null, expertActions: null }

describe('quality figures', () => {
  it('counts idle steps, measures jerk and the distance from the expert', () => {
    const actions = [
      [0, 0],
      [0, 0],
      [1, 0],
      [2, 0],
      [3, 0],
      [5, 0],
    ].map((a) => Float64Array.from(a))
    const q = episodeQuality({ ...base, actions, rewards: [1, 2, 3, 0, 0, 0] })
    expect(q).toMatchObject({ steps: 6, seconds: 0.6, idleSeconds: 0.2, ret: 6 })
    // third differences of the first value: (2-3*1+3*0-0) = -1, (3-6+3-0) = 0, (5-9+6-1) = 1; two values each
    expect(q.jerk).toBeCloseTo(Math.sqrt(2 / (3 * 2)), 12)
    const ramp = episodeQuality({ ...base, actions: [0, 1, 2, 3, 4].map((x) => [x]), rewards: [0, 0, 0, 0, 0] })
    expect(ramp.jerk).toBe(0) // a steady ramp does not jerk
    const near = episodeQuality({
      ...base,
      actions: [
        [0, 0],
        [3, 4],
      ],
      rewards: [0, 0],
      expertActions: [
        [0, 0],
        [0, 0],
      ],
    })
    expect(near.expertDistance).toBe(2.5) // (0 + 5) / 2
  })

  it('flags a value far from the median in MADs (in mean deviations when most are equal), none of equal values', () => {
    // most never idle: the one that does stands out; values that do not spread have no outlier
    expect(robustZ([0, 0, 0, 0, 3.5, 0])[4]).toBeGreaterThan(3.5)
    expect(robustZ([2, 2, 2])).toEqual([0, 0, 0])
    expect(robustZ([1, 2, 3, 4, 100]).map((z) => Math.round(z * 100) / 100)).toEqual([-1.35, -0.67, 0, 0.67, 65.43])
    const eps = [10, 11, 12, 13, 90].map((steps, i): EpisodeQuality => ({
      episodeId: i,
      steps,
      seconds: steps,
      idleSeconds: 0,
      jerk: 0,
      ret: i,
      success: null,
      expertDistance: null,
      outliers: [],
    }))
    flagOutliers(eps)
    expect(eps.map((e) => e.outliers)).toEqual([[], [], [], [], ['steps']])
  })
})

describe('iwb dataset quality', () => {
  let tmp: ReturnType<typeof tempDir>
  let db: string
  const kinds = ['plain', 'plain', 'plain', 'plain', 'idle', 'jerky'] as const
  const ids: number[] = []

  beforeAll(async () => {
    tmp = tempDir()
    db = tmp.path('quality.iwb')
    const ws = openWorkspace(db)
    const env = await makeEnv('cartpole')
    try {
      kinds.forEach((kind, e) => {
        const rec = ws.startEpisode({ taskId: 'cartpole', kind: 'demonstration', operator: 'dana' })
        let obs = env.reset(e + 1)
        for (let i = 0; i < 40; i++) {
          const action =
            kind === 'idle' && i >= 5 ? [0] : kind === 'jerky' ? [i % 2 ? 1 : -1] : [0.3 * Math.sin(i / 8 + e)]
          const state = env.getState()
          const r = env.step(action)
          rec.append({ state, observation: obs, action, reward: r.reward, source: 'demonstration' })
          obs = r.observation
          if (r.terminated) break
        }
        rec.finish({ keep: true })
        ids.push(rec.episodeId)
      })
    } finally {
      env.close()
      ws.close()
    }
  })
  afterAll(() => tmp.cleanup())

  it('gives each demonstration its figures and flags the idle one and the jerky one', async () => {
    const lines: string[] = []
    const io: CommandIO = { out: (l) => lines.push(l), err: () => {}, tty: false }
    expect(await datasetCmd.run(['quality', '--db', db, '--task', 'cartpole', '--json'], io)).toBe(0)
    const { episodes } = JSON.parse(lines[lines.length - 1]) as { episodes: EpisodeQuality[] }
    expect(episodes.map((e) => e.episodeId)).toEqual(ids)
    const byKind = (k: string) => episodes[kinds.indexOf(k as never)]
    expect(byKind('idle').idleSeconds).toBeGreaterThan(0.5)
    expect(byKind('idle').outliers).toContain('idleSeconds')
    expect(byKind('jerky').outliers).toContain('jerk')
    expect(episodes.filter((_, i) => kinds[i] === 'plain').every((e) => !e.outliers.includes('jerk'))).toBe(true)
    for (const e of episodes) {
      expect(e.steps).toBeGreaterThan(0)
      // cartpole's scripted expert acts on every stored observation
      expect(e.expertDistance).toBeGreaterThan(0)
      expect(typeof e.success === 'boolean' || e.success === null).toBe(true)
    }
  })

  it('refuses an unknown subcommand and an unknown task in one line', async () => {
    const io: CommandIO = { out: () => {}, err: () => {}, tty: false }
    await expect(datasetCmd.run(['polish', '--db', db], io)).rejects.toThrow(/which\? one of quality/)
    await expect(datasetCmd.run(['quality', '--db', db, '--task', 'no-such'], io)).rejects.toThrow(/no-such/)
  })
})
