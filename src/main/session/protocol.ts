// Messages between a SessionHost (the thread that holds the session's lease) and its session worker (the thread
// that runs the session on its own connection to the workspace).
import type { QueryPrompt, TakeoverLive } from '../../shared/contract'
import type { HumanCommit } from '../learn/human-oracle'
import type { SessionProgress, SessionResult } from '../learn/session-runner'
import type { FolderTaskSpec } from '../sim/tasks/folder-task'

export interface RunRequest {
  type: 'run'
  file: string
  sessionId: number
  /** the host's lease: the worker commits rounds only while the session is still this lease's */
  leaseToken: string
  /** query ids handed out by this worker start here (unique within the process) */
  firstQueryId: number
  /** rollout workers for evaluation episodes (0: evaluate in the session worker itself); results are the same */
  evalWorkers: number
  /** stop after this many labels in this run, leaving the session paused (tests) */
  stopAfterLabels?: number
  /** how a forked session's progress names its BC twin, when not by its id in this workspace */
  twinName?: string
  /** a person's STAGGER session rolls the next query out while one is answered (default true) */
  lookahead?: boolean
  /** rollout workers for those lookahead draws, run in parallel (0: one after another in the session worker) */
  lookaheadWorkers: number
  /** the session's task when it is a folder task (registry taskCarry): the worker builds it from this */
  folderTask: FolderTaskSpec | null
}

export type ToSessionWorker =
  | RunRequest
  | { type: 'answer'; reqId: number; queryId: number; commit: HumanCommit }
  | { type: 'skip'; reqId: number; queryId: number; operator?: string }
  | { type: 'abort'; reason: 'pause' | 'cancel' }
  /** a takeover session's person: the button held or not, and the stick action (latest wins) */
  | { type: 'steer'; held: boolean; action: number[] }

export type SessionOutcome = Omit<SessionResult, 'evaluations'>

export type FromSessionWorker =
  | { type: 'progress'; progress: SessionProgress }
  | { type: 'prompt'; prompt: QueryPrompt }
  /** a live takeover session's step, for the page */
  | { type: 'live'; live: TakeoverLive }
  /** the query is no longer waiting (answered, skipped or abandoned) */
  | { type: 'settled'; queryId: number }
  /** sent once the answer's label (or the skip's abandoned query) is in the store */
  | { type: 'reply'; reqId: number; ok: boolean; error?: string }
  | { type: 'done'; result: SessionOutcome }
  | { type: 'failed'; error: string }
