// What a session's env and learner remember of the episode under way, for policy classes that see a history of
// observations or act from chunks in flight: the env keeps its last observations (a label's history is read
// from it), and a learner with memory is reset when a new episode starts and asked once per step.
import type { Env } from '../sim/env'
import type { SpecPolicy } from '../sim/policy-spec'

export interface TrackedEnv extends Env {
  /** step() calls since the env was made (rollout steps, for the benchmark's sim-only baseline) */
  readonly steps: number
  /** increases at every reset and every setState (a jump to another state starts another history) */
  readonly episode: number
  /** the `keep` observations before the current one in this episode (fewer at its start), oldest first, flat */
  history(): Float64Array
  /** run fn (which may step the env) and put everything back: the state, the step count, the history */
  lookAhead<T>(fn: () => T): T
}

/** The env with a step count and, when keep > 0, its last `keep` observations before the current one. */
export function trackedEnv(env: Env, keep: number): TrackedEnv {
  let rows: Float64Array[] = []
  let steps = 0
  let episode = 0
  const remember = (obs: Float64Array): void => {
    if (keep === 0) return
    rows.push(Float64Array.from(obs))
    if (rows.length > keep + 1) rows.shift()
  }
  return {
    get steps() {
      return steps
    },
    get episode() {
      return episode
    },
    get task() {
      return env.task
    },
    get stepCount() {
      return env.stepCount
    },
    reset(seed?: number) {
      const obs = env.reset(seed)
      episode++
      rows = []
      remember(obs)
      return obs
    },
    step(a: ArrayLike<number>) {
      steps++
      const r = env.step(a)
      remember(r.observation)
      return r
    },
    observe: () => env.observe(),
    getState: () => env.getState(),
    setState(s: ArrayLike<number>) {
      env.setState(s)
      episode++
      rows = []
      if (keep > 0) remember(env.observe())
    },
    geometry: () => env.geometry(),
    frame: () => env.frame(),
    close: () => env.close(),
    lookAhead<T>(fn: () => T): T {
      const state = env.getState()
      const at = env.stepCount
      const saved = { rows: rows.slice(), episode }
      try {
        return fn()
      } finally {
        env.setState(state)
        ;(env as { setStepCount?(n: number): void }).setStepCount?.(at)
        rows = saved.rows
        episode = saved.episode
      }
    },
    history() {
      const before = rows.slice(0, -1)
      const d = env.task.obsDim
      const out = new Float64Array(before.length * d)
      before.forEach((r, i) => out.set(r, i * d))
      return out
    },
  }
}

/**
 * A learner with memory bound to the env it acts in: reset when the env starts another episode, and one step of
 * its memory per env step (asked twice at one step, as a query's proposal after the rollout that reached it, it
 * answers the same). A learner without memory is returned as it is.
 */
export function episodic(policy: SpecPolicy, env: Pick<TrackedEnv, 'episode' | 'stepCount'>): SpecPolicy {
  const reset = policy.reset?.bind(policy)
  if (!reset) return policy
  let episode = -1
  let step = -1
  let last: Float64Array | null = null
  const once = (obs: Float64Array, act: (o: Float64Array) => Float64Array): Float64Array => {
    if (env.episode !== episode) {
      reset()
      episode = env.episode
    } else if (env.stepCount === step && last) return Float64Array.from(last)
    step = env.stepCount
    last = act(obs)
    return Float64Array.from(last)
  }
  const sample = policy.sample?.bind(policy)
  return {
    actDim: policy.actDim,
    act: (obs) => once(obs, (o) => policy.act(o)),
    ...(sample ? { sample: (obs: Float64Array, rng) => once(obs, (o) => sample(o, rng)) } : {}),
  }
}
