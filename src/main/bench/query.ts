// Query latency: the time from a person committing an answer to the next query's prompt reaching the page.
// Drives a STAGGER session whose oracle is a HumanOracle through the in-process API (the same dispatch, contract
// checks and session worker the page uses), answering each prompt at once with the task's expert action.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { QueryPrompt } from '../../shared/contract'
import { mean, quantile } from '../../shared/stats'
import { createWorkbench } from '../api/compose'
import { connectInProcess } from '../api/in-process'
import { compareService } from '../api/services/compare'
import { jobsService } from '../api/services/jobs'
import { queriesService } from '../api/services/queries'
import { makeSessionsService } from '../api/services/sessions'
import { expertFor } from '../experts/registry'
import { learnerSpec, type RoundContext } from '../learn/algorithm'
import { trainingSeed } from '../learn/evaluation'
import { LookaheadStagger } from '../learn/algorithms/stagger/lookahead'
import { countSteps } from '../learn/session-runner'
import { drawThreads } from '../session/host'
import { policyFromSpec, type MlpWeights, type SpecPolicy } from '../sim/policy-spec'
import { makeEnv } from '../sim/registry'
import { createRng } from '../sim/rng'
import { openWorkspace } from '../store'

export interface QueryBenchOptions {
  task?: string
  queries?: number
  seed?: number
  /** evaluate every k labels (episodes per evaluation below); evaluation rounds delay the next prompt */
  evalEvery?: number
  evalEpisodes?: number
  /**
   * ms the simulated person takes between seeing a prompt and committing (default 0: answer at once). A person
   * takes seconds; the lookahead rollout uses that time, so report which figure is which.
   */
  thinkMs?: number
  /** a workspace file to keep; default a temporary one, removed afterwards */
  db?: string
  /** accepted draws per saved policy when measuring the draw cost on one thread (0: skip) */
  drawSamples?: number
  log?: (line: string) => void
}

export interface QueryBenchResult {
  task: string
  queries: number
  thinkMs: number
  p50Ms: number
  p95Ms: number
  p99Ms: number
  maxMs: number
  meanMs: number
  /** latencies of the commits that were followed by an evaluation round (counted in the figures above) */
  evalRounds: number
  /** session start to first prompt */
  firstPromptMs: number
  /**
   * What one exact STAGGER draw costs on one thread (rejection sampling: rollouts of the learner until one reaches
   * its t ~ U{1..H-1}), for the policies the session saved, measured after it: mean and p95 over the draws.
   * Divided by the draw threads it is the latency a person who answers at once cannot get under.
   */
  drawCost: { policies: number; draws: number; meanMs: number; p95Ms: number; stepsPerDraw: number } | null
  /** the threads the session drew on (the session manager's lookahead workers) */
  drawWorkers: number
  seconds: number
  labels: number
  cost: number
}

const round2 = (x: number): number => Math.round(x * 100) / 100

/**
 * Time exact STAGGER draws of each policy the session saved, on this thread with LookaheadStagger's own draw loop
 * (the one a session without a pool runs): `samples` accepted draws per policy.
 */
async function measureDrawCost(
  file: string,
  sessionId: number,
  taskId: string,
  samples: number,
): Promise<QueryBenchResult['drawCost']> {
  if (samples <= 0) return null
  const ws = openWorkspace(file)
  const policies = ws.openSession(sessionId).policies()
  ws.close()
  if (policies.length === 0) return null
  const env = countSteps(await makeEnv(taskId))
  const times: number[] = []
  try {
    for (const p of policies) {
      const learner: SpecPolicy = policyFromSpec(learnerSpec(p.weights as MlpWeights, env.task))
      const draw = new LookaheadStagger({ spare: env, latestLearner: () => Promise.resolve(learner) })
      let resets = 0
      const ctx = {
        task: env.task,
        rng: createRng(trainingSeed(p.labels, 0x7ffffff0)),
        nextSeed: () => trainingSeed(p.labels, resets++),
      } as unknown as RoundContext
      for (let i = 0; i < samples; i++) {
        const t0 = performance.now()
        await draw.prepare(ctx)
        times.push(performance.now() - t0)
      }
    }
  } finally {
    env.close()
  }
  return {
    policies: policies.length,
    draws: times.length,
    meanMs: round2(mean(times)),
    p95Ms: round2(quantile(times, 0.95)),
    stepsPerDraw: round2(env.steps / times.length),
  }
}

