// The session worker: one thread running one learning session (learn/session-runner) on its own connection to
// the workspace, for every host (the page's sessions service, `iwb run`, `iwb compare`). Rollouts, training and
// evaluation stay off the host's thread; the host relays query prompts to the page and the person's answers back
// (HumanOracle lives here, next to the rollout env).
import { parentPort } from 'node:worker_threads'
import { expertFor, hasExpert } from '../experts/registry'
import type { Algorithm } from '../learn/algorithm'
import { EvaluationStopped, localEvaluator, poolEvaluator, type Evaluator } from '../learn/evaluation'
import { HumanOracle, promptFrames, withStateHistory, type StateHistory } from '../learn/human-oracle'
import { LivePerson } from '../learn/live-person'
import { LookaheadStagger, trackLatestLearner } from '../learn/algorithms/stagger/lookahead'
import { ExpertOracle, type Oracle } from '../learn/oracle'
import { PersonOracle } from '../learn/simulated-person'
import { isPersonOracle, parsePersonText } from '../../shared/person-model'
import type { SessionLog } from '../learn/session-log'
import { runSession, sessionTrainer, type SessionProgress, type SessionResult } from '../learn/session-runner'
import type { Trainer } from '../learn/trainer'
import type { Env } from '../sim/env'
import { adoptTask, makeEnv, taskInfo } from '../sim/registry'
import { RolloutPool } from '../sim/rollout-pool'
import { envTaskId, offlineShare } from '../../shared/session-config'
import { algorithm as algorithmOf, TAKEOVER_ALGOS } from '../../shared/algorithms'
import { demonstrationStates, type Demonstration } from '../learn/offline-source'
import { loadDemonstrations, openWorkspace, type Workspace } from '../store'
import type { FromSessionWorker, RunRequest, SessionOutcome, ToSessionWorker } from './protocol'
import { forkFromTwin, type Fork } from './warm-fork'
import { forkPhase } from '../../shared/warm-fork'
import { mean } from '../../shared/stats'

const port = parentPort
if (!port) throw new Error('the session worker must run in a worker thread')
const post = (msg: FromSessionWorker): void => port.postMessage(msg)

const controller = new AbortController()
let human: HumanOracle | null = null
/** the person of a takeover session (hg-dagger with oracle 'human') */
let person: LivePerson | null = null
/** the page's takeover input that came before the person was set up: the first steps shown count it */
let earlySteer: { held: boolean; action: number[] } | null = null
let running = false

async function run(req: RunRequest): Promise<SessionOutcome> {
  adoptTask(req.folderTask)
  const ws = openWorkspace(req.file)
  let viewer: Env | null = null
  let spare: Env | null = null
  let trainer: Trainer | undefined
  let algorithm: Algorithm | undefined
  let evaluator: Evaluator | undefined
  let drawPool: RolloutPool | undefined
  try {
    const stored = ws.openSession(req.sessionId, req.leaseToken)
    const log = watchQueries(stored)
    const config = log.config
    const demonstrations = demonstrationsFor(ws, req.sessionId, config)
    const fork = forkFromTwin(ws, stored, demonstrations)
    if (fork) post({ type: 'progress', progress: forkProgress(ws, stored, fork, req.twinName) })
    const expert = hasExpert(config.taskId) ? expertFor(config.taskId) : null
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
        // A round of several queries (DAgger's) stores its labels when the round ends: the answers before this
        // prompt are taken, so their pages hear so now rather than wait for answers only they could give.
        publish: (prompt) => {
          flushReplies()
          post({ type: 'prompt', prompt })
        },
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
    } else if (expert && isPersonOracle(config.oracle)) {
      oracle = new PersonOracle(parsePersonText(config.oracle), taskInfo(config.taskId), expert)
    } else if (expert) {
      oracle = new ExpertOracle(expert)
    } else if (!algorithmOf(config.algo).oracle && config.offline.kind === 'demos') {
      // BC on recorded demonstrations asks no oracle: a task without an expert (your own model) runs it too.
      oracle = {
        kind: 'expert',
        answer: () => Promise.reject(new Error(`no simulated expert for task '${config.taskId}'`)),
      }
    } else throw new Error(`no simulated expert for task '${config.taskId}'`)
    // a person's takeover session, or one where the robot asks them to take over (the Takeover view)
    if (TAKEOVER_ALGOS.includes(config.algo) && config.oracle === 'human') {
      person = new LivePerson({
        sessionId: req.sessionId,
        task: taskInfo(config.taskId),
        publish: (live) => post({ type: 'live', live }),
      })
      if (earlySteer) person.steer(earlySteer)
    }
    let first = true
    // Evaluation on rollout workers or here: the same episodes, the same returns (learn/evaluation.ts).
    evaluator =
      req.evalWorkers > 0
        ? poolEvaluator(
            await RolloutPool.create(envTaskId(config), { workers: req.evalWorkers }),
            true,
            controller.signal,
          )
        : localEvaluator(await makeEnv(envTaskId(config)), controller.signal)
    // A person's STAGGER session rolls the next query out while the current one is being answered
    // (learn/algorithms/stagger/lookahead.ts: one label behind STAGGER as published), so the next prompt is ready at commit.
    const lookahead = config.oracle === 'human' && config.algo === 'stagger' && req.lookahead !== false
    if (lookahead) {
      spare = await makeEnv(envTaskId(config))
      const tracked = trackLatestLearner(await sessionTrainer(config, spare, 'worker'), spare.task)
      trainer = tracked.trainer
      // its draws run in parallel on threads of their own (the next prompt waits on them when answers are quick)
      if (req.lookaheadWorkers > 0)
        drawPool = await RolloutPool.create(config.taskId, { workers: req.lookaheadWorkers })
      algorithm = new LookaheadStagger({
        spare,
        pool: drawPool,
        ahead: 2,
        latestLearner: tracked.latestLearner,
        history: { push: (s) => history?.push(s), clear: () => history?.clear() },
      })
    }
    const result: SessionResult = await runSession({
      log,
      oracle,
      expert,
      evaluator,
      trainer,
      algorithm,
      supervisor: person ?? undefined,
      overlapTraining: lookahead,
      demonstrations,
      makeEnv: async (taskId) => {
        const env = await makeEnv(taskId)
        if (!first || config.oracle !== 'human') return env
        // The first env runSession makes is its rollout env: remember its last second for the prompts.
        first = false
        const w = withStateHistory(env, 1)
        history = w.history
        return w.env
      },
      onProgress: (progress) => post({ type: 'progress', progress }),
      signal: controller.signal,
      stopAfterLabels: req.stopAfterLabels,
    })
    const { evaluations: _e, ...rest } = result
    return rest
  } finally {
    human?.abandonAll()
    viewer?.close()
    spare?.close()
    await trainer?.close()
    await evaluator?.close()
    await drawPool?.close()
    ws.close()
  }
}

