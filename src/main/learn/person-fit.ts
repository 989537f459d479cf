// Fits a person model (shared/person-model.ts) to what a workspace holds of one person (store/person-labels.ts and
// the recorded demonstrations' times): the action error against the expert as a bias and a spread per action
// dimension and how the spread grows with the seconds the person looked; a lognormal of the seconds per query with
// an 80% bootstrap band of its median; seconds per demonstrated state, per takeover second and per context switch;
// the skip rate; the takeover reaction delay from the learner's steps before each takeover. Every fitted value is clamped to the model's bounds so the model always reads back.
import type { TaskInfo } from '../../shared/contract'
import { LARGE_ERROR, PERSON_DEFAULTS, PERSON_LIMITS, personModel, type PersonModel } from '../../shared/person-model'
import { bootstrapBand, mean, std } from '../../shared/stats'

export interface PersonLabelData {
  source: string
  seconds: number | null
  action: ArrayLike<number>
  expertAction: ArrayLike<number>
  contextSwitch: boolean
  /** the session and the episode step (a takeover's lead-up: the learner's rows, source 'policy', before it) */
  sessionId?: number
  stepIndex?: number | null
}

export interface PersonData {
  labels: readonly PersonLabelData[]
  queries: { answered: number; skipped: number }
  /** seconds per demonstrated state measured from recordings, when the person recorded any */
  demoSecondsPerState: number | null
}

export interface PersonFit {
  model: PersonModel
  measured: {
    actionLabels: number
    /** per action dimension, as fractions of its range */
    bias: number[] | null
    spread: number[] | null
    /** change of the error's size (root mean square over dimensions, fraction of the range) per second looked */
    spreadGrowth: number | null
    queries: number
    skipped: number
    skipRate: number | null
    /** the lognormal's median seconds per query, its 80% band, and the spread of the log */
    secondsPerQuery: { median: number; lo: number; hi: number; spread: number } | null
    secondsPerDemoState: number | null
    takeoverStates: number
    secondsPerTakeoverSecond: number | null
    contextSwitches: number
    secondsPerContextSwitch: number | null
    /**
     * control steps from the learner's first large error (LARGE_ERROR against the expert) to the takeover, over
     * the takeovers whose lead-up shows the error begin (a small error first, since the last takeover or the
     * episode's start); null when none does
     */
    reactionDelaySteps: { median: number; mean: number; takeovers: number } | null
  }
}

const clamp = (v: number, b: { min: number; max: number }): number => Math.min(b.max, Math.max(b.min, v))

/** Slope of y on x by least squares; null with fewer than 3 points or no spread in x. */
function slope(xs: readonly number[], ys: readonly number[]): number | null {
  if (xs.length < 3) return null
  const mx = mean(xs)
  const my = mean(ys)
  let sxy = 0
  let sxx = 0
  for (let i = 0; i < xs.length; i++) {
    sxy += (xs[i] - mx) * (ys[i] - my)
    sxx += (xs[i] - mx) ** 2
  }
  return sxx > 0 ? sxy / sxx : null
}

/** The RMS over dimensions of the distance between two actions, as fractions of each one's range. */
function rangeError(a: ArrayLike<number>, b: ArrayLike<number>, range: readonly number[]): number {
  let d = 0
  for (let i = 0; i < range.length; i++) d += ((a[i] - b[i]) / range[i]) ** 2
  return Math.sqrt(d / range.length)
}

/**
 * Each takeover's reaction delay: the learner's steps (rows 'policy', in order, same session, consecutive steps)
 * from the first one whose error is large, after the last one whose error was small, to the takeover. A takeover
 * whose lead-up has no small error (the learner strayed from the start, or while the person rested) is left out:
 * when the error began is not seen.
 */
export function reactionDelays(labels: readonly PersonLabelData[], range: readonly number[]): number[] {
  const out: number[] = []
  labels.forEach((l, i) => {
    const prev = labels[i - 1]
    if (l.source !== 'intervention' || l.stepIndex == null || prev?.source !== 'policy') return
    let large = 0
    for (let j = i - 1; j >= 0; j--) {
      const r = labels[j]
      const follows = r.source === 'policy' && r.sessionId === l.sessionId && r.stepIndex === l.stepIndex - (i - j)
      if (!follows || r.expertAction.length !== range.length) return
      if (rangeError(r.action, r.expertAction, range) <= LARGE_ERROR) break
      large++
    }
    out.push(large)
  })
  return out
}