export async function runQueryBench(opts: QueryBenchOptions = {}): Promise<QueryBenchResult> {
  const task = opts.task ?? 'hopper'
  const n = opts.queries ?? 100
  const evalEvery = opts.evalEvery ?? 50
  const evalEpisodes = opts.evalEpisodes ?? 25
  const dir = opts.db ? null : mkdtempSync(join(tmpdir(), 'iwb-bench-query-'))
  const file = opts.db ?? join(dir!, 'bench.sqlite')
  const expert = policyFromSpec(expertFor(task))
  const wb = await createWorkbench({ workspaceFile: file }, [
    makeSessionsService(),
    queriesService,
    compareService,
    jobsService,
  ])
  const api = connectInProcess(wb.handlers, wb.broadcaster)
  const started = performance.now()
  try {
    let waiting: ((p: QueryPrompt) => void) | null = null
    const queue: { prompt: QueryPrompt; at: number }[] = []
    api.on('query.prompt', (prompt) => {
      const at = performance.now()
      if (waiting) {
        const w = waiting
        waiting = null
        queue.push({ prompt, at })
        w(prompt)
      } else queue.push({ prompt, at })
    })
    const next = async (): Promise<{ prompt: QueryPrompt; at: number }> => {
      if (!queue.length) {
        await new Promise<QueryPrompt>((resolve, reject) => {
          waiting = resolve
          setTimeout(() => reject(new Error('no prompt within 120 s')), 120_000).unref()
        })
      }
      return queue.shift()!
    }

    const t0 = performance.now()
    const session = await api.call('sessions.start', {
      taskId: task,
      algo: 'stagger',
      oracle: 'human',
      budget: n + 1,
      costRatio: 1,
      seed: opts.seed ?? 0,
      evalEvery,
      evalEpisodes,
    })
    let current = await next()
    const firstPromptMs = current.at - t0
    const latencies: number[] = []
    let evalRounds = 0
    const thinkMs = opts.thinkMs ?? 0
    for (let i = 0; i < n; i++) {
      if (thinkMs > 0) await new Promise((r) => setTimeout(r, Math.max(0, thinkMs - (performance.now() - current.at))))
      const action = Array.from(expert.act(Float64Array.from(current.prompt.observation)))
      const commitAt = performance.now()
      const r = await api.call('queries.answer', {
        queryId: current.prompt.queryId,
        action,
        firstInputMs: 0,
        commitMs: commitAt - current.at,
        operator: 'bench',
      })
      // Labels evalEvery, 2*evalEvery, ... are followed by an evaluation before the next rollout.
      if (r.labels % evalEvery === 0) evalRounds++
      current = await next()
      latencies.push(current.at - commitAt)
      if ((i + 1) % 10 === 0) opts.log?.(`${i + 1}/${n} queries, last ${latencies[latencies.length - 1].toFixed(1)} ms`)
    }
    const info = await api.call('sessions.control', { sessionId: session.id, command: 'cancel' })
    const seconds = (performance.now() - started) / 1000
    const drawCost = await measureDrawCost(file, session.id, task, opts.drawSamples ?? 20)
    return {
      task,
      queries: n,
      thinkMs: opts.thinkMs ?? 0,
      p50Ms: round2(quantile(latencies, 0.5)),
      p95Ms: round2(quantile(latencies, 0.95)),
      p99Ms: round2(quantile(latencies, 0.99)),
      maxMs: round2(Math.max(...latencies)),
      meanMs: round2(mean(latencies)),
      evalRounds,
      firstPromptMs: round2(firstPromptMs),
      drawCost,
      drawWorkers: drawThreads(),
      seconds: round2(seconds),
      labels: info.labels,
      cost: info.cost,
    }
  } finally {
    api.close()
    await wb.close()
    if (dir) rmSync(dir, { recursive: true, force: true })
  }
}
