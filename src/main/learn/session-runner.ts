// Runs one learning session from its SessionConfig on a SessionLog: rounds of the chosen algorithm, a policy
// update after each round's labels, an evaluation every evalEvery labels, the policy saved with each evaluation.
//
// Reproducible: each round's labels and queries are stored in one transaction, with a checkpoint (trainer with
// optimiser state, every random generator, the algorithm's bookkeeping) whenever one is due (checkpointDue: every
// round a person took part in, at evaluations, at most CHECKPOINT_EVERY apart otherwise), so a session killed at
// any moment and resumed stores the same labels and the same curve as one never interrupted: the simulated rounds
// stored after the last checkpoint are deleted and run again from it (restoreFromCheckpoint). The query a round was
// waiting on when it was killed is asked again: the restored generators roll out to the same state.
// Cancellable: the AbortSignal stops it between rounds (and abandons a pending query); signal.reason 'pause'
// leaves the session 'paused', anything else 'cancelled'.
//
// runSession is the session's outline; SessionRun holds its steps (restoreFromCheckpoint, makeQuery, priceRound,
// evaluateAt, commitLoop with commitRound, finish) and the state they share.
import type { Env, Policy } from '../sim/env'
import { policyFromSpec, type LearnerWeights, type PolicySpec, type SpecPolicy } from '../sim/policy-spec'
import { createRng, type Rng } from '../sim/rng'
import type { TaskInfo } from '../../shared/contract'
import { learnerSpec, type Algorithm, type DrawnLabel, type Round, type RoundContext } from './algorithm'
import { EvaluationStopped, evaluationEpisodes, localEvaluator, trainingSeed, type Evaluator } from './evaluation'
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
import { contextNeeds, type LabelContextNeeds } from '../../shared/policy-config'
import { episodic, trackedEnv, type TrackedEnv } from './episode-context'
import { followingActions } from './label-chunks'
import { PersonHand, PersonSupervisor } from './simulated-person'
import { isPersonOracle, parsePersonText } from '../../shared/person-model'
import { keepsForkCheckpoint } from '../../shared/warm-fork'

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

/**
 * How far apart a session's checkpoints may be when its rounds hold only simulated labels (the expert's states or
 * answers, a simulated person's). A checkpoint is the trainer's whole state (weights and Adam's moments: about
 * 1.5 MB for a 256x256 class), so one with each of BC's one-label rounds wrote some 50 GB for a 20,000-label
 * session. Such rounds are stored without one while the last is this recent (in label rows, in milliseconds,
 * whichever is reached first); a resume deletes them and runs them again from the checkpoint, the same labels, so
 * this bounds the work a crash costs (a few seconds). A round holding a person's label, an evaluation point, a
 * fork point and the session's end or pause always keep one.
 */
export const CHECKPOINT_EVERY = { rows: 200, ms: 10_000 } as const

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

/** Adam steps at most for an ensemble's other learner that has labels but no checkpoint to continue from. */
const MEMBER_CATCH_UP = 20_000

/** The trainer seed of an ensemble's i-th learner (the first is the session's own seed). */
export function memberSeed(seed: number, i: number): number {
  return trainingSeed(seed, 0x30000000 + i)
}

/** The env with a count of every step() (rollout steps, for the benchmark's sim-only baseline). */
export function countSteps(env: Env): Env & { steps: number } {
  return trackedEnv(env, 0)
}

/**
 * One session's run, in the order it goes: refuse what this code cannot continue, open what it runs on, restore
 * the stored state, evaluate the policy it starts from when due, commit rounds until the budget is spent or it is
 * stopped, then the final evaluation and status.
 */
export async function runSession(opts: RunSessionOptions): Promise<SessionResult> {
  assertRunnable(opts.log.config)
  const run = await SessionRun.open(opts)
  try {
    await run.restoreFromCheckpoint()
    opts.log.setStatus('running')
    await run.evaluateIfDue()
    const stopped = await run.commitLoop()
    return await run.finish(stopped)
  } catch (e) {
    // Stopped inside an evaluation: paused or cancelled as between rounds; a resume evaluates that point again.
    const stopped = e instanceof EvaluationStopped && opts.signal?.aborted
    opts.log.setStatus(stopped ? (opts.signal?.reason === 'pause' ? 'paused' : 'cancelled') : 'failed')
    throw e
  } finally {
    await run.close()
  }
}

