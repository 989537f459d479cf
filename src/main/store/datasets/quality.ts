// Per-episode quality figures of recorded demonstrations (issue 26 item 4; LeRobot #3760 asks for the same):
// length, the person's idle time, the jerk of their input, return, success, and the distance of their actions
// from the expert's where the task has one; an episode far from the others of its task on any figure is flagged.
import { quantileSorted } from '../../../shared/stats'

/** The figures an outlier is looked for in. */
export const QUALITY_FIGURES = ['steps', 'idleSeconds', 'jerk', 'ret', 'expertDistance'] as const
export type QualityFigure = (typeof QUALITY_FIGURES)[number]

/**
 * An outlier's modified z-score, 0.6745 (x - median) / MAD, beyond this (Iglewicz and Hoaglin's 3.5): robust to the
 * outliers themselves, unlike a mean and standard deviation over a handful of episodes.
 */
export const OUTLIER_Z = 3.5
/** An action is no input when every value is within this of zero (a pad at rest). */
export const IDLE_EPSILON = 1e-6

export interface EpisodeQuality {
  episodeId: number
  steps: number
  seconds: number
  /** seconds of steps without input (every action value within IDLE_EPSILON of zero) */
  idleSeconds: number
  /**
   * root mean square of the actions' third difference per step, over the action's size: how abruptly the input
   * changes (0 for a constant or steadily ramping input); 0 for fewer than four steps
   */
  jerk: number
  ret: number
  /** the task's success at the last step; null for tasks without a success condition */
  success: boolean | null
  /** mean L2 distance of the actions from the expert's in the same states; null without an expert */
  expertDistance: number | null
  /** the figures this episode is an outlier in, among its task's episodes */
  outliers: QualityFigure[]
}

export interface QualityInput {
  episodeId: number
  actions: readonly ArrayLike<number>[]
  rewards: ArrayLike<number>
  controlHz: number
  success: boolean | null
  /** the expert's action at each step's state, where the task has an expert */
  expertActions: readonly ArrayLike<number>[] | null
}

/** One episode's figures (outliers are filled in by flagOutliers over a task's episodes). */
export function episodeQuality(input: QualityInput): EpisodeQuality {
  const { actions } = input
  const n = actions.length
  let idle = 0
  for (const a of actions) if (Array.prototype.every.call(a, (x: number) => Math.abs(x) <= IDLE_EPSILON)) idle++
  let jerk2 = 0
  for (let t = 3; t < n; t++) {
    const [a0, a1, a2, a3] = [actions[t - 3], actions[t - 2], actions[t - 1], actions[t]]
    for (let j = 0; j < a3.length; j++) {
      const d = a3[j] - 3 * a2[j] + 3 * a1[j] - a0[j]
      jerk2 += d * d
    }
  }
  const width = actions[0]?.length ?? 1
  let ret = 0
  for (let t = 0; t < input.rewards.length; t++) ret += input.rewards[t]
  let expertDistance: number | null = null
  if (input.expertActions) {
    let sum = 0
    actions.forEach((a, t) => {
      const e = input.expertActions![t]
      let d2 = 0
      for (let j = 0; j < a.length; j++) d2 += (a[j] - e[j]) ** 2
      sum += Math.sqrt(d2)
    })
    expertDistance = n > 0 ? sum / n : null
  }
  return {
    episodeId: input.episodeId,
    steps: n,
    seconds: n / input.controlHz,
    idleSeconds: idle / input.controlHz,
    jerk: n >= 4 ? Math.sqrt(jerk2 / ((n - 3) * width)) : 0,
    ret,
    success: input.success,
    expertDistance,
    outliers: [],
  }
}

/**
 * The modified z-score of each value. When over half the values are equal (MAD 0: most demonstrations never idle),
 * the mean absolute deviation scaled by 1.2533 takes the MAD's place, as the usual rule does; 0 for values that do
 * not spread at all.
 */
export function robustZ(values: readonly number[]): number[] {
  const sorted = Float64Array.from(values).sort()
  const median = quantileSorted(sorted, 0.5)
  const deviations = Float64Array.from(values, (v) => Math.abs(v - median))
  const mad = quantileSorted(Float64Array.from(deviations).sort(), 0.5)
  if (mad > 0) return values.map((v) => (0.6745 * (v - median)) / mad)
  const meanAd = deviations.reduce((a, d) => a + d, 0) / Math.max(1, values.length)
  return values.map((v) => (meanAd > 0 ? (v - median) / (1.253314 * meanAd) : 0))
}

/** Mark each episode's outlying figures among the given episodes (those of one task); at least 3 are needed. */
export function flagOutliers(episodes: EpisodeQuality[]): EpisodeQuality[] {
  if (episodes.length < 3) return episodes
  for (const figure of QUALITY_FIGURES) {
    const having = episodes.filter((e) => e[figure] !== null)
    if (having.length < 3) continue
    const z = robustZ(having.map((e) => e[figure]!))
    having.forEach((e, i) => {
      if (Math.abs(z[i]) > OUTLIER_Z) e.outliers.push(figure)
    })
  }
  return episodes
}
