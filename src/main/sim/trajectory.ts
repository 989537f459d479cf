// Recording and replay. A trajectory keeps, per step, the full physics state before the action
// (mjSTATE_FULLPHYSICS), the observation the action answered, the action as applied (after clipping), the reward
// and who chose the action.
// - Replay from states is exact: restoring state t reproduces observation t and frame t bit for bit.
// - Replay of actions from the initial state reproduces the episode within ACTION_REPLAY_TOLERANCE (max abs
//   difference of any state entry); in one process with the same build it is in practice bit-identical, the
//   tolerance covers other machines and MuJoCo builds (floating-point summation order).
import type { Frame, LabelSource } from '../../shared/contract'
import type { Env, StepResult } from './env'

export type StepSource = LabelSource

export const ACTION_REPLAY_TOLERANCE = 1e-6

export interface TrajectoryStep {
  /** full physics state before the action */
  state: Float64Array
  observation: Float64Array
  /** the action applied (clipped to the bounds) */
  action: Float64Array
  reward: number
  source: StepSource
}

export interface Trajectory {
  taskId: string
  seed: number
  steps: TrajectoryStep[]
  /** state after the last step */
  finalState: Float64Array
  terminated: boolean
  truncated: boolean
  ret: number
}

function clipAction(env: Env, action: ArrayLike<number>): Float64Array {
  const { actionLow: lo, actionHigh: hi } = env.task
  return Float64Array.from(action, (v, i) => (v < lo[i] ? lo[i] : v > hi[i] ? hi[i] : v))
}

/** Records an episode as it is played (teleoperation, policy rollouts, interventions). */
export class TrajectoryRecorder {
  private steps: TrajectoryStep[] = []
  private seed = 0
  private obs: Float64Array = new Float64Array(0)
  private done = { terminated: false, truncated: false }
  private ret = 0

  constructor(readonly env: Env) {}

  /** Reset the env with the seed and start a new recording; returns the first observation. */
  begin(seed: number): Float64Array {
    this.seed = seed
    this.steps = []
    this.ret = 0
    this.done = { terminated: false, truncated: false }
    this.obs = this.env.reset(seed)
    return this.obs
  }

  /** Step the env (the action rule of Env applies) and record the step. */
  step(action: ArrayLike<number>, source: StepSource): StepResult {
    const state = this.env.getState()
    const r = this.env.step(action)
    this.steps.push({ state, observation: this.obs, action: clipAction(this.env, action), reward: r.reward, source })
    this.ret += r.reward
    this.obs = r.observation
    this.done = { terminated: r.terminated, truncated: r.truncated }
    return r
  }

  get length(): number {
    return this.steps.length
  }

  finish(): Trajectory {
    return {
      taskId: this.env.task.id,
      seed: this.seed,
      steps: this.steps,
      finalState: this.env.getState(),
      terminated: this.done.terminated,
      truncated: this.done.truncated,
      ret: this.ret,
    }
  }
}

/** Restore every recorded state in turn: the observations and frames the episode showed (exact). */
export function replayFromStates(env: Env, traj: Trajectory): { observations: Float64Array[]; frames: Frame[] } {
  const observations: Float64Array[] = []
  const frames: Frame[] = []
  const setStep = (env as { setStepCount?: (n: number) => void }).setStepCount?.bind(env)
  const states = [...traj.steps.map((s) => s.state), traj.finalState]
  states.forEach((state, t) => {
    env.setState(state)
    setStep?.(t)
    observations.push(env.observe())
    const f = env.frame()
    if (t < traj.steps.length) {
      f.reward = traj.steps[t].reward
      f.action = Array.from(traj.steps[t].action)
    }
    frames.push(f)
  })
  return { observations, frames }
}

export interface ActionReplayReport {
  /** max abs difference over every state entry of every step */
  maxStateError: number
  maxRewardError: number
  /** steps actually replayed (stops early if the replay terminates earlier) */
  steps: number
  withinTolerance: boolean
}

/** Reset with the recorded seed, restore the initial state, and apply the recorded actions. */
export function replayActions(env: Env, traj: Trajectory, tolerance = ACTION_REPLAY_TOLERANCE): ActionReplayReport {
  env.reset(traj.seed)
  if (traj.steps.length) env.setState(traj.steps[0].state)
  let maxStateError = 0
  let maxRewardError = 0
  let n = 0
  const compare = (a: Float64Array, b: Float64Array): void => {
    for (let i = 0; i < a.length; i++) maxStateError = Math.max(maxStateError, Math.abs(a[i] - b[i]))
  }
  for (let t = 0; t < traj.steps.length; t++) {
    compare(env.getState(), traj.steps[t].state)
    const r = env.step(traj.steps[t].action)
    maxRewardError = Math.max(maxRewardError, Math.abs(r.reward - traj.steps[t].reward))
    n++
    if ((r.terminated || r.truncated) && t < traj.steps.length - 1) break
  }
  compare(env.getState(), n === traj.steps.length ? traj.finalState : traj.steps[n].state)
  return {
    maxStateError,
    maxRewardError,
    steps: n,
    withinTolerance: maxStateError <= tolerance && n === traj.steps.length,
  }
}

/** Plain-JSON form for storage and transport. */
export interface TrajectoryJSON {
  taskId: string
  seed: number
  terminated: boolean
  truncated: boolean
  ret: number
  finalState: number[]
  steps: { state: number[]; observation: number[]; action: number[]; reward: number; source: StepSource }[]
}

export function trajectoryToJSON(t: Trajectory): TrajectoryJSON {
  return {
    taskId: t.taskId,
    seed: t.seed,
    terminated: t.terminated,
    truncated: t.truncated,
    ret: t.ret,
    finalState: Array.from(t.finalState),
    steps: t.steps.map((s) => ({
      state: Array.from(s.state),
      observation: Array.from(s.observation),
      action: Array.from(s.action),
      reward: s.reward,
      source: s.source,
    })),
  }
}

export function trajectoryFromJSON(j: TrajectoryJSON): Trajectory {
  return {
    taskId: j.taskId,
    seed: j.seed,
    terminated: j.terminated,
    truncated: j.truncated,
    ret: j.ret,
    finalState: Float64Array.from(j.finalState),
    steps: j.steps.map((s) => ({
      state: Float64Array.from(s.state),
      observation: Float64Array.from(s.observation),
      action: Float64Array.from(s.action),
      reward: s.reward,
      source: s.source,
    })),
  }
}
