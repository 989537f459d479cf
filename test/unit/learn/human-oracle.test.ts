// HumanOracle on its own: prompts with the lead-up frames of a real rollout, slow answers, skips and aborts.
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { QueryPrompt } from '../../../src/shared/contract'
import { HumanOracle, promptFrames, withStateHistory } from '../../../src/main/learn/human-oracle'
import { askOracle } from '../../../src/main/learn/oracle'
import type { Env } from '../../../src/main/sim/env'
import { makeEnv } from '../../../src/main/sim/registry'

const envs: Env[] = []
afterEach(() => {
  for (const e of envs.splice(0)) e.close()
})

async function setup(): Promise<{
  oracle: HumanOracle
  prompts: QueryPrompt[]
  env: Env
  query: () => Parameters<HumanOracle['answer']>[0]
}> {
  const [raw, viewer] = await Promise.all([makeEnv('cartpole'), makeEnv('cartpole')])
  envs.push(raw, viewer)
  const { env, history } = withStateHistory(raw, 1)
  const prompts: QueryPrompt[] = []
  let id = 10
  const oracle = new HumanOracle({
    sessionId: 4,
    task: env.task,
    publish: (p) => prompts.push(p),
    nextQueryId: () => id++,
    frames: (q) => promptFrames(viewer, q, history.states().slice(0, -1)),
  })
  let obs = env.reset(3)
  for (let k = 0; k < 80; k++) obs = env.step([0.2]).observation
  const query = () => ({
    taskId: 'cartpole',
    observation: obs,
    state: env.getState(),
    proposedAction: Float64Array.of(0.5),
    step: 80,
  })
  return { oracle, prompts, env, query }
}

describe('HumanOracle', () => {
  it('publishes the queried frame with the second before it and waits as long as the person takes', async () => {
    const { oracle, prompts, query } = await setup()
    const pending = oracle.answer(query())
    expect(prompts).toHaveLength(1)
    const p = prompts[0]
    expect(p).toMatchObject({ queryId: 10, sessionId: 4, taskId: 'cartpole', proposedAction: [0.5] })
    expect(p.lead).toHaveLength(50) // one second at 50 Hz
    expect(p.lead.map((f) => f.step)).toEqual(Array.from({ length: 50 }, (_, i) => 30 + i))
    expect(p.frame.step).toBe(80)
    expect(p.lead[49].xpos).not.toEqual(p.frame.xpos)
    // a slow answer is fine: a minute passes (on fake timers) and the prompt still waits
    vi.useFakeTimers()
    try {
      await vi.advanceTimersByTimeAsync(60_000)
    } finally {
      vi.useRealTimers()
    }
    expect(oracle.prompts()).toEqual([p])
    expect(() => oracle.commit(10, { action: [0, 1], commitMs: 5, firstInputMs: null })).toThrow(/takes 1/)
    expect(() => oracle.commit(99, { action: [0], commitMs: 5, firstInputMs: null })).toThrow(/not waiting/)
    oracle.commit(10, { action: [7], commitMs: 2500, firstInputMs: 300, operator: 'ada' })
    const a = await pending
    if (!a || 'passed' in a) throw new Error(`expected an answer, got ${JSON.stringify(a)}`)
    expect(Array.from(a.action)).toEqual([1]) // clipped to the bounds
    expect(a).toMatchObject({ humanSeconds: 2.5, firstInputMs: 300, operator: 'ada' })
    expect(oracle.prompts()).toEqual([])
  })

  it('settles a skip as a pass with its operator, and with null on abort and when every query is abandoned', async () => {
    const { oracle, query } = await setup()
    const skipped = oracle.answer(query())
    expect(oracle.skip(10)).toBe(true)
    expect(await skipped).toEqual({ passed: true })
    expect(oracle.skip(10)).toBe(false)
    const named = oracle.answer(query())
    expect(() => oracle.skip(11, 'x'.repeat(1000))).toThrow(/operator/) // a name the workspace would not store
    expect(oracle.skip(11, 'ada')).toBe(true)
    expect(await named).toEqual({ passed: true, operator: 'ada' })

    const ctl = new AbortController()
    const aborted = askOracle(oracle, query(), ctl.signal)
    ctl.abort('pause')
    expect(await aborted).toBeNull()
    expect(oracle.prompts()).toEqual([])

    const gone = oracle.answer(query())
    oracle.abandonAll()
    expect(await gone).toBeNull()
  })
})
