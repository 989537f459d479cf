// Recorded demonstrations as offline labels, on a real MuJoCo task (point-maze) with real trainers: BC draws
// exactly the chosen episodes' states without replacement (cost 1, the person's seconds each), WARM-STAGGER spends
// its offline share on them and then queries, fewer states than the share are all used (and said), and a session
// stopped and continued from its checkpoint stores exactly the labels of one never stopped.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { expertFor } from '../../../src/main/experts/registry'
import {
  DEMOS_USED_UP,
  RecordedDemos,
  demonstrationStates,
  type Demonstration,
} from '../../../src/main/learn/offline-source'
import { ExpertOracle } from '../../../src/main/learn/oracle'
import { MemorySessionLog, type SessionConfig, type StoredLabel } from '../../../src/main/learn/session-log'
import { runSession, type SessionProgress } from '../../../src/main/learn/session-runner'
import { policyFromSpec } from '../../../src/main/sim/policy-spec'
import { makeEnv } from '../../../src/main/sim/registry'
import { sessionConfig } from '../../../src/shared/session-config'
import { policyToRun } from '../../../src/shared/policy-config'

const TASK = 'point-maze'
const expert = expertFor(TASK)
let demos: Demonstration[] = []

/** A demonstration driven by the scripted expert (as a person with a pad would record one): steps and states. */
async function record(episodeId: number, seed: number, steps: number): Promise<Demonstration> {
  const env = await makeEnv(TASK)
  try {
    const policy = policyFromSpec(expert)
    let obs = env.reset(seed)
    const out: Demonstration['steps'] = []
    for (let i = 0; i < steps; i++) {
      const action = Float64Array.from(policy.act(obs))
      // a person's action is not the expert's: tell them apart in the labels
      action[0] = Math.max(-1, Math.min(1, action[0] * 0.9))
      out.push({ index: i, observation: Float64Array.from(obs), state: env.getState(), action })
      const r = env.step(action)
      if (r.terminated || r.truncated) break
      obs = r.observation
    }
    return { episodeId, secondsPerState: 0.05 * episodeId, steps: out }
  } finally {
    env.close()
  }
}

beforeAll(async () => {
  demos = [await record(3, 1, 12), await record(5, 2, 9), await record(8, 3, 14)]
})

function config(over: Partial<SessionConfig>): SessionConfig {
  return sessionConfig({ taskId: TASK, algo: 'bc', budget: 20, seed: 2, evalEvery: 10, evalEpisodes: 2, ...over })
}

async function run(c: SessionConfig, log = new MemorySessionLog(c), extra: { stopAfterLabels?: number } = {}) {
  const phases: string[] = []
  const result = await runSession({
    log,
    oracle: new ExpertOracle(expert),
    expert,
    makeEnv,
    demonstrations: demos,
    onProgress: (p: SessionProgress) => phases.push(p.phase),
    ...extra,
  })
  return { log, result, phases }
}

const key = (l: { episodeId: number | null; stepIndex: number | null }): string => `${l.episodeId}:${l.stepIndex}`

/** The stored step a demonstration label says it came from. */
function stepOf(l: StoredLabel) {
  const d = demos.find((x) => x.episodeId === l.episodeId)
  return d?.steps.find((s) => s.index === l.stepIndex)
}

