// ThriftyDAgger's critic of reaching failure: Q_risk(s, a), the discounted chance that the episode fails after
// action a at state s. Its targets are Monte Carlo: gamma^(steps to the failure) along an episode that failed (the
// task terminated without success), 0 along one that did not. A linear model on [observation, action, 1] fitted
// by ridge regression: closed form, so refitting it from the kept samples gives the same critic on every resume.
import { cholesky } from './cholesky'

/** Bounds: the samples kept (the most recent) and the features a fit solves for. */
export const CRITIC_LIMITS = { samples: 2_000, features: 300 } as const
/** The ridge penalty: keeps the fit defined before any failure was seen or with fewer samples than features. */
const RIDGE = 1e-3

export interface RiskSample {
  /** observation then action */
  x: number[]
  /** the discounted failure target in [0, 1] */
  y: number
}

export class RiskCritic {
  private weights: Float64Array | null = null

  constructor(readonly inputs: number) {
    if (inputs + 1 > CRITIC_LIMITS.features)
      throw new RangeError(
        `ThriftyDAgger's risk critic takes at most ${CRITIC_LIMITS.features - 1} observation and action values, this task has ${inputs}`,
      )
  }

  /** Fits to the samples (the most recent CRITIC_LIMITS.samples); with none, the critic sees no risk. */
  fit(samples: readonly RiskSample[]): void {
    if (!samples.some((s) => s.y > 0)) {
      this.weights = null
      return
    }
    const d = this.inputs + 1
    const a = new Float64Array(d * d)
    const b = new Float64Array(d)
    for (const s of samples) {
      const f = [...s.x, 1]
      for (let i = 0; i < d; i++) {
        b[i] += f[i] * s.y
        for (let j = 0; j <= i; j++) a[i * d + j] += f[i] * f[j]
      }
    }
    for (let i = 0; i < d; i++) {
      a[i * d + i] += RIDGE * samples.length
      for (let j = 0; j < i; j++) a[j * d + i] = a[i * d + j]
    }
    this.weights = cholesky(a, d).solve(b)
  }

  /** Q_risk at [observation, action], clipped to [0, 1]. */
  risk(obs: ArrayLike<number>, action: ArrayLike<number>): number {
    const w = this.weights
    if (!w) return 0
    let r = w[w.length - 1]
    for (let i = 0; i < obs.length; i++) r += w[i] * obs[i]
    for (let i = 0; i < action.length; i++) r += w[obs.length + i] * action[i]
    return Math.min(1, Math.max(0, r))
  }
}

/** The critic's targets along one episode of `steps` steps: gamma^(steps left) when it failed, else 0. */
export function riskTargets(steps: number, failed: boolean, gamma: number): number[] {
  return Array.from({ length: steps }, (_, t) => (failed ? Math.pow(gamma, steps - 1 - t) : 0))
}
