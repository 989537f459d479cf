// What a learning session writes as it goes: the seam between the learning core and the store.
// The store implements it on SQLite (src/main/store); tests may use MemorySessionLog.
import type { LabelSource } from '../../shared/contract'
import type { SessionConfig } from '../../shared/session-config'
import type { RngState } from '../sim/rng'
import type { TrainerState } from './training-core'

export type { SessionConfig } from '../../shared/session-config'

/**
 * Everything a session needs to continue exactly where it was after its last recorded round: the trainer
 * (weights, optimiser, its random generator), the runner's random generator and reset count, and the
 * algorithm's own bookkeeping. Stored with that round's labels, in the same transaction.
 */
export interface SessionCheckpoint {
  /** the labels stored when it was taken */
  labels: number
  trainer: TrainerState
  rng: RngState
  /** training resets drawn so far */
  resets: number
  algorithm: unknown
  /** an ensemble's other learners' training states, in order (absent for one learner) */
  members?: TrainerState[]
}

/** One round's writes, stored together: its labels, the queries that produced them, and the checkpoint. */
export interface RoundCommit {
  labels: LabelRecord[]
  /** labelIndex: the label (in labels) the query produced */
  queries: { labelIndex: number; query: Omit<QueryRecord, 'labelId'> }[]
  checkpoint: SessionCheckpoint | null
}

/**
 * What a label carries beyond its state for policies that see several observations or predict several actions
 * (shared/policy-config.ts contextNeeds): the observations before the state, oldest first (rows of obsDim; fewer
 * at an episode's start), and the actions taken after the label's own, in order (rows of actDim; none where they
 * are unknown, as for a query's single answer).
 */
export interface LabelContext {
  history: ArrayLike<number>
  next: ArrayLike<number>
}

export interface LabelRecord {
  source: LabelSource
  /** 1 for an offline label, C for an interactive query */
  cost: number
  observation: ArrayLike<number>
  /** full physics state of the labelled state, when known */
  state: ArrayLike<number> | null
  action: ArrayLike<number>
  /** seconds a person took (human oracle), null for simulated experts */
  humanSeconds: number | null
  /** the episode step this label came from, when it came from a stored episode */
  episodeId: number | null
  stepIndex: number | null
  /** history and following actions; absent or null: none (the Gaussian MLP needs none) */
  context?: LabelContext | null
  /**
   * the expert's action at the same state, for a label a person gave (real or simulated), computed when it was
   * stored: what `iwb person` measures the person against; absent or null for the expert's own labels
   */
  expertAction?: ArrayLike<number> | null
}

export interface QueryRecord {
  labelId: number | null
  issuedAt: number
  firstInputAt: number | null
  committedAt: number | null
  abandonedAt: number | null
  proposedAction: ArrayLike<number>
  answer: ArrayLike<number> | null
  /** L2 distance between the learner's proposal and the answer */
  disagreement: number | null
  operator: string | null
  /** the robot turned to the person after driving on its own (a context switch); absent: false */
  contextSwitch?: boolean
}

export interface EvaluationRecord {
  labels: number
  cost: number
  humanSeconds: number
  returns: number[]
  /** share of the episodes that succeeded; null or absent for tasks without a success condition */
  successRate?: number | null
  /**
   * mean over the episodes of the coverage at each one's last step (push-t: share of the goal's area); null or
   * absent for tasks without it
   */
  coverage?: number | null
}

export interface PolicyRecord {
  labels: number
  backend: string
  /** JSON-serialisable weights (see learn/gaussian-mlp.ts) */
  weights: unknown
}

export interface StoredLabel extends LabelRecord {
  id: number
}

export type SessionStatus = 'created' | 'running' | 'paused' | 'finished' | 'failed' | 'cancelled'

export interface SessionLog {
  readonly sessionId: number
  readonly config: SessionConfig
  /** every label so far, in order (used to resume) */
  labels(): StoredLabel[]
  addLabel(label: LabelRecord): number
  addQuery(query: QueryRecord): number
  /** a round's labels, queries and checkpoint in one transaction; returns the labels' ids */
  commitRound(round: RoundCommit): number[]
  /** the checkpoint of the last committed round that kept one */
  checkpoint(): SessionCheckpoint | null
  /**
   * Deletes, in one transaction, what was stored after the checkpoint of `rows` label rows (`labels` of them not the
   * learner's own steps): the later labels, their queries, and the evaluations, policies and fork checkpoints past
   * it, so that the session continues exactly from the checkpoint. False, deleting nothing, when a query with no
   * label (an abandoned one or a person's Pass) was stored after the last kept label's query, or there are fewer
   * rows. Absent: the runner keeps what is stored.
   */
  discardAfter?(rows: number, labels: number): boolean
  addEvaluation(evaluation: EvaluationRecord): void
  evaluations(): EvaluationRecord[]
  savePolicy(policy: PolicyRecord): void
  latestPolicy(): PolicyRecord | null
  setStatus(status: SessionStatus): void
}

/** In-memory SessionLog for tests and throwaway runs. */
export class MemorySessionLog implements SessionLog {
  private readonly labelRows: StoredLabel[] = []
  private readonly queryRows: QueryRecord[] = []
  private readonly evals: EvaluationRecord[] = []
  private policy: PolicyRecord | null = null
  private saved: SessionCheckpoint | null = null
  status: SessionStatus = 'created'

  constructor(
    readonly config: SessionConfig,
    readonly sessionId = 1,
  ) {}

  labels(): StoredLabel[] {
    return this.labelRows.slice()
  }
  addLabel(label: LabelRecord): number {
    const id = this.labelRows.length + 1
    this.labelRows.push({ ...label, id })
    return id
  }
  addQuery(query: QueryRecord): number {
    this.queryRows.push(query)
    return this.queryRows.length
  }
  commitRound(round: RoundCommit): number[] {
    const ids = round.labels.map((l) => this.addLabel(l))
    for (const q of round.queries) this.addQuery({ ...q.query, labelId: ids[q.labelIndex] })
    if (round.checkpoint) this.saved = structuredClone(round.checkpoint)
    return ids
  }
  checkpoint(): SessionCheckpoint | null {
    return this.saved ? structuredClone(this.saved) : null
  }
  discardAfter(rows: number, labels: number): boolean {
    if (this.labelRows.length < rows) return false
    const last = rows > 0 ? this.labelRows[rows - 1].id : 0
    let mark = -1
    this.queryRows.forEach((q, i) => {
      if (q.labelId !== null && q.labelId <= last) mark = i
    })
    if (this.queryRows.slice(mark + 1).some((q) => q.labelId === null)) return false
    this.labelRows.splice(rows)
    this.queryRows.splice(mark + 1)
    const evals = this.evals.filter((e) => e.labels <= labels)
    this.evals.splice(0, this.evals.length, ...evals)
    if (this.policy && this.policy.labels > labels) this.policy = null
    return true
  }
  queries(): QueryRecord[] {
    return this.queryRows.slice()
  }
  addEvaluation(evaluation: EvaluationRecord): void {
    this.evals.push(evaluation)
  }
  evaluations(): EvaluationRecord[] {
    return this.evals.slice()
  }
  savePolicy(policy: PolicyRecord): void {
    this.policy = policy
  }
  latestPolicy(): PolicyRecord | null {
    return this.policy
  }
  setStatus(status: SessionStatus): void {
    this.status = status
  }
}
