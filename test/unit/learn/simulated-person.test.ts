// The simulated person (learn/simulated-person.ts): its hand's bias and spread and its seconds as the model says,
// skips at its rate, and sessions answered by it on reacher-arm's scripted expert: every label it gives carries
// the expert's action, and a session resumed from a checkpoint draws exactly what an uninterrupted one draws.
import { describe, expect, it } from 'vitest'
import type { TaskInfo } from '../../../src/shared/contract'
import { parsePersonText, personText } from '../../../src/shared/person-model'
import { sessionConfig } from '../../../src/shared/session-config'
import { mean, std } from '../../../src/shared/stats'
import { createRng } from '../../../src/main/sim/rng'
import { makeEnv, taskInfo } from '../../../src/main/sim/registry'
import { expertFor } from '../../../src/main/experts/registry'
import { policyFromSpec } from '../../../src/main/sim/policy-spec'
import { MemorySessionLog } from '../../../src/main/learn/session-log'
import { runSession } from '../../../src/main/learn/session-runner'
import { PersonHand, PersonOracle } from '../../../src/main/learn/simulated-person'
import type { Query } from '../../../src/main/learn/oracle'

/** Two action dimensions with wide bounds, so nothing a test draws is clipped. */
const WIDE = { id: 'wide', actDim: 2, actionLow: [-100, -100], actionHigh: [100, 100], controlHz: 20 } as TaskInfo

const query = (over: Partial<Query> = {}): Query => ({
  taskId: 'reacher-arm',
  observation: new Float64Array(taskInfo('reacher-arm').obsDim),
  state: null,
  proposedAction: new Float64Array(2),
  ...over,
})

