// Whether a stored step succeeded: the task's info.success after one physics step from the stored full state with
// the stored action, exactly what the live episode reported there (evaluations count the last step's flag). Stored
// episodes keep states, not flags, so the page's success marks and traces are recomputed this way.
import type { Env } from './env'

/** info.success after stepping `action` from `state`; null for tasks without a success condition. */
export function stepSuccess(env: Env, state: ArrayLike<number>, action: ArrayLike<number>): boolean | null {
  env.setState(state)
  const { info } = env.step(action)
  return typeof info.success === 'boolean' ? info.success : null
}

/** The success flag after every step of an episode; null for tasks without a success condition. */
export function successTrace(
  env: Env,
  steps: readonly { state: ArrayLike<number>; action: ArrayLike<number> }[],
): boolean[] | null {
  const out: boolean[] = []
  for (const s of steps) {
    const ok = stepSuccess(env, s.state, s.action)
    if (ok === null) return null
    out.push(ok)
  }
  return out
}
