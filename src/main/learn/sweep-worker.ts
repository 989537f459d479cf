// One session of a sweep in its own thread (so a sweep uses both cores): trainer and evaluation stay in this
// thread; every write to the session log is forwarded to the caller, which owns the store.
import { parentPort, workerData } from 'node:worker_threads'
import { runHeadless } from './headless'
import type { EvaluationRecord, LabelRecord, PolicyRecord, QueryRecord, SessionConfig, SessionLog, SessionStatus, StoredLabel } from './session-log'

export interface SweepJob {
  config: SessionConfig
  sessionId: number
  stored: { labels: StoredLabel[]; evaluations: EvaluationRecord[]; policy: PolicyRecord | null }
}

export type SweepEvent =
  | { type: 'label'; label: LabelRecord }
  | { type: 'query'; query: QueryRecord; labelIndex: number | null }
  | { type: 'evaluation'; evaluation: EvaluationRecord }
  | { type: 'policy'; policy: PolicyRecord }
  | { type: 'status'; status: SessionStatus }
  | { type: 'progress'; cost: number; labels: number; lastReturn: number | null }
  | { type: 'done'; backend: string; seconds: number; finalReturn: number | null }
  | { type: 'error'; message: string }

const port = parentPort!
const job = workerData as SweepJob
const post = (e: SweepEvent): void => port.postMessage(e)

/** Keeps what the session needs to read back, forwards every write. Label ids are local indices (1-based). */
class ForwardingLog implements SessionLog {
  private readonly labelRows: StoredLabel[]
  private readonly evals: EvaluationRecord[]
  private policy: PolicyRecord | null
  constructor(
    readonly config: SessionConfig,
    readonly sessionId: number,
    stored: SweepJob['stored'],
  ) {
    this.labelRows = stored.labels.map((l, i) => ({ ...l, id: i + 1 }))
    this.evals = stored.evaluations.slice()
    this.policy = stored.policy
  }
  labels(): StoredLabel[] {
    return this.labelRows.slice()
  }
  addLabel(label: LabelRecord): number {
    const id = this.labelRows.length + 1
    this.labelRows.push({ ...label, id })
    post({ type: 'label', label })
    return id
  }
  addQuery(query: QueryRecord): number {
    post({ type: 'query', query, labelIndex: query.labelId })
    return 0
  }
  addEvaluation(evaluation: EvaluationRecord): void {
    this.evals.push(evaluation)
    post({ type: 'evaluation', evaluation })
  }
  evaluations(): EvaluationRecord[] {
    return this.evals.slice()
  }
  savePolicy(policy: PolicyRecord): void {
    this.policy = policy
    post({ type: 'policy', policy })
  }
  latestPolicy(): PolicyRecord | null {
    return this.policy
  }
  setStatus(status: SessionStatus): void {
    post({ type: 'status', status })
  }
}

runHeadless({
  config: job.config,
  log: new ForwardingLog(job.config, job.sessionId, job.stored),
  evaluation: 'local',
  trainerWhere: 'local',
  onProgress: (p) => post({ type: 'progress', cost: p.cost, labels: p.labels, lastReturn: p.lastReturn }),
}).then(
  (r) => post({ type: 'done', backend: r.backend, seconds: r.seconds, finalReturn: r.finalReturn }),
  (e: unknown) => post({ type: 'error', message: e instanceof Error ? e.message : String(e) }),
)
