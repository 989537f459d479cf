// A worker thread running one learning session (learn/session-runner) on its own connection to the workspace.
// Rollouts, the trainer's messages and evaluations stay off the main process; the main thread only relays
// query prompts to the page and the person's answers back (HumanOracle lives here, next to the rollout env).
import { parentPort } from 'node:worker_threads'
import { expertFor } from '../../experts/registry'
import { HumanOracle, promptFrames, withStateHistory, type StateHistory } from '../../learn/human-oracle'
import { ExpertOracle, type Oracle } from '../../learn/oracle'
import type { Algorithm } from '../../learn/algorithm'
import { LookaheadStagger, trackLatestLearner } from '../../learn/lookahead-stagger'
import { runSession, type Evaluator, type RunSessionOptions, type SessionResult } from '../../learn/session-runner'
import { startTrainer, type Trainer } from '../../learn/trainer'
import type { Env } from '../../sim/env'
import type { PolicySpec } from '../../sim/policy-spec'
import { makeEnv, taskInfo } from '../../sim/registry'
import { RolloutPool } from '../../sim/rollout-pool'
import type { SessionLog } from '../../learn/session-log'
import { openWorkspace } from '../../store'
import type { FromSessionWorker, RunRequest, ToSessionWorker } from './session-protocol'

const port = parentPort
if (!port) throw new Error('session-worker must run in a worker thread')
const post = (msg: FromSessionWorker): void => port.postMessage(msg)

const controller = new AbortController()
let human: HumanOracle | null = null
let running = false

/** Evaluation episodes on rollout workers: sampled learner actions, clipped, one return per seed. */
async function poolEvaluator(taskId: string, workers: number): Promise<Evaluator> {
  const pool = await RolloutPool.create(taskId, { workers })
  return {
    async evaluate(spec, seeds, sampleSeed) {
      const res = await pool.run(seeds.map((seed, i) => ({ spec, seed, sampleSeed: sampleSeed * 1009 + i })))
      return { returns: res.map((r) => r.ret), steps: res.reduce((a, r) => a + r.length, 0) }
    },
    close: () => pool.close(),
  }
}

function expertOrNull(taskId: string): PolicySpec | null {
  try {
    return expertFor(taskId)
  } catch {
    return null
  }
}

async function run(req: RunRequest): Promise<Omit<SessionResult, 'evaluations'>> {
  const ws = openWorkspace(req.file)
  let viewer: Env | null = null
  let spare: Env | null = null
  let trainer: Trainer | undefined
  let algorithm: Algorithm | undefined
  let evaluator: Evaluator | undefined
  try {
    const log = watchQueries(ws.openSession(req.sessionId))
    const config = log.config
    const expert = expertOrNull(config.taskId)
    let history: StateHistory | null = null
    let oracle: Oracle
    if (config.oracle === 'human') {
      viewer = await makeEnv(config.taskId)
      const view = viewer
      let nextId = req.firstQueryId
      let lastId = 0
      human = new HumanOracle({
        sessionId: req.sessionId,
        task: view.task,
        nextQueryId: () => (lastId = nextId++),
        publish: (prompt) => post({ type: 'prompt', prompt }),
        // The rollout env's last state is the queried one; the states before it are the lead-up second.
        frames: (q) => promptFrames(view, q, history ? history.states().slice(0, -1) : []),
      })
      const h = human
      oracle = {
        kind: 'human',
        answer(q, signal) {
          const p = h.answer(q, signal)
          const id = lastId
          void p.finally(() => post({ type: 'settled', queryId: id }))
          return p
        },
      }
    } else {
      if (!expert) throw new Error(`no simulated expert for task '${config.taskId}'`)
      oracle = new ExpertOracle(expert)
    }
    let first = true
    // Passed in, so closed here (the runner closes only what it made).
    evaluator = req.evalWorkers > 0 ? await poolEvaluator(config.taskId, req.evalWorkers) : undefined
    // A person's STAGGER session rolls the next query out while the current one is being answered
    // (lookahead-stagger.ts: one label behind STAGGER as published), so the next prompt is ready at commit.
    const lookahead = config.oracle === 'human' && config.algo === 'stagger' && req.lookahead !== false
    if (lookahead) {
      const task = taskInfo(config.taskId)
      const tracked = trackLatestLearner(
        await startTrainer(
          {
            obsDim: task.obsDim,
            actDim: task.actDim,
            actionLow: task.actionLow.slice(),
            actionHigh: task.actionHigh.slice(),
            loss: config.loss,
            schedule: config.schedule,
            seed: config.seed,
          },
          req.trainerWhere ?? 'worker',
        ),
        task,
      )
      trainer = tracked.trainer
      spare = await makeEnv(config.taskId)
      algorithm = new LookaheadStagger({
        spare,
        latestLearner: tracked.latestLearner,
        history: { push: (s) => history?.push(s), clear: () => history?.clear() },
      })
    }
    const options: RunSessionOptions = {
      log,
      oracle,
      expert,
      evaluator,
      trainer,
      algorithm,
      overlapTraining: lookahead,
      makeEnv: async (taskId) => {
        const env = await makeEnv(taskId)
        if (!first || config.oracle !== 'human') return env
        // The first env runSession makes is its rollout env: remember its last second for the prompts.
        first = false
        const w = withStateHistory(env, 1)
        history = w.history
        return w.env
      },
      trainerWhere: req.trainerWhere,
      onProgress: (progress) => post({ type: 'progress', progress }),
      signal: controller.signal,
      stopAfterLabels: req.stopAfterLabels,
    }
    const result = await runSession(options)
    const { evaluations: _e, ...rest } = result
    return rest
  } finally {
    human?.abandonAll()
    viewer?.close()
    spare?.close()
    await trainer?.close()
    await evaluator?.close()
    ws.close()
  }
}