describe('offline labels from recorded demonstrations', () => {
  it("BC draws exactly the chosen episodes' states, without replacement, cost 1 and the person's seconds each", async () => {
    const chosen = [3, 8]
    const states = demos.filter((d) => chosen.includes(d.episodeId)).reduce((n, d) => n + d.steps.length, 0)
    const c = config({ offline: { kind: 'demos', episodes: chosen, operator: null }, budget: states - 4 })
    const { log, result } = await run(c)
    const labels = log.labels()
    expect(result.status).toBe('finished')
    expect(labels.length).toBe(states - 4)
    expect(labels.every((l) => l.source === 'demonstration' && l.cost === 1)).toBe(true)
    expect(labels.every((l) => chosen.includes(l.episodeId!))).toBe(true)
    expect(new Set(labels.map(key)).size).toBe(labels.length) // without replacement
    for (const l of labels) {
      const s = stepOf(l)!
      expect(Array.from(l.observation)).toEqual(Array.from(s.observation))
      expect(Array.from(l.action)).toEqual(Array.from(s.action)) // the recorded action, not the expert's
      expect(l.humanSeconds).toBeCloseTo(0.05 * l.episodeId!, 12)
    }
    // drawn in a shuffled order, not the recording's
    const inOrder = labels.every((l, i) => i === 0 || key(labels[i - 1]) < key(l))
    expect(inOrder).toBe(false)
  })

  it('uses every state when the demonstrations hold fewer than the offline share, and says so', async () => {
    const c = config({ offline: { kind: 'demos', episodes: [5], operator: null }, budget: 40 })
    const { log, result, phases } = await run(c)
    const labels = log.labels()
    const held = demos[1].steps.length
    expect(held).toBeLessThan(40)
    expect(labels.length).toBe(held)
    expect(new Set(labels.map(key))).toEqual(new Set(demos[1].steps.map((s) => `5:${s.index}`)))
    expect(result.cost).toBe(held)
    expect(phases).toContain(DEMOS_USED_UP)
  })

  it('WARM-STAGGER spends its offline share on the demonstrations, then asks its queries', async () => {
    const c = config({
      algo: 'warm-stagger',
      algoParams: { fraction: 0.5 },
      budget: 30,
      costRatio: 3,
      offline: { kind: 'demos', episodes: null, operator: null },
    })
    const { log } = await run(c)
    const labels = log.labels()
    const sources = labels.map((l) => l.source)
    const firstQuery = sources.indexOf('query')
    expect(firstQuery).toBe(15) // floor(0.5 * 30) demonstration states first
    expect(sources.slice(0, 15).every((s) => s === 'demonstration')).toBe(true)
    expect(sources.slice(15).every((s) => s === 'query')).toBe(true)
    expect(labels.length - 15).toBe(5) // (30 - 15) / 3 queries
    expect(log.queries().filter((q) => q.committedAt !== null).length).toBe(5)
    expect(labels.slice(15).every((l) => l.episodeId === null)).toBe(true)

    // with fewer states than the share, all of them, then the rest of the budget on queries
    const short = config({
      algo: 'warm-stagger',
      algoParams: { fraction: 0.8 },
      budget: 30,
      costRatio: 2,
      offline: { kind: 'demos', episodes: [5], operator: null },
    })
    const s = (await run(short)).log.labels()
    const held = demos[1].steps.length
    expect(held).toBeLessThan(24)
    expect(s.filter((l) => l.source === 'demonstration').length).toBe(held)
    expect(s.filter((l) => l.source === 'query').length).toBe(Math.floor((30 - held) / 2))
  })

  it('continues the same draw after a stop: the same labels as a session never stopped', async () => {
    const c = config({
      algo: 'warm-stagger',
      algoParams: { fraction: 0.6 },
      budget: 24,
      costRatio: 2,
      offline: { kind: 'demos', episodes: [3, 5, 8], operator: null },
    })
    const whole = (await run(c)).log.labels()
    const log = new MemorySessionLog(c)
    for (const stop of [5, 6, 4]) {
      const r = await run(c, log, { stopAfterLabels: stop })
      expect(r.result.status).toBe('paused')
    }
    expect(log.labels().length).toBe(15)
    const rest = await run(c, log)
    expect(rest.result.status).toBe('finished')
    const resumed = log.labels()
    expect(resumed.length).toBe(whole.length)
    resumed.forEach((l, i) => {
      expect(key(l)).toBe(key(whole[i]))
      expect(Array.from(l.observation)).toEqual(Array.from(whole[i].observation))
      expect(Array.from(l.action)).toEqual(Array.from(whole[i].action))
    })
  })

  it("draws no learner step of an imported episode, but keeps it as the next label's history", async () => {
    // steps 4-6 of episode 3 were the learner's (a takeover's robot-driven part, imported)
    const mixed: Demonstration = {
      ...demos[0],
      steps: demos[0].steps.map((s) => ({ ...s, source: s.index >= 4 && s.index <= 6 ? 'policy' : 'demonstration' })),
    }
    expect(demonstrationStates([mixed])).toBe(demos[0].steps.length - 3)
    const c = config({
      budget: 100,
      offline: { kind: 'demos', episodes: [3], operator: null },
      policy: policyToRun({ id: 'chunk', params: { history: 2, hidden: [8], stepsPerLabel: 1 } }),
    })
    const log = new MemorySessionLog(c)
    await runSession({ log, oracle: new ExpertOracle(expert), expert, makeEnv, demonstrations: [mixed] })
    const drawn = log.labels().map((l) => l.stepIndex)
    expect([...drawn].sort((a, b) => a! - b!)).toEqual(demos[0].steps.map((s) => s.index).filter((i) => i < 4 || i > 6))
    // step 7's history is step 6, the learner's observation
    const seventh = log.labels().find((l) => l.stepIndex === 7)!
    expect(Array.from(seventh.context!.history)).toEqual(Array.from(demos[0].steps[6].observation))
  })

  it('refuses a checkpoint naming a demonstration that is gone', () => {
    const pool = new RecordedDemos(demos.slice(0, 2))
    expect(() => pool.restore({ episodes: [3, 8], seed: 1, taken: 2, usedUp: false })).toThrow(
      /demonstration 8 .*no longer/,
    )
  })
})

describe('the offline source in the session config', () => {
  it('has the expert by default, keeps episode ids sorted and unique, and refuses what cannot run', () => {
    expect(config({}).offline).toEqual({ kind: 'expert' })
    expect(config({ offline: { kind: 'demos', episodes: [8, 3, 8], operator: null } }).offline).toEqual({
      kind: 'demos',
      episodes: [3, 8],
      operator: null,
    })
    expect(() => config({ algo: 'stagger', offline: { kind: 'demos', episodes: [3], operator: null } })).toThrow(
      /only bc and warm-stagger/,
    )
    expect(() => config({ offline: { kind: 'demos', episodes: [3], operator: 'ana' } })).toThrow(
      /either the episodes or an operator/,
    )
    expect(() => config({ offline: { kind: 'demos', episodes: [], operator: null } })).toThrow(/offline/)
  })
})

afterAll(() => {
  demos = []
})