export function fitPerson(data: PersonData, task: TaskInfo): PersonFit {
  const range = task.actionHigh.map((h, i) => h - task.actionLow[i])
  // the learner's own steps are the lead-up of takeovers, not the person's actions
  const usable = data.labels.filter(
    (l) => l.source !== 'policy' && l.action.length === task.actDim && l.expertAction.length === task.actDim,
  )
  const errors = usable.map((l) => range.map((r, i) => (l.action[i] - l.expertAction[i]) / r))
  const perDim = (f: (xs: number[]) => number): number[] | null =>
    errors.length ? range.map((_, i) => f(errors.map((e) => e[i]))) : null
  const bias = perDim(mean)
  const spread = errors.length > 1 ? perDim(std) : null

  // how the error's size grows with the seconds the person had for an answer
  const answers = usable.filter((l) => l.source === 'query' && l.seconds !== null)
  const size = (l: PersonLabelData): number => {
    let s = 0
    for (let i = 0; i < task.actDim; i++) s += ((l.action[i] - l.expertAction[i]) / range[i] - (bias?.[i] ?? 0)) ** 2
    return Math.sqrt(s / task.actDim)
  }
  const spreadGrowth = slope(
    answers.map((l) => l.seconds!),
    answers.map(size),
  )

  // a query's seconds: a lognormal of the answers that were no context switch; a switch's extra seconds on top
  const queryLabels = data.labels.filter((l) => l.source === 'query' && l.seconds !== null && l.seconds > 0)
  const plain = queryLabels.filter((l) => !l.contextSwitch).map((l) => l.seconds!)
  const switched = queryLabels.filter((l) => l.contextSwitch).map((l) => l.seconds!)
  const logs = plain.map(Math.log)
  let secondsPerQuery: PersonFit['measured']['secondsPerQuery'] = null
  if (logs.length) {
    const band = bootstrapBand(logs, { level: 0.8, seed: 1 })
    secondsPerQuery = {
      median: Math.exp(band.mean),
      lo: Math.exp(band.lo),
      hi: Math.exp(band.hi),
      spread: logs.length > 1 ? std(logs) : 0,
    }
  }
  const secondsPerContextSwitch = switched.length && plain.length ? Math.max(0, mean(switched) - mean(plain)) : null

  // seconds per demonstrated state: recordings, else the labels a simulated person demonstrated
  const demoLabels = data.labels.filter((l) => (l.source === 'offline' || l.source === 'demonstration') && l.seconds)
  const secondsPerDemoState =
    data.demoSecondsPerState ?? (demoLabels.length ? mean(demoLabels.map((l) => l.seconds!)) : null)
  const takeovers = data.labels.filter((l) => l.source === 'intervention' && l.seconds !== null)
  const secondsPerTakeoverSecond = takeovers.length ? mean(takeovers.map((l) => l.seconds!)) * task.controlHz : null

  const delays = reactionDelays(data.labels, range)
  const sorted = delays.slice().sort((a, b) => a - b)
  const reactionDelaySteps = delays.length
    ? {
        median:
          sorted.length % 2
            ? sorted[sorted.length >> 1]
            : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2,
        mean: mean(delays),
        takeovers: delays.length,
      }
    : null

  const { answered, skipped } = data.queries
  const skipRate = answered + skipped > 0 ? skipped / (answered + skipped) : null
  const model = personModel({
    noise: spread ? spread.map((s) => clamp(s, PERSON_LIMITS.noise)) : PERSON_DEFAULTS.noise,
    bias: bias ? bias.map((b) => clamp(b, PERSON_LIMITS.bias)) : PERSON_DEFAULTS.bias,
    lag: reactionDelaySteps ? Math.round(clamp(reactionDelaySteps.median, PERSON_LIMITS.lag)) : PERSON_DEFAULTS.lag,
    skip: skipRate === null ? PERSON_DEFAULTS.skip : clamp(skipRate, PERSON_LIMITS.skip),
    query: secondsPerQuery ? clamp(secondsPerQuery.median, PERSON_LIMITS.query) : PERSON_DEFAULTS.query,
    querySpread: secondsPerQuery
      ? clamp(secondsPerQuery.spread, PERSON_LIMITS.querySpread)
      : PERSON_DEFAULTS.querySpread,
    demo: secondsPerDemoState === null ? PERSON_DEFAULTS.demo : clamp(secondsPerDemoState, PERSON_LIMITS.demo),
    takeover:
      secondsPerTakeoverSecond === null
        ? PERSON_DEFAULTS.takeover
        : clamp(secondsPerTakeoverSecond, PERSON_LIMITS.takeover),
    switch:
      secondsPerContextSwitch === null ? PERSON_DEFAULTS.switch : clamp(secondsPerContextSwitch, PERSON_LIMITS.switch),
  })
  return {
    model,
    measured: {
      actionLabels: errors.length,
      bias,
      spread,
      spreadGrowth,
      queries: answered,
      skipped,
      skipRate,
      secondsPerQuery,
      secondsPerDemoState,
      takeoverStates: takeovers.length,
      secondsPerTakeoverSecond,
      contextSwitches: switched.length,
      secondsPerContextSwitch,
      reactionDelaySteps,
    },
  }
}
