// What a session cost its person beside what it reached (issue 25, item 4; docs/PERSON.md): the human seconds
// spent, the context switches, the human seconds until the learner first reached 80% of the way from where it
// started to the expert, and the return on human effort (ROHE, Fleet-DAgger's measure: return gained per human
// second). Computed from a session's evaluation curve alone, so the CLI, the reports and the page agree.

/** An evaluation point: the human seconds spent when it was taken and the mean return there. */
export interface EffortPoint {
  humanSeconds: number
  meanReturn: number
}

/** The share of the way from the starting return to the expert's that "seconds to the expert" measures. */
export const EXPERT_SHARE = 0.8

export interface HumanEffort {
  /** seconds the person spent on the session's labels */
  humanSeconds: number
  /** times the robot turned to the person after driving on its own, and takeovers the person started */
  contextSwitches: number
  /**
   * human seconds at the first evaluation whose return reached start + 0.8 (expert - start); null when none did,
   * when there is no expert's return, or when the learner started at or above the expert
   */
  secondsToExpert: number | null
  /** (final return - starting return) / human seconds; null without human seconds or evaluations */
  rohe: number | null
}

/** The human seconds at which a curve first reached `share` of the way from its first return to the expert's. */
export function secondsToExpert(
  points: readonly EffortPoint[],
  expertReturn: number | null,
  share = EXPERT_SHARE,
): number | null {
  if (!points.length || expertReturn === null) return null
  const start = points[0].meanReturn
  if (!(expertReturn > start)) return null
  const target = start + share * (expertReturn - start)
  const hit = points.find((p) => p.meanReturn >= target)
  return hit ? hit.humanSeconds : null
}

/** Return gained per human second from the first evaluation to the last. */
export function returnOnHumanEffort(points: readonly EffortPoint[]): number | null {
  if (points.length < 2) return null
  const last = points[points.length - 1]
  return last.humanSeconds > 0 ? (last.meanReturn - points[0].meanReturn) / last.humanSeconds : null
}

/** A session's measures of human effort from its curve, its seconds, context switches and the expert's return. */
export function humanEffort(
  points: readonly EffortPoint[],
  spent: { humanSeconds: number; contextSwitches: number },
  expertReturn: number | null,
): HumanEffort {
  return {
    humanSeconds: spent.humanSeconds,
    contextSwitches: spent.contextSwitches,
    secondsToExpert: secondsToExpert(points, expertReturn),
    rohe: returnOnHumanEffort(points),
  }
}