describe('the simulated person', () => {
  it("moves the expert's action by its bias and spread, as fractions of the range", () => {
    const hand = new PersonHand(parsePersonText('person:noise=0.01/0.03,bias=0.02/-0.01'), WIDE)
    const rng = createRng(5)
    const errors: number[][] = [[], []]
    for (let k = 0; k < 4000; k++) {
      const a = hand.act([1, -2], rng)
      errors[0].push((a[0] - 1) / 200)
      errors[1].push((a[1] + 2) / 200)
    }
    expect(mean(errors[0])).toBeCloseTo(0.02, 3)
    expect(mean(errors[1])).toBeCloseTo(-0.01, 3)
    expect(std(errors[0])).toBeCloseTo(0.01, 3)
    expect(std(errors[1])).toBeCloseTo(0.03, 2)
    // clipped to the task's bounds like any answer
    const tight = new PersonHand(parsePersonText('person:bias=1'), { ...WIDE, actionLow: [-1, -1], actionHigh: [1, 1] })
    expect(Array.from(tight.act([0.5, 0], createRng(1)))).toEqual([1, 1])
  })

  it('takes the median seconds per query, spread lognormally, and adds a context switch when the robot turned to it', async () => {
    const model = parsePersonText('person:query=6,querySpread=0.4,switch=2.5,skip=0.2')
    const oracle = new PersonOracle(model, taskInfo('reacher-arm'), expertFor('reacher-arm'))
    const rng = createRng(9)
    const seconds: number[] = []
    let skipped = 0
    for (let k = 0; k < 3000; k++) {
      const a = await oracle.answer(query({ rng }))
      if (a) seconds.push(a.humanSeconds!)
      else skipped++
    }
    expect(skipped / 3000).toBeGreaterThan(0.17)
    expect(skipped / 3000).toBeLessThan(0.23)
    const logs = seconds.map(Math.log)
    expect(Math.exp(mean(logs))).toBeGreaterThan(5.6)
    expect(Math.exp(mean(logs))).toBeLessThan(6.4)
    expect(std(logs)).toBeCloseTo(0.4, 1)
    // the same draws with a context switch: 2.5 s more, nothing else changes
    const always = new PersonOracle({ ...model, skip: 0 }, taskInfo('reacher-arm'), expertFor('reacher-arm'))
    const [plain, switched] = await Promise.all(
      [false, true].map((contextSwitch) => always.answer(query({ rng: createRng(3), contextSwitch }))),
    )
    expect(switched!.humanSeconds! - plain!.humanSeconds!).toBeCloseTo(2.5, 9)
    expect(Array.from(switched!.action)).toEqual(Array.from(plain!.action))
    await expect(oracle.answer(query())).rejects.toThrow(/session's generator/)
  })

  it('refuses a per-dimension model of another action size in one line', () => {
    expect(() => new PersonHand(parsePersonText('person:noise=0.1/0.1/0.1'), WIDE)).toThrow(
      /noise lists 3 dimensions, the task's actions have 2/,
    )
  })
})

describe('a session answered by a simulated person', () => {
  const TASK = 'reacher-arm'
  const expert = expertFor(TASK)
  const PERSON = 'person:noise=0.2,bias=0.05,skip=0.25,query=4,demo=0.05'
  const config = (algo: 'stagger' | 'warm-stagger' | 'hg-dagger') =>
    sessionConfig({
      taskId: TASK,
      algo,
      oracle: PERSON,
      budget: 24,
      seed: 7,
      evalEvery: 12,
      evalEpisodes: 1,
    })
  const oracle = () => new PersonOracle(parsePersonText(PERSON), taskInfo(TASK), expert)

  it("stores the expert's action beside each of its labels, its seconds, and the queries it skipped", async () => {
    const log = new MemorySessionLog(config('warm-stagger'))
    const r = await runSession({ log, oracle: oracle(), expert, makeEnv })
    expect(r.status).toBe('finished')
    expect(log.config.oracle).toBe(personText(parsePersonText(PERSON)))
    const labels = log.labels()
    const offline = labels.filter((l) => l.source === 'offline')
    const queries = labels.filter((l) => l.source === 'query')
    expect(offline.length).toBeGreaterThan(0)
    expect(queries.length).toBeGreaterThan(0)
    const policy = policyFromSpec(expert)
    for (const l of labels) {
      // the expert's action at the label's own state, and the person's differs from it
      expect(Array.from(l.expertAction!)).toEqual(Array.from(policy.act(Float64Array.from(l.observation))))
      expect(Array.from(l.action)).not.toEqual(Array.from(l.expertAction!))
    }
    expect(offline.every((l) => l.humanSeconds === 0.05)).toBe(true)
    expect(queries.every((l) => l.humanSeconds! > 0 && l.humanSeconds !== 4)).toBe(true)
    expect(r.humanSeconds).toBeCloseTo(
      labels.reduce((s, l) => s + l.humanSeconds!, 0),
      9,
    )
    // skipped queries are stored abandoned, with no label
    const skipped = log.queries().filter((q) => q.labelId === null && q.abandonedAt !== null)
    expect(skipped.length).toBeGreaterThan(0)
    expect(log.queries().length).toBe(queries.length + skipped.length)
  })

  it('draws the same person after a resume from a checkpoint as without one', async () => {
    const whole = new MemorySessionLog(config('stagger'))
    await runSession({ log: whole, oracle: oracle(), expert, makeEnv })
    const split = new MemorySessionLog(config('stagger'))
    const first = await runSession({ log: split, oracle: oracle(), expert, makeEnv, stopAfterLabels: 7 })
    expect(first.status).toBe('paused')
    expect(split.labels().length).toBeLessThan(whole.labels().length)
    await runSession({ log: split, oracle: oracle(), expert, makeEnv })
    const view = (log: MemorySessionLog) =>
      log.labels().map((l) => [Array.from(l.action), l.humanSeconds, Array.from(l.expertAction!)])
    expect(view(split)).toEqual(view(whole))
    expect(split.queries().map((q) => q.labelId === null)).toEqual(whole.queries().map((q) => q.labelId === null))
    expect(split.evaluations().map((e) => e.returns)).toEqual(whole.evaluations().map((e) => e.returns))
  })

  it('takes over with its own hand and is priced at its seconds per takeover second', async () => {
    const log = new MemorySessionLog(config('hg-dagger'))
    await runSession({ log, oracle: oracle(), expert, makeEnv })
    const labels = log.labels().filter((l) => l.source !== 'policy')
    expect(labels.length).toBeGreaterThan(0)
    const period = 1 / taskInfo(TASK).controlHz
    for (const l of labels) {
      expect(l.source).toBe('intervention')
      expect(l.humanSeconds).toBeCloseTo(period, 12)
      expect(Array.from(l.action)).not.toEqual(Array.from(l.expertAction!))
    }
    // the learner's own steps are kept beside them at no cost, with the expert's action (the takeovers' lead-up)
    const own = log.labels().filter((l) => l.source === 'policy')
    expect(own.length).toBeGreaterThan(0)
    expect(own.every((l) => l.cost === 0 && l.humanSeconds === null && l.expertAction?.length === 2)).toBe(true)
  })

  it.each(['thrifty-dagger', 'ensemble-dagger'] as const)(
    'drives %s when asked and is priced per held step, plus a context switch at the first, not per query',
    async (algo) => {
      const person = 'person:noise=0.1,query=4,switch=2'
      const log = new MemorySessionLog(
        sessionConfig({ taskId: TASK, algo, oracle: person, budget: 24, seed: 7, evalEvery: 24, evalEpisodes: 1 }),
      )
      await runSession({
        log,
        oracle: new PersonOracle(parsePersonText(person), taskInfo(TASK), expert),
        expert,
        makeEnv,
      })
      const period = 1 / taskInfo(TASK).controlHz
      const byId = new Map(log.labels().map((l) => [l.id, l]))
      const asked = log.queries().filter((q) => q.labelId !== null)
      expect(asked.length).toBeGreaterThan(0)
      expect(asked.some((q) => q.contextSwitch)).toBe(true)
      for (const q of asked)
        expect(byId.get(q.labelId!)!.humanSeconds).toBeCloseTo(period + (q.contextSwitch ? 2 : 0), 12)
    },
  )
})
