// Runs one learning session from its SessionConfig on a SessionLog: rounds of the chosen algorithm, a policy
// update after each round's labels, an evaluation every evalEvery labels, the policy saved with each evaluation.
//
// Reproducible: each round's labels, queries and a checkpoint (trainer with optimiser state, every random
// generator, the algorithm's bookkeeping) are stored in one transaction, so a session killed at any moment and
// resumed stores the same labels and the same curve as one never interrupted. The query a round was waiting on
// when it was killed is asked again: the restored generators roll out to the same state.
// Cancellable: the AbortSignal stops it between rounds (and abandons a pending query); signal.reason 'pause'
// leaves the session 'paused', anything else 'cancelled'.
import type { Env, Policy } from '../sim/env'
import { policyFromSpec, type LearnerWeights, type PolicySpec, type SpecPolicy } from '../sim/policy-spec'
import { createRng } from '../sim/rng'
import { learnerSpec, type Algorithm, type DrawnLabel, type Round, type RoundContext } from './algorithm'
import { evaluationEpisodes, localEvaluator, trainingSeed, type Evaluator } from './evaluation'
import { CostLedger } from './ledger'
import type { Demonstration, OfflineForm } from './offline-source'
import { askOracle, type Oracle } from './oracle'
import type {
  EvaluationRecord,
  LabelRecord,
  QueryRecord,
  RoundCommit,
  SessionCheckpoint,
  SessionConfig,
  SessionLog,
} from './session-log'
import { makeAlgorithm } from './algorithms/registry'
import { SimulatedPerson, type Supervisor } from './algorithms/hg-dagger'
import { startTrainer, type Trainer, type UpdateResult } from './trainer'
import { expertStandardisation } from '../experts/registry'
import { mean } from '../../shared/stats'
import { ALGO_VERSIONS, envTaskId } from '../../shared/session-config'
import { algoLearners, algorithm as algorithmOf } from '../../shared/algorithms'
import { contextNeeds } from '../../shared/policy-config'
import { episodic, trackedEnv } from './episode-context'
import { followingActions } from './label-chunks'

export interface SessionProgress {
  labels: number
  cost: number
  budget: number
  humanSeconds: number
  phase: string
  lastReturn: number | null
  /** the last evaluation's success rate; null for tasks without a success condition or before any evaluation */
  lastSuccessRate?: number | null
  evaluation?: EvaluationRecord
}

export interface RunSessionOptions {
  log: SessionLog
  oracle: Oracle
  /** the expert giving offline labels (BC, WARM-STAGGER) and DAgger's beta mixing */
  expert?: PolicySpec | Policy | null
  /** builds the environment for rollouts (sim/registry makeEnv) */
  makeEnv: (taskId: string) => Promise<Env>
  /** runs evaluation episodes; default: in this thread on a second env */
  evaluator?: Evaluator
  /** default: a trainer in this thread with the session's loss, schedule and seed */
  trainer?: Trainer
  offlineForm?: OfflineForm
  /** the recorded demonstrations a session with offline source 'demos' draws from (loaded from the workspace) */
  demonstrations?: readonly Demonstration[] | null
  /** use this Algorithm instead of the one the config names (a look-ahead STAGGER for a person's sessions) */
  algorithm?: Algorithm
  /** the person in a takeover session (hg-dagger); default: the expert as a simulated person */
  supervisor?: Supervisor
  onProgress?: (p: SessionProgress) => void
  signal?: AbortSignal
  /**
   * Train on round n's labels while round n+1's rollout runs (the rollout then uses the policy from one
   * round before). Off by default: STAGGER as published updates before the next rollout. Rounds committed
   * this way keep no checkpoint (the update is still running), so their resume is not exact.
   */
  overlapTraining?: boolean
  /** stop after this many labels in this call (tests of resume), leaving the session 'paused' */
  stopAfterLabels?: number
}

export interface SessionResult {
  status: 'finished' | 'paused' | 'cancelled'
  labels: number
  cost: number
  humanSeconds: number
  finalReturn: number | null
  evaluations: EvaluationRecord[]
  backend: string
  /** environment steps simulated for rollouts and for evaluations */
  rolloutSteps: number
  evalSteps: number
}

/** Costs are sums of 1s and C's: allow for the rounding of adding C's up. */
const BUDGET_SLACK = 1e-9