/** What a forked session reports once: why its first part was instant. */
function forkProgress(
  ws: Workspace,
  log: SessionLog & { readonly sessionId: number },
  fork: Fork,
  twinName = `BC session ${fork.twinSessionId}`,
): SessionProgress {
  const info = ws.sessionInfo(log.sessionId)
  const evals = log.evaluations()
  const last = evals[evals.length - 1]
  return {
    labels: info.labels,
    cost: info.cost,
    budget: info.budget,
    humanSeconds: info.humanSeconds,
    phase: forkPhase(twinName, fork.labels),
    lastReturn: last ? mean(last.returns) : null,
    lastSuccessRate: last?.successRate ?? null,
  }
}

/**
 * The demonstrations a session with offline source 'demos' draws from, loaded here (not in the host) so their
 * steps stay off the host's thread. When they hold fewer states than the offline share, the session uses them all
 * and says so in its note.
 */
function demonstrationsFor(ws: Workspace, sessionId: number, config: SessionLog['config']): Demonstration[] | null {
  if (config.offline.kind !== 'demos') return null
  const demos = loadDemonstrations(ws, config.taskId, config.offline)
  const states = demonstrationStates(demos)
  const share = offlineShare(config)
  const note =
    states < share
      ? `the demonstrations (${demos.length} episodes) hold ${states} states, fewer than the offline share of ${share}: all ${states} are used` +
        (algorithmOf(config.algo).oracle ? ', and the rest of the budget goes to queries' : '')
      : null
  if (ws.sessionNote(sessionId) !== note) ws.setSessionNote(sessionId, note)
  return demos
}

/**
 * Replies to answer/skip wait until the runner has written that query (and its label) to the store, so the
 * caller reads counts that include it. Queries are answered one at a time, so the next query the runner stores
 * is the one; whatever is left when the run ends, or when the runner asks its next query before storing the
 * round's labels, is answered then.
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
    commitRound(round) {
      const ids = inner.commitRound(round)
      for (let i = 0; i < round.queries.length; i++) queryStored()
      return ids
    },
    checkpoint: () => inner.checkpoint(),
    ...(inner.discardAfter
      ? { discardAfter: (rows: number, labels: number) => inner.discardAfter!(rows, labels) }
      : {}),
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
            // stopped inside an evaluation: the runner stored 'paused' or 'cancelled'; it is no failure
            if (err instanceof EvaluationStopped) return
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
      let ok = false
      try {
        ok = human?.skip(msg.queryId, msg.operator) ?? false
      } catch {
        // a name the workspace would not store (the contract bounds it first): the query stays open
      }
      if (ok) replyLater(msg.reqId, true)
      else post({ type: 'reply', reqId: msg.reqId, ok: false })
      return
    }
    case 'steer':
      try {
        if (person) person.steer(msg)
        else earlySteer = { held: msg.held, action: msg.action }
      } catch {
        // a malformed action from the page: ignored, the person keeps watching (the contract bounds its size)
      }
      return
    case 'abort':
      controller.abort(msg.reason)
      human?.abandonAll()
      return
  }
})
