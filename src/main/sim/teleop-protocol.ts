// Messages between the teleop client (main thread) and the teleop worker. Requests carry an id; the worker
// answers each with a reply of the same id, and pushes frames, recorded steps and episode ends unasked.
import type { Frame, SceneGeometry, TaskInfo } from '../../shared/contract'
import type { FolderTaskSpec } from './tasks/folder-task'
import type { TeleopControl, TeleopStatus, TeleopStep } from './teleop-loop'

export type TeleopRequest =
  | {
      kind: 'open'
      taskId: string
      seed: number
      historySeconds?: number
      displayHz?: number
      /** the task's spec when it is a folder task (registry taskCarry): the worker may predate the task */
      folderTask: FolderTaskSpec | null
    }
  | { kind: 'control'; command: TeleopControl; value?: number }
  | { kind: 'record'; on: boolean; fresh?: boolean }
  | { kind: 'status' }
  | { kind: 'close' }

export type TeleopReply =
  | { kind: 'opened'; task: TaskInfo; geometry: SceneGeometry; frame: Frame; status: TeleopStatus }
  | { kind: 'status'; status: TeleopStatus }
  | { kind: 'closed' }

/** Main -> worker. `action` has no reply: the page sends it at input rate and only the latest matters. */
export type ToWorker = { id: number; request: TeleopRequest } | { action: number[] }

export type FromWorker =
  | { id: number; reply: TeleopReply }
  | { id: number; error: string }
  | { event: 'frame'; frame: Frame }
  | { event: 'steps'; steps: TeleopStep[] }
  | {
      event: 'episode-end'
      terminated: boolean
      truncated: boolean
      steps: number
      ret: number
      success: boolean | null
    }
  | { event: 'error'; error: string }
