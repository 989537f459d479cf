// Messages between the Trainer (caller's thread) and train-worker.ts.
import type { LearnerWeights } from '../sim/policy-spec'
import type { TrainerOptions, TrainerState, UpdateResult } from './training-core'

export type TrainRequest =
  | { type: 'init'; id: number; options: TrainerOptions; backend?: string }
  | { type: 'add'; obs: Float32Array; act: Float32Array; mask: Float32Array; count: number }
  | { type: 'update'; id: number; extraSteps: number; weights?: Float64Array }
  | { type: 'load'; id: number; weights: LearnerWeights }
  | { type: 'weights'; id: number }
  | { type: 'state'; id: number }
  | { type: 'restore'; id: number; state: TrainerState }
  | { type: 'close'; id: number }

export type TrainReply =
  | { type: 'ready'; id: number; backend: string }
  | { type: 'updated'; id: number; result: UpdateResult }
  | { type: 'weights'; id: number; weights: LearnerWeights }
  | { type: 'state'; id: number; state: TrainerState }
  | { type: 'ok'; id: number }
  | { type: 'error'; id: number; message: string }
