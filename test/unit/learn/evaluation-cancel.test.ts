// Cancelling during a long evaluation (issue 27, item 10): the evaluator looks at its signal between episodes,
// locally and on a rollout pool, so a 1,000-episode evaluation stops within an episode or a small chunk; a hosted
// session cancelled while it evaluates is stored 'cancelled' in well under the 30 s the host would wait.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import {
  EvaluationStopped,
  evaluationEpisodes,
  localEvaluator,
  poolEvaluator,
} from '../../../src/main/learn/evaluation'
import { SessionHost } from '../../../src/main/session/host'
import type { LinearSpec } from '../../../src/main/sim/policy-spec'
import { makeEnv } from '../../../src/main/sim/registry'
import { RolloutPool } from '../../../src/main/sim/rollout-pool'
import { openWorkspace } from '../../../src/main/store'
import { sessionConfig } from '../../../src/shared/session-config'
import { poll } from '../session/helpers'

const dir = mkdtempSync(join(tmpdir(), 'iwb-eval-cancel-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const TASK = 'reacher-arm'
const EPISODES = evaluationEpisodes({ seed: 1, evalEpisodes: 1000 }, 0)

async function stillPolicy(): Promise<LinearSpec> {
  const env = await makeEnv(TASK)
  const { obsDim, actDim } = env.task
  env.close()
  return {
    kind: 'linear',
    obsDim,
    actDim,
    M: new Array<number>(obsDim * actDim).fill(0),
    mu: new Array<number>(obsDim).fill(0),
    sigma: new Array<number>(obsDim).fill(1),
  }
}

describe('cancelling an evaluation', () => {
  it('stops a local 1,000-episode evaluation between episodes', async () => {
    const spec = await stillPolicy()
    const controller = new AbortController()
    const evaluator = localEvaluator(await makeEnv(TASK), controller.signal)
    try {
      // how long ten episodes take here, to size what a stop may cost
      const t0 = performance.now()
      await evaluator.evaluate(spec, EPISODES.slice(0, 10))
      const perEpisode = (performance.now() - t0) / 10
      const running = evaluator.evaluate(spec, EPISODES)
      setImmediate(() => controller.abort('cancel'))
      const started = performance.now()
      await expect(running).rejects.toBeInstanceOf(EvaluationStopped)
      const took = performance.now() - started
      expect(took).toBeLessThan(Math.max(500, 20 * perEpisode))
      expect(took).toBeLessThan((1000 * perEpisode) / 10)
    } finally {
      await evaluator.close()
    }
  })

  it('stops a pool evaluation at the next chunk', async () => {
    const spec = await stillPolicy()
    const controller = new AbortController()
    const evaluator = poolEvaluator(await RolloutPool.create(TASK, { workers: 1 }), true, controller.signal)
    try {
      const running = evaluator.evaluate(spec, EPISODES)
      setImmediate(() => controller.abort('cancel'))
      const started = performance.now()
      await expect(running).rejects.toBeInstanceOf(EvaluationStopped)
      expect(performance.now() - started).toBeLessThan(2000)
    } finally {
      await evaluator.close()
    }
  })

  it('a hosted session cancelled while it evaluates is cancelled without finishing it', async () => {
    const ws = openWorkspace(join(dir, 'ws.db'))
    try {
      const config = sessionConfig({ taskId: TASK, algo: 'bc', budget: 40, evalEvery: 40, evalEpisodes: 1000 })
      const { sessionId } = ws.createSession(config)
      const host = new SessionHost({ ws, sessionId, owner: 'evaluation-cancel test' })
      // The worker evaluates the policy it starts from (1,000 episodes, minutes here) before any label. The host's
      // grace is set past that, so only the evaluation's own stop can end the session early.
      await poll(() => ws.sessionInfo(sessionId).status === 'running', 'the session running')
      const started = performance.now()
      const outcome = await host.stop('cancel', 180_000)
      const took = performance.now() - started
      expect(outcome.status).toBe('cancelled')
      expect(outcome.error).toBeNull()
      expect(ws.openSession(sessionId).evaluations()).toEqual([])
      // the worker's start (10-20 s on the shared 2-core machine) and one episode, not 1,000 episodes
      expect(took).toBeLessThan(45_000)
    } finally {
      ws.close()
    }
  }, 240_000)
})