/** Refuses, before anything runs, a session this code cannot continue as it was started. */
function assertRunnable(config: SessionConfig): void {
  // A session run by another version of its algorithm cannot be continued by this one (its labels came the old way).
  if (config.algoVersion !== ALGO_VERSIONS[config.algo])
    throw new Error(
      `this session ran ${config.algo} version ${config.algoVersion}; this workbench runs version ${ALGO_VERSIONS[config.algo]} and cannot continue it (start a new session)`,
    )
}

/** What a session runs on (opened by SessionRun.open, closed by close()) and its state while it runs. */
class SessionRun {
  readonly log: SessionLog
  readonly config: SessionConfig
  readonly needs: LabelContextNeeds
  readonly env: TrackedEnv
  readonly task: TaskInfo
  readonly evaluator: Evaluator
  readonly expert: Policy | null
  readonly algorithm: Algorithm
  readonly trainer: Trainer
  readonly supervisor: Supervisor | null
  /** the simulated person's hand when the oracle is one (its offline labels and takeovers too) */
  readonly hand: PersonHand | null
  readonly ledger: CostLedger
  evalSteps = 0
  rng!: Rng
  /** reset seeds drawn so far (the next rollout's is trainingSeed(seed, resets)) */
  resets = 0
  /** the learner's newest weights and their policy (the proposals and the rollouts) */
  weights!: LearnerWeights
  learner!: SpecPolicy
  /**
   * An ensemble's other learners (the descriptor's learners - 1; none for one learner): each a trainer of its own
   * seed on the same labels, checkpointed beside the first, and its policy (the algorithm reads their spread).
   */
  members: Trainer[] = []
  memberPolicies: SpecPolicy[] = []
  lastEvalLabels = -1
  /** the label rows at the last checkpoint stored (null: none yet) and when it was stored or restored */
  checkpointRows: number | null = null
  checkpointAt = Date.now()
  lastReturn: number | null = null
  lastSuccessRate: number | null = null
  /**
   * Updates run one after another; with overlapTraining they queue up behind each other instead of being awaited
   * before the next round, and each one's weights become the learner as soon as it is done. settle() waits for
   * the last one queued.
   */
  pending: Promise<UpdateResult> | null = null
  /** the evaluation in flight (evaluateAt) */
  evaluating: Promise<void> | null = null
  /** the rows the trainer holds, in order, as the algorithm's weights see them */
  trainRows: Pick<LabelRecord, 'source' | 'stepIndex'>[] = []
  /** a query's record waits for its label's id (the label is stored when its round ends) */
  readonly pendingQueries = new Map<DrawnLabel, Omit<QueryRecord, 'labelId'>>()
  readonly query: RoundContext['query']

  private constructor(
    readonly opts: RunSessionOptions,
    parts: Pick<SessionRun, 'needs' | 'env' | 'evaluator' | 'expert' | 'algorithm' | 'trainer' | 'supervisor' | 'hand'>,
  ) {
    this.log = opts.log
    this.config = opts.log.config
    this.needs = parts.needs
    this.env = parts.env
    this.task = parts.env.task
    this.evaluator = parts.evaluator
    this.expert = parts.expert
    this.algorithm = parts.algorithm
    this.trainer = parts.trainer
    this.supervisor = parts.supervisor
    this.hand = parts.hand
    this.ledger = new CostLedger(this.config.costRatio)
    this.query = this.makeQuery()
  }

