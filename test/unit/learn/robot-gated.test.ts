// The robot-gated algorithms (EnsembleDAgger, ThriftyDAgger) with the expert as oracle: they run to their budget
// with an ensemble of learners, ask at fewer states than they visit, count their context switches, answer to
// their thresholds, and a session stopped and resumed stores exactly what one never stopped stores.
import { describe, expect, it } from 'vitest'
import { makeEnv } from '../../../src/main/sim/registry'
import { expertFor } from '../../../src/main/experts/registry'
import { MemorySessionLog, type SessionConfig } from '../../../src/main/learn/session-log'
import { runSession } from '../../../src/main/learn/session-runner'
import { ExpertOracle } from '../../../src/main/learn/oracle'
import { sessionConfig } from '../../../src/shared/session-config'
import { EnsembleDAgger } from '../../../src/main/learn/algorithms/ensemble-dagger'
import { EnsembleDaggerParams, ThriftyDaggerParams } from '../../../src/shared/algorithms'
import { ThriftyDAgger, quantile } from '../../../src/main/learn/algorithms/thrifty-dagger'
import { RiskCritic, riskTargets } from '../../../src/main/learn/algorithms/thrifty-dagger/risk-critic'
import type { GateTally } from '../../../src/main/learn/algorithms/doubt'

// two-way: short episodes that end on success, so a session of a small budget sees several
const TASK = 'two-way'
const expert = expertFor(TASK)

function config(algoParams: Record<string, unknown>, over: Partial<SessionConfig> = {}): SessionConfig {
  return sessionConfig({
    taskId: TASK,
    algo: 'ensemble-dagger',
    algoParams,
    budget: 150,
    seed: 3,
    evalEvery: 75,
    evalEpisodes: 2,
    ...over,
  })
}

async function run(c: SessionConfig, log = new MemorySessionLog(c), stopAfterLabels?: number) {
  const algorithm =
    c.algo === 'thrifty-dagger'
      ? new ThriftyDAgger(ThriftyDaggerParams.parse(c.algoParams))
      : new EnsembleDAgger(EnsembleDaggerParams.parse(c.algoParams))
  const oracle = new ExpertOracle(expert)
  const switches: boolean[] = []
  const counting = {
    kind: oracle.kind,
    answer: (q: Parameters<typeof oracle.answer>[0], s?: AbortSignal) => {
      switches.push(q.contextSwitch === true)
      return oracle.answer(q, s)
    },
  }
  // a resumed session's algorithm continues from the checkpoint's bookkeeping
  const stored = log.checkpoint()
  if (stored) algorithm.restore(stored.algorithm)
  const result = await runSession({ log, oracle: counting, expert, makeEnv, algorithm, stopAfterLabels })
  return { log, result, tally: algorithm.counts() as GateTally, switches }
}

// each session trains several learners on two cores shared with other work: minutes, not the default 60 s
describe('EnsembleDAgger', { timeout: 180_000 }, () => {
  it('asks where its learners disagree: fewer states than it visits, each return to the person a context switch', async () => {
    const { result, tally, switches, log } = await run(config({ members: 3, spread: 0.02, safety: 0.1 }))
    expect(result.status).toBe('finished')
    expect(log.labels().length).toBeGreaterThan(0)
    expect(log.labels().every((l) => l.source === 'query')).toBe(true)
    expect(tally.asked).toBe(switches.length)
    expect(tally.asked).toBeLessThan(tally.steps)
    // a context switch each time the robot turns to the person after driving alone, and only then
    expect(tally.switches).toBe(switches.filter(Boolean).length)
    expect(tally.switches).toBeGreaterThan(0)
    expect(tally.switches).toBeLessThan(tally.asked)
    expect(log.evaluations().length).toBeGreaterThanOrEqual(2)
  })

  it('asks more as its threshold falls: every state at 0; above every spread only while nothing is learned', async () => {
    const at = async (spread: number) => (await run(config({ members: 3, spread, safety: 2 }))).tally
    const all = await at(0)
    const mid = await at(0.02)
    const none = await at(2)
    expect(all.asked).toBe(all.steps)
    expect(mid.asked / mid.steps).toBeLessThanOrEqual(all.asked / all.steps)
    expect(none.asked / none.steps).toBeLessThanOrEqual(mid.asked / mid.steps)
    // above every spread it asks only in its first episode (the oracle drives until a label is stored), then
    // drives three episodes on its own and stops
    expect(none.asked).toBeGreaterThan(0)
    expect(none.asked).toBeLessThan(none.steps)
    expect(none.switches).toBe(1)
    expect(none.episodes).toBe(4)
  })

  it('resumes exactly: stopped after each of two episodes, it stores the labels and the curve of a session never stopped', async () => {
    const c = config({ members: 3, spread: 0.02, safety: 0.1 }, { seed: 8, budget: 120, evalEvery: 40 })
    const whole = await run(c)
    const log = new MemorySessionLog(c)
    for (const stop of [1, 1]) expect((await run(c, log, stop)).result.status).toBe('paused')
    const rest = await run(c, log)
    expect(rest.result.status).toBe('finished')
    const a = whole.log.labels()
    const b = log.labels()
    expect(b.length).toBe(a.length)
    b.forEach((l, i) => {
      expect(Array.from(l.observation)).toEqual(Array.from(a[i].observation))
      expect(Array.from(l.action)).toEqual(Array.from(a[i].action))
    })
    expect(log.evaluations().map((e) => [e.labels, e.returns])).toEqual(
      whole.log.evaluations().map((e) => [e.labels, e.returns]),
    )
    expect(rest.tally).toEqual(whole.tally)
    // the ensemble's other learners are checkpointed and continue exactly: their final training states agree
    const members = log.checkpoint()!.members!
    expect(members).toHaveLength(2)
    expect(members).toEqual(whole.log.checkpoint()!.members)
  })
})

