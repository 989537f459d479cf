// The live person of a takeover session (learn/live-person.ts) reads the page's input that waited in the worker's
// queue while the task and the learner loaded: a person who held RB before the session started drives its first
// step, however long the loading took (under load the first input otherwise went stale, and step 0 was the learner's).
import { MessageChannel } from 'node:worker_threads'
import { describe, expect, it } from 'vitest'
import { LivePerson, type PersonInput } from '../../../src/main/learn/live-person'
import { makeEnv, taskInfo } from '../../../src/main/sim/registry'

describe('LivePerson', () => {
  it("takes the page's queued input before an episode's first step", async () => {
    const env = await makeEnv('reacher-arm')
    const task = taskInfo('reacher-arm')
    let clock = 0
    const person = new LivePerson({ sessionId: 1, task, publish: () => {}, now: () => clock })
    const { port1, port2 } = new MessageChannel()
    port2.on('message', (m: PersonInput) => person.steer(m))
    try {
      // held before the start; then the loading took a second: that input is stale
      person.steer({ held: true, action: new Array(task.actDim).fill(0.1) })
      clock += 1000
      // the page went on sending while the worker was busy: it waits in the queue
      port1.postMessage({ held: true, action: new Array(task.actDim).fill(0.2) })
      const obs = env.reset(0)
      const control = await person.control({
        env,
        observation: obs,
        learnerAction: new Float64Array(task.actDim),
        step: 0,
        episode: 0,
      })
      expect(Array.from(control.action ?? [])).toEqual(new Array(task.actDim).fill(0.2))
    } finally {
      port1.close()
      env.close()
    }
  })

  it('without a page, the first step waits for input at most staleMs, then the learner drives', async () => {
    const env = await makeEnv('reacher-arm')
    const task = taskInfo('reacher-arm')
    const person = new LivePerson({ sessionId: 1, task, publish: () => {}, staleMs: 150 })
    try {
      const t0 = performance.now()
      const control = await person.control({
        env,
        observation: env.reset(0),
        learnerAction: new Float64Array(task.actDim),
        step: 0,
        episode: 0,
      })
      expect(control.action).toBeNull()
      expect(performance.now() - t0).toBeGreaterThanOrEqual(140)
    } finally {
      env.close()
    }
  })
})
