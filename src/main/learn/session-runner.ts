// Runs one learning session from its SessionConfig on a SessionLog: rounds of the chosen algorithm, a policy
// update after each round's labels, an evaluation every evalEvery labels, the policy saved with each evaluation.
// Resumable: a restart reads the stored labels and latest policy and carries on to the budget.
// Cancellable: the AbortSignal stops it between rounds (and abandons a pending query); signal.reason 'pause'
// leaves the session 'paused', anything else 'cancelled'.
import type { Env, Policy } from '../sim/env'
import { policyFromSpec, type MlpWeights, type PolicySpec, type SpecPolicy } from '../sim/policy-spec'
import { createRng, type Rng } from '../sim/rng'
import { learnerSpec, type Algorithm, type Round, type RoundContext } from './algorithm'
import { BehaviourCloning, type OfflineForm } from './bc'
import { DAgger } from './dagger'
import { CostLedger } from './ledger'
import { askOracle, type Oracle } from './oracle'
import type { EvaluationRecord, LabelRecord, QueryRecord, SessionConfig, SessionLog } from './session-log'
import { Stagger } from './stagger'
import { startTrainer, type Trainer, type TrainerOptions, type UpdateResult } from './trainer'
import { WarmStagger } from './warm-stagger'

/** Runs evaluation episodes: sampled learner actions, clipped to the bounds, one return per seed. */
export interface Evaluator {
  evaluate(spec: PolicySpec, seeds: number[], sampleSeed: number): Promise<{ returns: number[]; steps: number }>
  close(): Promise<void>
}

export interface SessionProgress {
  labels: number
  cost: number
  budget: number
  humanSeconds: number
  phase: string
  lastReturn: number | null
  evaluation?: EvaluationRecord
}

export interface RunSessionOptions {
  log: SessionLog
  oracle: Oracle
  /** the expert giving offline labels (BC, WARM-STAGGER) and DAgger's beta mixing */
  expert?: PolicySpec | Policy | null
  /** builds the environment for rollouts (sim/registry makeEnv) */
  makeEnv: (taskId: string) => Promise<Env>
  /** runs evaluation episodes; default: evaluate in this thread on a second env */
  evaluator?: Evaluator
  /** defaults: a worker-thread trainer with the session's loss and schedule */
  trainer?: Trainer
  trainerOptions?: Partial<TrainerOptions>
  trainerWhere?: 'worker' | 'local'
  offlineForm?: OfflineForm
  /** use this Algorithm instead of the one the config names (e.g. a look-ahead STAGGER for human sessions) */
  algorithm?: Algorithm
  onProgress?: (p: SessionProgress) => void
  signal?: AbortSignal
  /**
   * Train on round n's labels while round n+1's rollout runs (the rollout then uses the policy from one
   * round before). Off by default: STAGGER as published updates before the next rollout.
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

export function makeAlgorithm(config: SessionConfig, offlineForm: OfflineForm = 'iid'): Algorithm {
  switch (config.algo) {
    case 'bc':
      return new BehaviourCloning(offlineForm)
    case 'dagger':
      return new DAgger()
    case 'stagger':
      return new Stagger()
    case 'warm-stagger':
      return new WarmStagger(config.warmFraction ?? 0.5, config.budget, offlineForm)
  }
}

/** Evaluate in the calling thread on an env of its own (tests, small runs). */
export function localEvaluator(env: Env): Evaluator {
  return {
    async evaluate(spec, seeds, sampleSeed) {
      const policy = policyFromSpec(spec)
      const rng = createRng(sampleSeed)
      let steps = 0
      const returns = seeds.map((seed) => {
        let obs = env.reset(seed)
        let ret = 0
        for (;;) {
          const r = env.step(policy.sample ? policy.sample(obs, rng) : policy.act(obs))
          steps++
          ret += r.reward
          if (r.terminated || r.truncated) return ret
          obs = r.observation
        }
      })
      return { returns, steps }
    },
    async close() {
      env.close()
    },
  }
}

const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length)

/** Seeds of the evaluation episodes: the same at every evaluation of a session, apart from other sessions. */
export function evalSeeds(config: SessionConfig): number[] {
  return Array.from({ length: config.evalEpisodes }, (_, i) => 1_000_000 + config.seed * 1000 + i)
}

/** The env with a count of every step() (rollout steps, for the benchmark's sim-only baseline). */
function countSteps(env: Env): Env & { steps: number } {
  const counted = {
    steps: 0,
    get task() {
      return env.task
    },
    get stepCount() {
      return env.stepCount
    },
    reset: (seed?: number) => env.reset(seed),
    step(a: ArrayLike<number>) {
      counted.steps++
      return env.step(a)
    },
    observe: () => env.observe(),
    getState: () => env.getState(),
    setState: (s: ArrayLike<number>) => env.setState(s),
    geometry: () => env.geometry(),
    frame: () => env.frame(),
    close: () => env.close(),
  }
  return counted
}