const thrifty = (algoParams: Record<string, unknown>, over: Partial<SessionConfig> = {}) =>
  config(algoParams, { algo: 'thrifty-dagger', ...over })

describe('ThriftyDAgger', { timeout: 180_000 }, () => {
  it('asks where the learner is novel: fewer states than it visits, each turn to the person counted', async () => {
    const { result, tally, switches, log } = await run(
      thrifty({ members: 3, switchRate: 0.05 }, { budget: 100, evalEvery: 50 }),
    )
    expect(result.status).toBe('finished')
    expect(log.labels().length).toBeGreaterThan(0)
    expect(tally.asked).toBe(switches.length)
    expect(tally.asked).toBeLessThan(tally.steps)
    expect(tally.switches).toBe(switches.filter(Boolean).length)
    expect(tally.switches).toBeGreaterThan(1)
  })

  it('turns to the person more often at a higher target rate of context switches', async () => {
    const low = (await run(thrifty({ members: 2, switchRate: 0.01 }, { budget: 160, evalEvery: 160, evalEpisodes: 1 })))
      .tally
    const high = (await run(thrifty({ members: 2, switchRate: 0.3 }, { budget: 160, evalEvery: 160, evalEpisodes: 1 })))
      .tally
    console.log(`switch rate 0.01: ${JSON.stringify(low)}; 0.3: ${JSON.stringify(high)}`)
    expect(high.switches / high.steps).toBeGreaterThan(low.switches / low.steps)
  })

  it('resumes exactly: thresholds, critic samples, labels and curve as a session never stopped', async () => {
    const c = thrifty({ members: 2, switchRate: 0.1 }, { seed: 9, budget: 120, evalEvery: 40 })
    const whole = await run(c)
    const log = new MemorySessionLog(c)
    for (const stop of [1, 1]) expect((await run(c, log, stop)).result.status).toBe('paused')
    const rest = await run(c, log)
    expect(rest.result.status).toBe('finished')
    expect(log.labels().map((l) => Array.from(l.action))).toEqual(whole.log.labels().map((l) => Array.from(l.action)))
    expect(log.evaluations().map((e) => e.returns)).toEqual(whole.log.evaluations().map((e) => e.returns))
    expect(log.checkpoint()!.algorithm).toEqual(whole.log.checkpoint()!.algorithm)
  })

  it("learns a critic of reaching failure: states before a failure are risky, a safe episode's are not", () => {
    const critic = new RiskCritic(2)
    const samples = [
      // an episode drifting right (x grows) that fails at its end, and one staying left that does not
      ...riskTargets(10, true, 0.8).map((y, t) => ({ x: [t / 10, 0], y })),
      ...riskTargets(10, false, 0.8).map((y, t) => ({ x: [-t / 10, 0], y })),
    ]
    critic.fit(samples)
    expect(critic.risk([0.9], [0])).toBeGreaterThan(0.5)
    expect(critic.risk([-0.9], [0])).toBeLessThan(0.1)
    expect(riskTargets(3, true, 0.5)).toEqual([0.25, 0.5, 1])
    expect(quantile([3, 1, 2, 4], 0.5)).toBe(2.5)
    expect(() => new RiskCritic(400)).toThrow(/at most 299 observation and action values, this task has 400/)
  })
})