  /** The rollout env, the evaluator, the expert, the algorithm, the trainer and the supervisor: given or made. */
  static async open(opts: RunSessionOptions): Promise<SessionRun> {
    const config = opts.log.config
    const needs = contextNeeds(config.policy)
    const env = trackedEnv(await opts.makeEnv(envTaskId(config)), needs.history - 1)
    const evaluator = opts.evaluator ?? localEvaluator(await opts.makeEnv(envTaskId(config)))
    const expert: Policy | null = opts.expert
      ? 'kind' in opts.expert
        ? policyFromSpec(opts.expert)
        : opts.expert
      : null
    const algorithm = opts.algorithm ?? makeAlgorithm(config, opts.offlineForm, opts.demonstrations ?? null)
    const trainer = opts.trainer ?? (await sessionTrainer(config, env))
    const hand = isPersonOracle(config.oracle) ? new PersonHand(parsePersonText(config.oracle), env.task) : null
    // the simulated person draws from the session's generator, which restoreFromCheckpoint sets after this
    let run: SessionRun | null = null
    const rng = (): Rng => run!.rng
    const supervisor =
      opts.supervisor ??
      (expert
        ? hand
          ? new PersonSupervisor(hand, expert, env.task, rng)
          : new SimulatedPerson(expert, env.task)
        : null)
    run = new SessionRun(opts, { needs, env, evaluator, expert, algorithm, trainer, supervisor, hand })
    return run
  }

  /** Resume: everything stored so far goes back into the ledger and the trainer, and the generators where they were. */
  async restoreFromCheckpoint(): Promise<void> {
    const { log, config, trainer } = this
    const checkpoint = log.checkpoint()
    const stored = this.rewindToCheckpoint(log.labels(), checkpoint)
    this.ledger.restore(stored)
    const trained = this.trainedOf(stored)
    trainer.add(trained)
    this.trainRows = trained.map((l) => ({ source: l.source, stepIndex: l.stepIndex }))
    await this.openMembers(trained, stored.length, checkpoint)
    this.rng = createRng(trainingSeed(config.seed, 0x7fffffff))
    this.resets = 0
    if (checkpoint && checkpoint.labels === stored.length) {
      this.checkpointRows = checkpoint.labels
      await trainer.restore(checkpoint.trainer)
      this.rng = createRng(0, checkpoint.rng)
      this.resets = checkpoint.resets
      this.algorithm.restore?.(checkpoint.algorithm)
      this.weights = await trainer.weights()
    } else if (stored.length > 0) {
      // Labels without a checkpoint (a person's overlapped rounds, or a workspace from before checkpoints):
      // continue from the latest policy, trained on what it missed. Not bit-exact.
      const saved = log.latestPolicy()
      if (saved) await trainer.load(saved.weights as LearnerWeights)
      const missing = this.ledger.labels - (saved?.labels ?? 0)
      this.weights =
        missing > 0 || !saved
          ? (await trainer.update(8 * Math.max(0, missing), this.trainWeights())).weights
          : (saved.weights as LearnerWeights)
      this.rng = createRng(trainingSeed(config.seed, 0x40000000 + stored.length))
      this.resets = 0x20000000 + stored.length * 64
    } else {
      this.weights = await trainer.weights()
    }
    this.learner = episodic(policyFromSpec(learnerSpec(this.weights, this.task)), this.env)
    const evaluations = log.evaluations()
    const last = evaluations.length ? evaluations[evaluations.length - 1] : null
    this.lastEvalLabels = last ? last.labels : -1
    this.lastReturn = last ? mean(last.returns) : null
    this.lastSuccessRate = last ? (last.successRate ?? null) : null
  }

  /**
   * The labels to continue from. Rounds stored after the checkpoint without one of their own (checkpointDue) are
   * deleted, with everything stored after them, in one transaction, when every label in them is simulated: the
   * restored generators give the same rounds again. Anything a person gave is kept (and continued from, not exactly).
   */
  rewindToCheckpoint<L extends LabelRecord>(stored: L[], checkpoint: SessionCheckpoint | null): L[] {
    const { log } = this
    if (!checkpoint || !log.discardAfter || stored.length <= checkpoint.labels) return stored
    const after = stored.slice(checkpoint.labels)
    if (after.some((l) => this.personLabel(l))) return stored
    const kept = stored.slice(0, checkpoint.labels)
    const labels = kept.filter((l) => l.source !== 'policy').length
    return log.discardAfter(checkpoint.labels, labels) ? kept : stored
  }

