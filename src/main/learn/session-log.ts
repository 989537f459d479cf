// What a learning session writes as it goes: the seam between the learning core and the store.
// The store implements it on SQLite (src/main/store); tests may use MemorySessionLog.
import type { Algo, LabelSource, OracleKind } from '../../shared/contract'

export interface SessionConfig {
  taskId: string
  algo: Algo
  /** WARM-STAGGER: fraction of the budget spent offline first */
  warmFraction: number | null
  oracle: OracleKind
  budget: number
  seed: number
  costRatio: number
  /** 'incremental' (default) or the authors' 'scratch' retrain-after-every-label schedule */
  schedule: 'incremental' | 'scratch'
  loss: 'nll' | 'mse'
  evalEvery: number
  evalEpisodes: number
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
}

export interface EvaluationRecord {
  labels: number
  cost: number
  humanSeconds: number
  returns: number[]
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
