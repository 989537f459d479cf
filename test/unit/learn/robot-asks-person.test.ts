// ThriftyDAgger and EnsembleDAgger with a person in the page (learn/algorithms/person-takeover.ts): no frozen query
// is asked; every step goes to the person, marked where the robot asks them to take over, and the steps they hold
// are the labels ('intervention', their action and seconds). A scripted person here takes over whenever asked and
// lets go after three steps.
import { describe, expect, it } from 'vitest'
import { sessionConfig } from '../../../src/shared/session-config'
import { makeEnv, taskInfo } from '../../../src/main/sim/registry'
import { expertFor } from '../../../src/main/experts/registry'
import { policyFromSpec } from '../../../src/main/sim/policy-spec'
import { MemorySessionLog } from '../../../src/main/learn/session-log'
import { runSession } from '../../../src/main/learn/session-runner'
import type { Control, Supervisor, TakeoverStep } from '../../../src/main/learn/algorithms/hg-dagger'
import type { Oracle } from '../../../src/main/learn/oracle'

const TASK = 'two-way'

class AskedPerson implements Supervisor {
  readonly kind = 'human' as const
  readonly steps: { asked: boolean; held: boolean }[] = []
  private left = 0
  private readonly expert = policyFromSpec(expertFor(TASK))
  async control(s: TakeoverStep): Promise<Control> {
    if (s.asked && this.left === 0) this.left = 3
    const held = this.left > 0
    if (held) this.left--
    this.steps.push({ asked: s.asked === true, held })
    return { action: held ? Float64Array.from(this.expert.act(s.observation)) : null, seconds: 0.05 }
  }
  endEpisode(): void {
    this.left = 0
  }
}

const noQueries: Oracle = {
  kind: 'human',
  answer: () => Promise.reject(new Error('a person in the page is asked to take over, not queried')),
}

describe.each(['thrifty-dagger', 'ensemble-dagger'] as const)('%s with a person in the page', (algo) => {
  it('asks them to take over, and the steps they hold are its labels', async () => {
    const log = new MemorySessionLog(
      sessionConfig({
        taskId: TASK,
        algo,
        algoParams: { members: 2 },
        oracle: 'human',
        budget: 12,
        evalEvery: 12,
        evalEpisodes: 1,
        seed: 3,
      }),
    )
    const person = new AskedPerson()
    const expert = expertFor(TASK)
    const r = await runSession({ log, oracle: noQueries, expert, makeEnv, supervisor: person })
    expect(r.status).toBe('finished')
    const labels = log.labels()
    expect(labels.length).toBe(12)
    expect(labels.every((l) => l.source === 'intervention' && l.humanSeconds === 0.05)).toBe(true)
    expect(log.queries()).toEqual([])
    // a fresh learner asks at once; the person drove exactly the steps they held, each a label
    expect(person.steps[0]).toEqual({ asked: true, held: true })
    expect(person.steps.filter((s) => s.held).length).toBe(labels.length)
    expect(r.humanSeconds).toBeCloseTo(12 * 0.05, 9)
    expect(taskInfo(TASK).actDim).toBe(labels[0].action.length)
  })
})