  /**
   * A label a real person gave: a recorded demonstration, or, with the human oracle, anything but the expert's
   * offline states (their answers, takeovers and the learner's steps they watched). A simulated person's are not.
   */
  personLabel(l: Pick<LabelRecord, 'source'>): boolean {
    if (l.source === 'demonstration') return true
    const human = this.opts.oracle.kind === 'human' || this.config.oracle === 'human'
    return human && l.source !== 'offline'
  }

  /**
   * Whether this round, its labels priced, must be stored with a checkpoint: the first, one holding a person's
   * label, one an evaluation or a WARM-STAGGER fork point follows, one stored while stopping, and one when the last
   * checkpoint is CHECKPOINT_EVERY old.
   */
  checkpointDue(labels: readonly LabelRecord[]): boolean {
    const { ledger } = this
    if (this.checkpointRows === null || labels.some((l) => this.personLabel(l))) return true
    if (this.evaluationDue() || keepsForkCheckpoint(this.config, ledger.rows) || this.opts.signal?.aborted) return true
    return (
      ledger.rows - this.checkpointRows >= CHECKPOINT_EVERY.rows ||
      Date.now() - this.checkpointAt >= CHECKPOINT_EVERY.ms
    )
  }

  /** Stores a checkpoint now, with no round (the session's end or pause), unless the last one is this point's. */
  async checkpointAtEnd(): Promise<void> {
    if (this.opts.overlapTraining || this.ledger.rows === 0 || this.checkpointRows === this.ledger.rows) return
    this.store({ labels: [], queries: [], checkpoint: await this.checkpointNow() })
  }

  /** Stores a round's commit in one transaction, and notes its checkpoint when it keeps one. */
  store(commit: RoundCommit): void {
    this.log.commitRound(commit)
    if (!commit.checkpoint) return
    this.checkpointRows = commit.checkpoint.labels
    this.checkpointAt = Date.now()
  }

  /** The rows the trainer learns from: every label, and the learner's own steps when the algorithm weighs them. */
  trainedOf<L extends Pick<LabelRecord, 'source'>>(rows: readonly L[]): L[] {
    return this.algorithm.weights ? rows.slice() : rows.filter((l) => l.source !== 'policy')
  }

  /** The algorithm's weights over the trainer's rows, or null for uniform. */
  trainWeights(): Float64Array | null {
    return this.algorithm.weights?.(this.trainRows) ?? null
  }

  /**
   * The ensemble's other learners, each with the labels so far and its state from the checkpoint (exact), or
   * trained on the labels when there is none to continue from (a workspace without one: not bit-exact).
   */
  async openMembers(stored: LabelRecord[], rows: number, checkpoint: SessionCheckpoint | null): Promise<void> {
    const { config, env } = this
    const n = algoLearners(algorithmOf(config.algo), config.algoParams) - 1
    for (let i = 1; i <= n; i++) {
      const m = await sessionTrainer({ ...config, seed: memberSeed(config.seed, i) }, env)
      this.members.push(m)
      m.add(stored)
    }
    const exact = checkpoint && checkpoint.labels === rows
    if (exact && n > 0 && checkpoint.members?.length !== n)
      throw new Error(`the checkpoint holds ${checkpoint.members?.length ?? 0} of the ensemble's ${n} other learners`)
    const weights = await Promise.all(
      this.members.map(async (m, i) => {
        if (exact) await m.restore(checkpoint.members![i])
        else if (stored.length > 0)
          return (await m.update(Math.min(8 * stored.length, MEMBER_CATCH_UP), this.trainWeights())).weights
        return m.weights()
      }),
    )
    this.adoptMembers(weights)
  }

  adoptMembers(weights: LearnerWeights[]): void {
    this.memberPolicies = weights.map((w) => episodic(policyFromSpec(learnerSpec(w, this.task)), this.env))
  }

  progress(phase: string, evaluation?: EvaluationRecord): void {
    const { ledger } = this
    this.opts.onProgress?.({
      labels: ledger.labels,
      cost: ledger.cost,
      budget: this.config.budget,
      humanSeconds: ledger.humanSeconds,
      phase,
      lastReturn: this.lastReturn,
      lastSuccessRate: this.lastSuccessRate,
      evaluation,
    })
  }

