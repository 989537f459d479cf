// Messages between RolloutPool / VectorEnv and rollout-worker.ts (plain data only).
import type { PolicySpec } from './policy-spec'
import type { FolderTaskSpec } from './tasks/folder-task'

export interface EpisodeRequest {
  spec: PolicySpec
  /** reset seed */
  seed: number
  /**
   * when set, act stochastically from an RNG seeded here: Gaussian with the policy's own std, or with sampleSigma for
   * a deterministic policy (default 0: an expert without its own std stays deterministic, as in localEvaluator)
   */
  sampleSeed?: number
  sampleSigma?: number
  maxSteps?: number
  /** subtract the task's survival bonus from every reward (ARS training) */
  subtractSurvival?: boolean
  /** return observations (and actions, rewards); with states also the full physics states */
  record?: boolean
  states?: boolean
  /** with states: only the states from this step on (row 0 is the state after statesFrom steps) */
  statesFrom?: number
  /** return sum, sum of squares and count of the observations acted on (ARS running statistics) */
  obsStats?: boolean
}

export interface ObsStats {
  n: number
  sum: number[]
  sumSq: number[]
}

export interface EpisodeResult {
  seed: number
  ret: number
  length: number
  terminated: boolean
  /** the task's success flag for the episode (absent for tasks without one) */
  success?: boolean
  /** the task's info.coverage at the episode's last step (absent for tasks without one) */
  coverage?: number
  /** length x obsDim, row-major */
  observations?: Float64Array
  /** length x actDim */
  actions?: Float64Array
  rewards?: Float64Array
  /** (length + 1 - statesFrom) x stateSize */
  states?: Float64Array
  obsStats?: ObsStats
}

export type WorkerRequest =
  /** folderTask: the task's spec when it is a folder task (registry taskCarry), so any worker can build it */
  | { type: 'init'; taskId: string; envs: number; folderTask: FolderTaskSpec | null }
  | { type: 'run'; id: number; requests: EpisodeRequest[] }
  | { type: 'vec.reset'; id: number; seeds: number[] }
  | { type: 'vec.step'; id: number; actions: Float64Array }
  | { type: 'close' }

export type WorkerReply =
  | { type: 'ready'; id?: undefined }
  | { type: 'run'; id: number; results: EpisodeResult[] }
  | { type: 'vec.reset'; id: number; observations: Float64Array }
  | {
      type: 'vec.step'
      id: number
      observations: Float64Array
      rewards: Float64Array
      terminated: Uint8Array
      truncated: Uint8Array
    }
  | { type: 'error'; id?: number; message: string }
