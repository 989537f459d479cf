// Messages between the sessions service (main thread) and a session worker (one learning session each).
import type { QueryPrompt } from '../../../shared/contract'
import type { HumanCommit } from '../../learn/human-oracle'
import type { SessionProgress, SessionResult } from '../../learn/session-runner'

export interface RunRequest {
  type: 'run'
  file: string
  sessionId: number
  /** query ids handed out by this worker start here (unique within the process) */
  firstQueryId: number
  /** rollout workers for evaluation episodes (0: evaluate in the session worker itself) */
  evalWorkers: number
  /** stop after this many labels in this run, leaving the session paused (tests) */
  stopAfterLabels?: number
  trainerWhere?: 'worker' | 'local'
  /** a person's STAGGER session rolls the next query out while one is answered (default true) */
  lookahead?: boolean
}

export type ToSessionWorker =
  | RunRequest
  | { type: 'answer'; reqId: number; queryId: number; commit: HumanCommit }
  | { type: 'skip'; reqId: number; queryId: number }
  | { type: 'abort'; reason: 'pause' | 'cancel' }

export type FromSessionWorker =
  | { type: 'progress'; progress: SessionProgress }
  | { type: 'prompt'; prompt: QueryPrompt }
  /** the query is no longer waiting (answered, skipped or abandoned) */
  | { type: 'settled'; queryId: number }
  /** sent once the answer's label (or the skip's abandoned query) is in the store */
  | { type: 'reply'; reqId: number; ok: boolean; error?: string }
  | { type: 'done'; result: Omit<SessionResult, 'evaluations'> }
  | { type: 'failed'; error: string }
