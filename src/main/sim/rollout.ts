// One episode of a Policy on an Env: the return, the length and, when asked, the trajectory.
import type { Env, Policy } from './env'
import type { Rng } from './rng'

export interface RolloutOptions {
  /** reset seed; the env's own next seed when absent */
  seed?: number
  /** stop after this many steps (the task's horizon truncates anyway) */
  maxSteps?: number
  /** Gaussian exploration: called instead of policy.act when given */
  sample?: (obs: Float64Array, rng: Rng) => Float64Array
  rng?: Rng
  /** subtracted from every step's reward (ARS removes the survival bonus in training) */
  rewardOffset?: number
  /** keep observations, actions, rewards (and full physics states when states is true) */
  record?: boolean
  states?: boolean
  /** keep the states from this step on only (a query needs the last second before its step, not the whole run) */
  statesFrom?: number
  /** sees every observation the policy acts on (ARS's running statistics) */
  onObservation?: (obs: Float64Array) => void
}

export interface RolloutResult {
  ret: number
  length: number
  terminated: boolean
  /** the last step's info.success (tasks that end on success end on it); absent for tasks without one */
  success?: boolean
  /** the last step's info.coverage (push-t: the share of the goal's area covered); absent for tasks without one */
  coverage?: number
  seed?: number
  observations?: Float64Array[]
  actions?: Float64Array[]
  rewards?: number[]
  /** states[t - statesFrom] is the full physics state before action t; the last is the final state */
  states?: Float64Array[]
}

/** The share of episodes that succeeded, or null when the task reports no success (no episode has the flag). */
export function successShare(flags: readonly (boolean | undefined)[]): number | null {
  const known = flags.filter((f): f is boolean => f !== undefined)
  return known.length === 0 ? null : known.filter(Boolean).length / flags.length
}

/** The mean of the episodes' final coverages, or null when the task reports none (no episode has the value). */
export function coverageMean(values: readonly (number | undefined)[]): number | null {
  const known = values.filter((v): v is number => v !== undefined)
  return known.length === 0 ? null : known.reduce((a, b) => a + b, 0) / known.length
}

export function rollout(env: Env, policy: Policy & { reset?(): void }, opts: RolloutOptions = {}): RolloutResult {
  let obs = env.reset(opts.seed)
  policy.reset?.()
  const max = opts.maxSteps ?? env.task.horizon
  const offset = opts.rewardOffset ?? 0
  const rec = opts.record
  const result: RolloutResult = { ret: 0, length: 0, terminated: false, seed: opts.seed }
  if (rec) {
    result.observations = []
    result.actions = []
    result.rewards = []
  }
  const from = opts.statesFrom ?? 0
  if (opts.states) result.states = from <= 0 ? [env.getState()] : []
  for (let t = 0; t < max; t++) {
    opts.onObservation?.(obs)
    const action = opts.sample && opts.rng ? opts.sample(obs, opts.rng) : policy.act(obs)
    const r = env.step(action)
    const reward = r.reward - offset
    result.ret += reward
    result.length++
    if (rec) {
      result.observations!.push(obs)
      result.actions!.push(Float64Array.from(action))
      result.rewards!.push(reward)
    }
    if (opts.states && t + 1 >= from) result.states!.push(env.getState())
    obs = r.observation
    if (typeof r.info.success === 'boolean') result.success = r.info.success
    if (typeof r.info.coverage === 'number') result.coverage = r.info.coverage
    if (r.terminated) {
      result.terminated = true
      break
    }
    if (r.truncated) break
  }
  return result
}
