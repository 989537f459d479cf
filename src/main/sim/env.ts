// The environment interface, in the Gymnasium style (reset/step, terminated vs truncated).
// Implementations live beside this file; nothing outside src/main/sim touches MuJoCo directly.
import type { Frame, SceneGeometry, TaskInfo } from '../../shared/contract'

export interface StepResult {
  observation: Float64Array
  reward: number
  /** the task's own termination (e.g. Hopper fell) */
  terminated: boolean
  /** the horizon was reached */
  truncated: boolean
  info: { step: number; clipped: boolean; [key: string]: number | boolean }
}

export interface Env {
  readonly task: TaskInfo
  /** Reset with seeded initial-state noise; the same seed gives the same initial state. */
  reset(seed?: number): Float64Array
  /**
   * Apply one control step (frame_skip physics steps). Actions outside [actionLow, actionHigh] are clipped
   * (info.clipped = true); a wrong length or a non-finite entry throws a RangeError.
   */
  step(action: ArrayLike<number>): StepResult
  observe(): Float64Array
  /** Full physics state (mj_getState with mjSTATE_FULLPHYSICS) and its inverse. */
  getState(): Float64Array
  setState(state: ArrayLike<number>): void
  /** Steps taken since reset. */
  readonly stepCount: number
  geometry(): SceneGeometry
  frame(): Frame
  /** Free every WebAssembly object; safe to call twice. */
  close(): void
}

/** A deterministic controller: what the learner, a linear expert and a scripted expert all are. */
export interface Policy {
  act(observation: Float64Array): Float64Array
}
