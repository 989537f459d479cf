// What a task is: its MJCF, its public description (TaskInfo) and the logic that turns physics into a
// Gymnasium-style observation, reward and termination. MujocoEnv runs any TaskDef.
import type { TaskInfo } from '../../../shared/contract'
import type { MjSim } from '../mujoco'
import type { Rng } from '../rng'

export interface StepOutcome {
  reward: number
  terminated: boolean
  /** extra numbers for info (e.g. x_velocity, success) */
  info?: Record<string, number | boolean>
}

/** Per-env logic bound to one MjSim (ids looked up once). */
export interface TaskLogic {
  /** After mj_resetData: apply seeded initial-state noise and task randomisation (targets live in qpos). */
  reset(rng: Rng): void
  /** Write the (already clipped) action into data.ctrl; operator tasks may map commands to controls here. */
  applyAction(action: Float64Array): void
  /** Called right before the frame_skip physics steps. */
  beforeStep(): void
  /** Called after them: reward and termination for the step just taken. */
  afterStep(action: Float64Array): StepOutcome
  observe(out: Float64Array): void
}

export interface TaskDef {
  info: TaskInfo
  /** file name in resources/mjcf */
  mjcf: string
  frameSkip: number
  /** body name the page's camera follows */
  trackBody: string
  /** the sites whose distance decides success (a folder task's `success`): the page always draws them */
  successSites?: readonly string[]
  /** survival bonus per step, subtracted by the ARS trainer (1 for Hopper/Walker2d/Ant) */
  survivalBonus: number
  bind(sim: MjSim): TaskLogic
  /**
   * the same task ending at another torso or pole angle (an absorbing fall), under the variant's id; exactly the
   * tasks of FALL_ANGLE_TASKS (shared/session-config.ts) have it
   */
  withFallAngle?(angle: number, id: string): TaskDef
}

export function clip(x: number, lo: number, hi: number): number {
  return x < lo ? lo : x > hi ? hi : x
}

export function sumSq(a: ArrayLike<number>): number {
  let s = 0
  for (let i = 0; i < a.length; i++) s += a[i] * a[i]
  return s
}