  /** The update's weights become the learner (the proposals and the next rollouts). */
  adopt(u: UpdateResult): void {
    this.weights = u.weights
    this.learner = episodic(policyFromSpec(learnerSpec(this.weights, this.task)), this.env)
  }

  /** Waits for the last update queued and adopts it. */
  async settle(): Promise<void> {
    if (!this.pending) return
    const p = this.pending
    this.pending = null
    this.adopt(await p)
  }

  queueUpdate(rows: LabelRecord[], extraSteps: number): void {
    const labels = this.trainedOf(rows)
    // nothing to learn from (a watched episode's own steps that the algorithm does not train on)
    if (labels.length === 0 && extraSteps === 0) return
    for (const l of labels) this.trainRows.push({ source: l.source, stepIndex: l.stepIndex })
    const weights = this.trainWeights()
    const before = this.pending
    const p = (before ?? Promise.resolve(null)).then(async () => {
      this.trainer.add(labels)
      for (const m of this.members) m.add(labels)
      const [u, ...others] = await Promise.all(
        [this.trainer, ...this.members].map((t) => t.update(extraSteps, weights)),
      )
      if (others.length) this.adoptMembers(others.map((o) => o.weights))
      return u
    })
    // adopted as soon as done, in order (errors surface through settle())
    void p.then(
      (u) => this.adopt(u),
      () => undefined,
    )
    this.pending = p
  }

  /** An evaluation every evalEvery labels, and of the policy the session starts from. */
  evaluationDue(): boolean {
    const every = this.config.evalEvery
    return this.lastEvalLabels < 0 || Math.floor(this.ledger.labels / every) > Math.floor(this.lastEvalLabels / every)
  }

  async evaluateIfDue(): Promise<void> {
    if (this.evaluationDue()) await this.evaluateAt()
  }

  async finishEvaluation(): Promise<void> {
    if (!this.evaluating) return
    const e = this.evaluating
    this.evaluating = null
    await e
  }

  /**
   * Evaluates the policy after the labels so far and stores it when done. It runs while the next rounds go on
   * (their rollouts, the next query's prompt), so it never sits between a person's answer and the next prompt.
   * Without overlapTraining it is awaited before the next round is committed, so every stored checkpoint lies
   * after its evaluation and a resumed session stores exactly the same curve.
   */
  async evaluateAt(): Promise<void> {
    await this.finishEvaluation()
    const { ledger, log, trainer, task, config } = this
    const at = { labels: ledger.labels, cost: ledger.cost, humanSeconds: ledger.humanSeconds }
    this.lastEvalLabels = at.labels
    const after: Promise<LearnerWeights> = this.pending
      ? this.pending.then((u) => u.weights)
      : Promise.resolve(this.weights)
    this.evaluating = (async () => {
      const w = await after
      const { returns, steps, successRate, coverage } = await this.evaluator.evaluate(
        learnerSpec(w, task),
        evaluationEpisodes(config, at.labels),
      )
      this.evalSteps += steps
      const rec: EvaluationRecord = { ...at, returns, successRate, coverage }
      log.addEvaluation(rec)
      log.savePolicy({ labels: at.labels, backend: trainer.backend, weights: w })
      this.lastReturn = mean(returns)
      this.lastSuccessRate = successRate
      this.progress('evaluation', rec)
    })()
    // a failure surfaces where it is awaited; until then it must not count as unhandled
    void this.evaluating.catch(() => undefined)
  }