export async function runSession(opts: RunSessionOptions): Promise<SessionResult> {
  const { log, oracle, signal } = opts
  const config = log.config
  const env = countSteps(await opts.makeEnv(config.taskId))
  const task = env.task
  const evaluator = opts.evaluator ?? localEvaluator(await opts.makeEnv(config.taskId))
  const ownsEvaluator = !opts.evaluator
  const expert: Policy | null = opts.expert ? ('kind' in opts.expert ? policyFromSpec(opts.expert) : opts.expert) : null
  const algorithm = opts.algorithm ?? makeAlgorithm(config, opts.offlineForm)
  const trainer =
    opts.trainer ??
    (await startTrainer(
      {
        obsDim: task.obsDim,
        actDim: task.actDim,
        actionLow: task.actionLow.slice(),
        actionHigh: task.actionHigh.slice(),
        loss: config.loss,
        schedule: config.schedule,
        seed: config.seed,
        ...opts.trainerOptions,
      },
      opts.trainerWhere ?? 'worker',
    ))
  const ownsTrainer = !opts.trainer
  let evalSteps = 0
  const ledger = new CostLedger(config.costRatio)
  try {
    // Resume: everything stored so far goes back into the ledger and the trainer.
    const stored = log.labels()
    ledger.restore(stored)
    trainer.add(stored)
    const saved = log.latestPolicy()
    let weights: MlpWeights
    if (saved) {
      await trainer.load(saved.weights as MlpWeights)
      const missing = stored.length - saved.labels
      weights = missing > 0 ? (await trainer.update(8 * missing)).weights : (saved.weights as MlpWeights)
    } else if (stored.length > 0) {
      weights = (await trainer.update()).weights
    } else {
      weights = await trainer.weights()
    }
    let learner: SpecPolicy = policyFromSpec(learnerSpec(weights, task))
    const evaluations = log.evaluations()
    let lastEvalLabels = evaluations.length ? evaluations[evaluations.length - 1].labels : -1
    let lastReturn = evaluations.length ? mean(evaluations[evaluations.length - 1].returns) : null
    log.setStatus('running')

    const startLabels = stored.length
    const rng: Rng = createRng(config.seed * 7_919 + startLabels * 104_729 + 1)
    let seedCounter = config.seed * 100_000 + startLabels * 37 + 1
    let rounds = stored.filter((l) => l.source === 'query' && l.stepIndex === 0).length
    const progress = (phase: string, evaluation?: EvaluationRecord): void =>
      opts.onProgress?.({
        labels: ledger.labels,
        cost: ledger.cost,
        budget: config.budget,
        humanSeconds: ledger.humanSeconds,
        phase,
        lastReturn,
        evaluation,
      })

    // With overlapTraining, at most one update is in flight; settle() waits for it and adopts its weights.
    let pending: Promise<UpdateResult> | null = null
    const adopt = (u: UpdateResult): void => {
      weights = u.weights
      learner = policyFromSpec(learnerSpec(weights, task))
    }
    const settle = async (): Promise<void> => {
      if (!pending) return
      const p = pending
      pending = null
      adopt(await p)
    }

    const evaluate = async (): Promise<void> => {
      await settle()
      const seeds = evalSeeds(config)
      const { returns, steps } = await evaluator.evaluate(learnerSpec(weights, task), seeds, config.seed * 31 + ledger.labels)
      evalSteps += steps
      const rec: EvaluationRecord = { labels: ledger.labels, cost: ledger.cost, humanSeconds: ledger.humanSeconds, returns }
      log.addEvaluation(rec)
      log.savePolicy({ labels: ledger.labels, backend: trainer.backend, weights })
      lastEvalLabels = ledger.labels
      lastReturn = mean(returns)
      progress('evaluation', rec)
    }

    // A query's record waits for its label's id (the label is stored when its round ends).
    const pendingQueries = new Map<LabelRecord, Omit<QueryRecord, 'labelId'>>()
    const query = async (observation: Float64Array, step: number): Promise<LabelRecord | null> => {
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
        throw new RangeError(`oracle answered ${action.length} values, task ${task.id} needs ${task.actDim} finite values`)
      const label: LabelRecord = {
        source: 'query',
        cost: ledger.costOf('query'),
        observation: Float64Array.from(observation),
        state,
        action,
        humanSeconds: answer.humanSeconds ?? (oracle.kind === 'human' ? (now - issuedAt) / 1000 : null),
        episodeId: null,
        stepIndex: step,
      }
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

    if (lastEvalLabels < 0) await evaluate()
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
        nextSeed: () => seedCounter++,
        remaining: config.budget - ledger.cost,
        costRatio: config.costRatio,
        offlineCost: ledger.costFrom('offline', 'demonstration'),
        interactiveCost: ledger.costFrom('query', 'intervention'),
        rounds,
        query,
        signal,
      }
      const round: Round | null = await algorithm.round(ctx)
      if (!round) break
      if (algorithm.name === 'dagger') rounds++
      if (round.labels.length === 0 && !round.extraSteps) {
        progress(round.phase)
        continue
      }
      await settle()
      const fresh: { observation: ArrayLike<number>; action: ArrayLike<number> }[] = []
      for (const l of round.labels) {
        const q = pendingQueries.get(l)
        pendingQueries.delete(l)
        ledger.record(l.source, l.humanSeconds)
        const id = log.addLabel(l)
        if (q) log.addQuery({ ...q, labelId: id })
        fresh.push(l)
      }
      addedThisCall += round.labels.length
      trainer.add(fresh)
      pending = trainer.update(round.extraSteps ?? 0)
      if (!opts.overlapTraining || round.extraSteps) await settle()
      progress(round.phase)
      if (Math.floor(ledger.labels / config.evalEvery) > Math.floor(Math.max(0, lastEvalLabels) / config.evalEvery))
        await evaluate()
    }
    await settle()
    if (!stopped && lastEvalLabels !== ledger.labels) await evaluate()
    else if (stopped) log.savePolicy({ labels: ledger.labels, backend: trainer.backend, weights })
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
    if (ownsEvaluator) await evaluator.close()
    if (ownsTrainer) await trainer.close()
  }
}
