// Plain shapes the store reads and writes (episodes, steps, tasks, settings).
import { z } from 'zod'
import { SESSION_LIMITS } from '../../shared/session-config'
export type EpisodeKind = 'demonstration' | 'rollout' | 'evaluation'
export const EPISODE_KINDS: readonly EpisodeKind[] = ['demonstration', 'rollout', 'evaluation']

/** Who chose a step's action: the operator's demonstration, the learner, an answered query, an intervention. */
export type StepSource = 'demonstration' | 'policy' | 'query' | 'intervention'
export const STEP_SOURCES: readonly StepSource[] = ['demonstration', 'policy', 'query', 'intervention']

export interface StepRecord {
  /** full physics state (qpos, qvel, act, ... as the sim writes it) before the action */
  state: ArrayLike<number>
  observation: ArrayLike<number>
  action: ArrayLike<number>
  reward: number
  source: StepSource
}

export interface StoredStep {
  index: number
  state: Float64Array
  observation: Float64Array
  action: Float64Array
  reward: number
  source: StepSource
  /** a person marked it bad (iwb dataset mark-bad): kept in the episode, never drawn as a label */
  bad: boolean
}

/** One episode's summary; a superset of the contract's DemoInfo. */
export interface EpisodeInfo {
  episodeId: number
  taskId: string
  sessionId: number | null
  kind: EpisodeKind
  steps: number
  ret: number
  /** finished and kept by the recorder */
  complete: boolean
  /** the recording process died or the workspace closed before finish(); the flushed steps are kept */
  interrupted: boolean
  /** who recorded it (demonstrations), when given */
  operator: string | null
  createdAt: string
  finishedAt: string | null
}

export interface StoredEpisode {
  info: EpisodeInfo
  steps: StoredStep[]
}

export interface TaskUse {
  taskId: string
  mjcfHash: string
  mujocoVersion: string
  firstUsedAt: string
  lastUsedAt: string
}

export interface WorkspaceSettings {
  /** C: the cost of an interactive query relative to an offline label (paper: 1 and 2 are the interesting regimes) */
  costRatio: number
  /** operator names offered on the query page */
  operators: string[]
}

/** Each setting's schema: updateSettings() and an import check values with it. */
export const SETTING_SCHEMAS = {
  costRatio: z.number().min(SESSION_LIMITS.costRatio.min).max(SESSION_LIMITS.costRatio.max),
  operators: z.array(z.string().min(1).max(200)).max(1000),
} satisfies { [K in keyof WorkspaceSettings]: z.ZodType<WorkspaceSettings[K]> }

/** The sizes a task's vectors have: observations, actions and the full physics state (src/main/sim supplies them). */
export interface TaskShape {
  obsDim: number
  actDim: number
  stateSize: number
}
export type TaskShapes = ReadonlyMap<string, TaskShape>

export const DEFAULT_SETTINGS: WorkspaceSettings = {
  costRatio: 1,
  operators: [],
}