/**
 * Replies to answer/skip wait until the runner has written that query (and its label) to the store, so the
 * caller reads counts that include it. Queries are answered one at a time, so the runner's next addQuery is
 * the one; whatever is left when the run ends is answered then.
 */
const replies: { reqId: number; ok: boolean }[] = []
function replyLater(reqId: number, ok: boolean): void {
  replies.push({ reqId, ok })
}
function queryStored(): void {
  const r = replies.shift()
  if (r) post({ type: 'reply', reqId: r.reqId, ok: r.ok })
}
function flushReplies(): void {
  for (const r of replies.splice(0)) post({ type: 'reply', reqId: r.reqId, ok: r.ok })
}

/** The store's SessionLog, telling queryStored() when the runner records a query. */
function watchQueries(inner: SessionLog): SessionLog {
  return {
    get sessionId() {
      return inner.sessionId
    },
    get config() {
      return inner.config
    },
    labels: () => inner.labels(),
    addLabel: (label) => inner.addLabel(label),
    addQuery(query) {
      const id = inner.addQuery(query)
      queryStored()
      return id
    },
    addEvaluation: (e) => inner.addEvaluation(e),
    evaluations: () => inner.evaluations(),
    savePolicy: (p) => inner.savePolicy(p),
    latestPolicy: () => inner.latestPolicy(),
    setStatus: (st) => inner.setStatus(st),
  }
}

port.on('message', (msg: ToSessionWorker) => {
  switch (msg.type) {
    case 'run':
      if (running) return
      running = true
      // Settled (the store written and closed) before the message: then the thread ends by closing its port.
      run(msg)
        .then(
          (result) => {
            flushReplies()
            post({ type: 'done', result })
          },
          (err: unknown) => {
            flushReplies()
            post({ type: 'failed', error: err instanceof Error ? err.message : String(err) })
          },
        )
        .finally(() => port.close())
      return
    case 'answer':
      try {
        if (!human) throw new Error(`query ${msg.queryId} is not waiting for an answer`)
        human.commit(msg.queryId, msg.commit)
        replyLater(msg.reqId, true)
      } catch (err) {
        post({ type: 'reply', reqId: msg.reqId, ok: false, error: err instanceof Error ? err.message : String(err) })
      }
      return
    case 'skip': {
      const ok = human?.skip(msg.queryId) ?? false
      if (ok) replyLater(msg.reqId, true)
      else post({ type: 'reply', reqId: msg.reqId, ok: false })
      return
    }
    case 'abort':
      controller.abort(msg.reason)
      human?.abandonAll()
      return
  }
})