/** The trainer a session uses unless given one: in this thread, with the session's own settings. */
export function sessionTrainer(config: SessionConfig, env: Env, where: 'local' | 'worker' = 'local'): Promise<Trainer> {
  const task = env.task
  return startTrainer(
    {
      obsDim: task.obsDim,
      actDim: task.actDim,
      actionLow: task.actionLow.slice(),
      actionHigh: task.actionHigh.slice(),
      loss: config.loss,
      schedule: config.schedule,
      seed: config.seed,
      ...(config.epochs !== null ? { epochs: config.epochs } : {}),
      ...(config.standardise === 'expert' ? { standardisation: expertStandardisation(config.taskId) } : {}),
      policy: config.policy,
    },
    where,
  )
}

/** The env with a count of every step() (rollout steps, for the benchmark's sim-only baseline). */
export function countSteps(env: Env): Env & { steps: number } {
  return trackedEnv(env, 0)
}

export async function runSession(opts: RunSessionOptions): Promise<SessionResult> {
  const { log, oracle, signal } = opts
  const config = log.config
  // A session run by another version of its algorithm cannot be continued by this one (its labels came the old way).
  if (config.algoVersion !== ALGO_VERSIONS[config.algo])
    throw new Error(
      `this session ran ${config.algo} version ${config.algoVersion}; this workbench runs version ${ALGO_VERSIONS[config.algo]} and cannot continue it (start a new session)`,
    )
  // One trainer, one checkpointed learner: an ensemble's algorithm is refused rather than run with one learner.
  const learners = algoLearners(algorithmOf(config.algo))
  if (learners !== 1) throw new Error(`${config.algo} trains ${learners} learners; this session runner trains one`)
  const needs = contextNeeds(config.policy)
  const env = trackedEnv(await opts.makeEnv(envTaskId(config)), needs.history - 1)
  const task = env.task
  const evaluator = opts.evaluator ?? localEvaluator(await opts.makeEnv(envTaskId(config)))
  const expert: Policy | null = opts.expert ? ('kind' in opts.expert ? policyFromSpec(opts.expert) : opts.expert) : null
  const algorithm = opts.algorithm ?? makeAlgorithm(config, opts.offlineForm, opts.demonstrations ?? null)
  const trainer = opts.trainer ?? (await sessionTrainer(config, env))
  const supervisor = opts.supervisor ?? (expert ? new SimulatedPerson(expert, task) : null)
  let evalSteps = 0
  const ledger = new CostLedger(config.costRatio)
  try {
    // Resume: everything stored so far goes back into the ledger and the trainer.
    const stored = log.labels()
    ledger.restore(stored)
    trainer.add(stored)
    const checkpoint = log.checkpoint()
    let rng = createRng(trainingSeed(config.seed, 0x7fffffff))
    let resets = 0
    let weights: LearnerWeights
    if (checkpoint && checkpoint.labels === stored.length) {
      await trainer.restore(checkpoint.trainer)
      rng = createRng(0, checkpoint.rng)
      resets = checkpoint.resets
      algorithm.restore?.(checkpoint.algorithm)
      weights = await trainer.weights()
    } else if (stored.length > 0) {
      // Labels without a checkpoint (a person's overlapped rounds, or a workspace from before checkpoints):
      // continue from the latest policy, trained on what it missed. Not bit-exact.
      const saved = log.latestPolicy()
      if (saved) await trainer.load(saved.weights as LearnerWeights)
      const missing = stored.length - (saved?.labels ?? 0)
      weights =
        missing > 0 || !saved
          ? (await trainer.update(8 * Math.max(0, missing))).weights
          : (saved.weights as LearnerWeights)
      rng = createRng(trainingSeed(config.seed, 0x40000000 + stored.length))
      resets = 0x20000000 + stored.length * 64
    } else {
      weights = await trainer.weights()
    }
    let learner: SpecPolicy = episodic(policyFromSpec(learnerSpec(weights, task)), env)
    const evaluations = log.evaluations()
    let lastEvalLabels = evaluations.length ? evaluations[evaluations.length - 1].labels : -1
    let lastReturn = evaluations.length ? mean(evaluations[evaluations.length - 1].returns) : null
    let lastSuccessRate = evaluations.length ? (evaluations[evaluations.length - 1].successRate ?? null) : null
    log.setStatus('running')

    const progress = (phase: string, evaluation?: EvaluationRecord): void =>
      opts.onProgress?.({
        labels: ledger.labels,
        cost: ledger.cost,
        budget: config.budget,
        humanSeconds: ledger.humanSeconds,
        phase,
        lastReturn,
        lastSuccessRate,
        evaluation,
      })

    // Updates run one after another; with overlapTraining they queue up behind each other instead of being awaited
    // before the next round, and each one's weights become the learner (the proposals) as soon as it is done.
    // settle() waits for the last one queued.
    let pending: Promise<UpdateResult> | null = null
    const adopt = (u: UpdateResult): void => {
      weights = u.weights
      learner = episodic(policyFromSpec(learnerSpec(weights, task)), env)
    }
    const settle = async (): Promise<void> => {
      if (!pending) return
      const p = pending
      pending = null
      adopt(await p)
    }
    const queueUpdate = (labels: LabelRecord[], extraSteps: number): void => {
      const before = pending
      const p = (before ?? Promise.resolve(null)).then(() => {
        trainer.add(labels)
        return trainer.update(extraSteps)
      })
      // adopted as soon as done, in order (errors surface through settle())
      void p.then(adopt, () => undefined)
      pending = p
    }

    const evaluationDue = (): boolean =>
      lastEvalLabels < 0 || Math.floor(ledger.labels / config.evalEvery) > Math.floor(lastEvalLabels / config.evalEvery)
    // An evaluation is of the policy after label n and is stored when it is done. It runs while the next rounds
    // go on (their rollouts, the next query's prompt), so it never sits between a person's answer and the next
    // prompt. Without overlapTraining it is awaited before the next round is committed, so every stored
    // checkpoint lies after its evaluation and a resumed session stores exactly the same curve.
    let evaluating: Promise<void> | null = null
    const finishEvaluation = async (): Promise<void> => {
      if (!evaluating) return
      const e = evaluating
      evaluating = null
      await e
    }
    const evaluate = async (): Promise<void> => {
      await finishEvaluation()
      const at = { labels: ledger.labels, cost: ledger.cost, humanSeconds: ledger.humanSeconds }
      lastEvalLabels = at.labels
      const after: Promise<LearnerWeights> = pending ? pending.then((u) => u.weights) : Promise.resolve(weights)
      evaluating = (async () => {
        const w = await after
        const { returns, steps, successRate, coverage } = await evaluator.evaluate(
          learnerSpec(w, task),
          evaluationEpisodes(config, at.labels),
        )
        evalSteps += steps
        const rec: EvaluationRecord = { ...at, returns, successRate, coverage }
        log.addEvaluation(rec)
        log.savePolicy({ labels: at.labels, backend: trainer.backend, weights: w })
        lastReturn = mean(returns)
        lastSuccessRate = successRate
        progress('evaluation', rec)
      })()
      // a failure surfaces where it is awaited; until then it must not count as unhandled
      void evaluating.catch(() => undefined)
    }

    // A query's record waits for its label's id (the label is stored when its round ends).
    const pendingQueries = new Map<DrawnLabel, Omit<QueryRecord, 'labelId'>>()
    const query = async (
      observation: Float64Array,
      step: number,
      history?: Float64Array,
    ): Promise<DrawnLabel | null> => {
      const before = needs.history > 1 ? (history ?? env.history()) : null
      const state = env.getState()
      const proposed = learner.act(observation)
      const issuedAt = Date.now()
      const answer = await askOracle(
        oracle,
        { taskId: config.taskId, observation: Float64Array.from(observation), state, proposedAction: proposed, step },
        signal,
      )
      const now = Date.now()
      if (!answer) {
        log.addQuery({
          labelId: null,
          issuedAt,
          firstInputAt: null,
          committedAt: null,
          abandonedAt: now,
          proposedAction: proposed,
          answer: null,
          disagreement: null,
          operator: null,
        })
        return null
      }
      const action = Float64Array.from(answer.action)
      if (action.length !== task.actDim || !action.every(Number.isFinite))
        throw new RangeError(
          `oracle answered ${action.length} values, task ${task.id} needs ${task.actDim} finite values`,
        )
      const label: DrawnLabel = {
        source: 'query',
        observation: Float64Array.from(observation),
        state,
        action,
        humanSeconds: answer.humanSeconds ?? (oracle.kind === 'human' ? (now - issuedAt) / 1000 : null),
        episodeId: null,
        stepIndex: step,
      }
      // a query's answer is one action: the chunk's later positions stay unknown (masked in training)
      if (before?.length) label.context = { history: before, next: new Float64Array(0) }
      let d = 0
      for (let i = 0; i < action.length; i++) d += (action[i] - proposed[i]) ** 2
      pendingQueries.set(label, {
        issuedAt,
        firstInputAt: answer.firstInputMs != null ? issuedAt + answer.firstInputMs : null,
        committedAt: now,
        abandonedAt: null,
        proposedAction: proposed,
        answer: action,
        disagreement: Math.sqrt(d),
        operator: answer.operator ?? null,
      })
      return label
    }

    /** The ledger prices each label (one source of truth for cost); labels past the budget are dropped. */
    const price = (round: Round): RoundCommit => {
      if (needs.chunk > 1) followingActions(round.labels, needs.chunk, task.actDim)
      const labels: LabelRecord[] = []
      const queries: RoundCommit['queries'] = []
      for (const l of round.labels) {
        const q = pendingQueries.get(l)
        pendingQueries.delete(l)
        if (ledger.cost + ledger.costOf(l.source) > config.budget + BUDGET_SLACK) continue
        const entry = ledger.record(l.source, l.humanSeconds)
        if (q) queries.push({ labelIndex: labels.length, query: q })
        labels.push({ ...l, cost: entry.cost })
      }
      return { labels, queries, checkpoint: null }
    }

    if (evaluationDue()) await evaluate()
    /** The state to continue from after this round: its update and any evaluation in flight done first. */
    const checkpointNow = async (): Promise<SessionCheckpoint> => {
      await settle()
      await finishEvaluation()
      return {
        labels: ledger.labels,
        trainer: await trainer.state(),
        rng: rng.state(),
        resets,
        algorithm: algorithm.state?.() ?? null,
      }
    }

    let addedThisCall = 0
    let stopped: 'paused' | 'cancelled' | null = null
    for (;;) {
      if (signal?.aborted) {
        stopped = signal.reason === 'pause' ? 'paused' : 'cancelled'
        break
      }
      if (opts.stopAfterLabels !== undefined && addedThisCall >= opts.stopAfterLabels) {
        stopped = 'paused'
        break
      }
      const ctx: RoundContext = {
        env,
        task,
        learner,
        expert,
        rng,
        nextSeed: () => trainingSeed(config.seed, resets++),
        remaining: config.budget - ledger.cost + BUDGET_SLACK,
        costRatio: config.costRatio,
        offlineCost: ledger.costFrom('offline', 'demonstration'),
        interactiveCost: ledger.costFrom('query', 'intervention'),
        query,
        supervisor,
        signal,
        needs,
        history: () => env.history(),
        lookAhead: (fn) => env.lookAhead(fn),
      }
      const round: Round | null = await algorithm.round(ctx)
      if (!round) break
      if (round.labels.length === 0 && !round.extraSteps && !round.keep) {
        progress(round.phase)
        continue
      }
      const overlap = opts.overlapTraining && !round.extraSteps
      if (!overlap) await settle()
      const commit = price(round)
      if (commit.labels.length === 0 && !round.extraSteps) {
        if (!round.keep || round.labels.length > 0) break // the budget is spent
        // Nothing to learn from, but its bookkeeping (a watched episode) is kept with a checkpoint.
        commit.checkpoint = await checkpointNow()
        log.commitRound(commit)
        progress(round.phase)
        continue
      }
      queueUpdate(commit.labels, round.extraSteps ?? 0)
      if (!overlap) {
        commit.checkpoint = await checkpointNow()
      }
      log.commitRound(commit)
      addedThisCall += commit.labels.length
      progress(round.phase)
      if (evaluationDue()) await evaluate()
    }
    await settle()
    await finishEvaluation()
    if (!stopped && lastEvalLabels !== ledger.labels) {
      await evaluate()
      await finishEvaluation()
    } else if (stopped) log.savePolicy({ labels: ledger.labels, backend: trainer.backend, weights })
    const status = stopped ?? 'finished'
    log.setStatus(status)
    progress(status)
    return {
      status,
      labels: ledger.labels,
      cost: ledger.cost,
      humanSeconds: ledger.humanSeconds,
      finalReturn: lastReturn,
      evaluations: log.evaluations(),
      backend: trainer.backend,
      rolloutSteps: env.steps,
      evalSteps,
    }
  } catch (e) {
    log.setStatus('failed')
    throw e
  } finally {
    env.close()
    if (!opts.evaluator) await evaluator.close()
    if (!opts.trainer) await trainer.close()
  }
}