  /** The RoundContext's query: asks the oracle about the env's state, keeps the query's record for its label. */
  makeQuery(): RoundContext['query'] {
    const { needs, env, task, config, log, opts } = this
    const oracle = opts.oracle
    return async (observation, step, history, asked) => {
      const contextSwitch = asked?.contextSwitch === true
      const before = needs.history > 1 ? (history ?? env.history()) : null
      const state = env.getState()
      const proposed = this.learner.act(observation)
      const issuedAt = Date.now()
      const answer = await askOracle(
        oracle,
        {
          taskId: config.taskId,
          observation: Float64Array.from(observation),
          state,
          proposedAction: proposed,
          step,
          contextSwitch,
          ...(asked?.drives ? { takeover: true } : {}),
          rng: this.rng,
        },
        opts.signal,
      )
      const now = Date.now()
      if (!answer || 'passed' in answer) {
        // abandoned (no one answered) or skipped (a Pass: who passed is kept, as an answer keeps who answered)
        log.addQuery({
          labelId: null,
          issuedAt,
          firstInputAt: null,
          committedAt: null,
          abandonedAt: now,
          proposedAction: proposed,
          answer: null,
          disagreement: null,
          operator: answer?.operator ?? null,
          ...(contextSwitch ? { contextSwitch } : {}),
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
      if (answer.expertAction) label.expertAction = Float64Array.from(answer.expertAction)
      // a query's answer is one action: the chunk's later positions stay unknown (masked in training)
      if (before?.length) label.context = { history: before, next: new Float64Array(0) }
      let d = 0
      for (let i = 0; i < action.length; i++) d += (action[i] - proposed[i]) ** 2
      this.pendingQueries.set(label, {
        issuedAt,
        firstInputAt: answer.firstInputMs != null ? issuedAt + answer.firstInputMs : null,
        committedAt: now,
        abandonedAt: null,
        proposedAction: proposed,
        answer: action,
        disagreement: Math.sqrt(d),
        operator: answer.operator ?? null,
        ...(contextSwitch ? { contextSwitch } : {}),
      })
      return label
    }
  }

  /** The ledger prices each label (one source of truth for cost); labels past the budget are dropped. */
  priceRound(round: Round): RoundCommit {
    const { ledger, needs } = this
    if (needs.chunk > 1) followingActions(round.labels, needs.chunk, this.task.actDim)
    const labels: LabelRecord[] = []
    const queries: RoundCommit['queries'] = []
    for (const l of round.labels) {
      const q = this.pendingQueries.get(l)
      this.pendingQueries.delete(l)
      if (ledger.cost + ledger.costOf(l.source) > this.config.budget + BUDGET_SLACK) continue
      const p = this.asPerson(l)
      const entry = ledger.record(p.source, p.humanSeconds)
      if (q) queries.push({ labelIndex: labels.length, query: q })
      labels.push({ ...p, cost: entry.cost })
    }
    return { labels, queries, checkpoint: null }
  }

  /**
   * A label a person gave (a recorded demonstration, a real person's answer or takeover, anything a simulated
   * person gave) carries the expert's action at its state, which costs the person nothing; so does the learner's
   * own step in a person's takeover session (the lead-up `iwb person` measures the reaction delay on). A simulated person's
   * offline labels are its own hand's (the expert's states, its action and seconds per demonstrated state) and
   * its takeover steps cost its seconds per takeover second. The expert's own labels stay as they are.
   */
  asPerson(l: DrawnLabel): DrawnLabel {
    const { hand, expert } = this
    const asked = l.source === 'query' || l.source === 'intervention' || l.source === 'policy'
    const person =
      l.source === 'demonstration' || (this.config.oracle !== 'expert' && asked) || (hand && l.source === 'offline')
    if (!expert || !person) return l
    const expertAction = l.expertAction ?? Float64Array.from(expert.act(Float64Array.from(l.observation)))
    if (hand && l.source === 'offline')
      return { ...l, action: hand.act(expertAction, this.rng), humanSeconds: hand.demoSeconds(), expertAction }
    if (hand && l.source === 'intervention') return { ...l, humanSeconds: hand.takeoverSeconds(), expertAction }
    return { ...l, expertAction }
  }

  /** The state to continue from after this round: its update and any evaluation in flight done first. */
  async checkpointNow(): Promise<SessionCheckpoint> {
    await this.settle()
    await this.finishEvaluation()
    return {
      labels: this.ledger.rows,
      trainer: await this.trainer.state(),
      rng: this.rng.state(),
      resets: this.resets,
      algorithm: this.algorithm.state?.() ?? null,
      ...(this.members.length ? { members: await Promise.all(this.members.map((m) => m.state())) } : {}),
    }
  }

  /** What the algorithm sees this round. */
  roundContext(): RoundContext {
    const { env, config, ledger } = this
    return {
      env,
      task: this.task,
      learner: this.learner,
      ...(this.memberPolicies.length ? { ensemble: [this.learner, ...this.memberPolicies] } : {}),
      expert: this.expert,
      rng: this.rng,
      nextSeed: () => trainingSeed(config.seed, this.resets++),
      remaining: config.budget - ledger.cost + BUDGET_SLACK,
      costRatio: config.costRatio,
      offlineCost: ledger.costFrom('offline', 'demonstration'),
      interactiveCost: ledger.costFrom('query', 'intervention'),
      query: this.query,
      supervisor: this.supervisor,
      signal: this.opts.signal,
      needs: this.needs,
      history: () => env.history(),
      lookAhead: (fn) => env.lookAhead(fn),
    }
  }

  /**
   * Rounds of the algorithm, each committed, until it is done, the budget is spent (null) or the session is
   * stopped ('paused', 'cancelled': by the signal between rounds, or after stopAfterLabels labels in this call).
   */
  async commitLoop(): Promise<'paused' | 'cancelled' | null> {
    const { opts } = this
    let addedThisCall = 0
    for (;;) {
      if (opts.signal?.aborted) return opts.signal.reason === 'pause' ? 'paused' : 'cancelled'
      if (opts.stopAfterLabels !== undefined && addedThisCall >= opts.stopAfterLabels) return 'paused'
      const round: Round | null = await this.algorithm.round(this.roundContext())
      if (!round) return null
      const added = await this.commitRound(round)
      if (added === null) return null // the budget is spent
      addedThisCall += added
    }
  }

  /**
   * Prices a round's labels, queues the update on them, stores them (with a checkpoint when one is due) in one
   * transaction and evaluates when due; the labels stored, or null when the budget is spent.
   */
  async commitRound(round: Round): Promise<number | null> {
    if (round.labels.length === 0 && !round.extraSteps && !round.keep) {
      this.progress(round.phase)
      return 0
    }
    const overlap = this.opts.overlapTraining && !round.extraSteps
    if (!overlap) await this.settle()
    const commit = this.priceRound(round)
    if (commit.labels.length === 0 && !round.extraSteps) {
      if (!round.keep || round.labels.length > 0) return null
      // Nothing to learn from, but its bookkeeping (a watched episode) is kept with a checkpoint.
      commit.checkpoint = await this.checkpointNow()
      this.store(commit)
      this.progress(round.phase)
      return 0
    }
    this.queueUpdate(commit.labels, round.extraSteps ?? 0)
    if (!overlap) {
      // the next round rolls out the updated learner, whether or not this one keeps a checkpoint
      await this.settle()
      await this.finishEvaluation()
      if (this.checkpointDue(commit.labels)) commit.checkpoint = await this.checkpointNow()
    }
    this.store(commit)
    this.progress(round.phase)
    await this.evaluateIfDue()
    return commit.labels.filter((l) => l.source !== 'policy').length
  }

  /** The last update and evaluation done, the final evaluation (finished) or the policy saved (stopped), the status. */
  async finish(stopped: 'paused' | 'cancelled' | null): Promise<SessionResult> {
    const { log, ledger, trainer } = this
    await this.settle()
    await this.finishEvaluation()
    if (!stopped && this.lastEvalLabels !== ledger.labels) {
      await this.evaluateAt()
      await this.finishEvaluation()
    } else if (stopped) log.savePolicy({ labels: ledger.labels, backend: trainer.backend, weights: this.weights })
    await this.checkpointAtEnd()
    const status = stopped ?? 'finished'
    log.setStatus(status)
    this.progress(status)
    return {
      status,
      labels: ledger.labels,
      cost: ledger.cost,
      humanSeconds: ledger.humanSeconds,
      finalReturn: this.lastReturn,
      evaluations: log.evaluations(),
      backend: trainer.backend,
      rolloutSteps: this.env.steps,
      evalSteps: this.evalSteps,
    }
  }

  /** Closes what the run made (a given evaluator or trainer is its giver's). */
  async close(): Promise<void> {
    this.env.close()
    if (!this.opts.evaluator) await this.evaluator.close()
    if (!this.opts.trainer) await this.trainer.close()
    for (const m of this.members) await m.close()
  }
}
