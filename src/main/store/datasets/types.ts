// What the dataset formats (robomimic HDF5, LeRobot Parquet) carry: a task and its episodes, step by step. The
// workbench has one flat observation vector per step, written as one observation group (robomimic obs/state,
// LeRobot observation.state).
import type { StepSource, TaskShape } from '../types'

/** A task as a dataset describes it: its vector sizes, control rate and model file (src/main/sim supplies them). */
export interface DatasetTask extends TaskShape {
  taskId: string
  /** steps per second of the control loop (LeRobot fps, robomimic env_args.env_kwargs.control_freq) */
  controlHz: number
  /** the MJCF file the task compiles */
  model: string
}
export type DatasetTasks = ReadonlyMap<string, DatasetTask>

export interface DatasetEpisode {
  /** the workspace episode it came from (exports), or the dataset's own index (imports) */
  sourceId: number
  operator: string | null
  createdAt: string | null
  observations: Float64Array[]
  actions: Float64Array[]
  /** full physics states before each action; null when the dataset has none (session labels without states) */
  states: Float64Array[] | null
  rewards: Float64Array
  /** what a person did, step by step; absent when the dataset says nothing of it (all demonstration) */
  people?: StepPeople
  /** the episode's tags (the Datasets view's; robomimic masks, a LeRobot column) */
  tags?: string[]
}

/** Per step: who chose the action and what it cost them (issue 26 item 3). */
export interface StepPeople {
  /** demonstration, query (an answered query), intervention (a takeover: LeRobot's `intervention`) or policy */
  sources: StepSource[]
  /** who gave the action; null for the learner's steps and where unknown */
  operators: (string | null)[]
  /** the person's seconds for the step (a demonstration's: its recording time over its steps); null where none */
  humanSeconds: (number | null)[]
  /** the expert's action in the step's state, where the task has an expert and it was asked; null elsewhere */
  expertActions: (Float64Array | null)[]
}

export interface Dataset {
  task: DatasetTask
  episodes: DatasetEpisode[]
  /** camera images of every stored state, rendered as a writer asks (`iwb export --cameras`); none when absent */
  images?: DatasetImages
  /** an import's observations the workspace does not keep (camera images: it keeps physics states and draws
   * images from them again on export), by their names in the file */
  notImported?: string[]
}

/** Camera images of a dataset's states (issue 26 item 2): the renderer lives outside the store (src/main/frames). */
export interface DatasetImages {
  cameras: readonly string[]
  width: number
  height: number
  /** LeRobot: MP4 video or PNG frames (robomimic keeps raw uint8 either way) */
  format: 'mp4' | 'png'
  /** the most frames one render call takes */
  batch: number
  /** Frames [from, to) of episode e, one buffer per camera: (to - from) x height x width x 3 RGB bytes, rows top-down. */
  render(episode: number, from: number, to: number): Promise<Uint8Array[]>
}

/** Bounds on what an import reads into memory (one clear line beyond them). */
export const DATASET_LIMITS = {
  episodes: 100_000,
  stepsPerEpisode: 1_000_000,
  // read whole into memory (about 300 MB of Hopper-sized vectors at the bound), so bounded
  totalSteps: 1_000_000,
  /** a vector's length: observations, actions, physics states */
  vectorLength: 100_000,
  /** meta/*.json and *.jsonl files of a LeRobot folder */
  metaBytes: 64 * 2 ** 20,
  /** one data file of a LeRobot folder (an episode's Parquet), read whole; the steps bound keeps real ones far below */
  dataFileBytes: 2 ** 30,
} as const
