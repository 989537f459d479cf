// ThriftyDAgger (Hoque et al. 2021): the robot asks for help where it is novel or risky. Novelty: the spread of
// an ensemble's actions at the state (ensembleSpread). Risk: a learned critic of reaching failure, Q_risk(s, a) of
// the learner's action (risk-critic.ts). When either passes its threshold the robot turns to the person (a
// context switch) and the person drives, each step a label (C each), until the learner's action is within
// `handBack` of theirs and novelty and risk are below their thresholds again. Both thresholds are set from a
// target rate of context switches: after each episode, the (1 - switchRate) quantiles of the novelty and the risk
// the learner showed at the states it saw, so that about `switchRate` of its states would turn to the person.
// Until the first labels are stored the person drives (the method starts from offline data). A round is one
// episode; after IDLE_EPISODES episodes in a row without a question the session is done. With a person in the page
// (person-takeover.ts) the robot asks them to take over instead of querying: while it asks, it drives on; the steps
// they hold are the labels, and letting go hands back.
import { ThriftyDaggerParams } from '../../../../shared/algorithms'
import {
  labelHistory,
  type Algorithm,
  type BuildAlgorithm,
  type DrawnLabel,
  type Round,
  type RoundContext,
} from '../../algorithm'
import {
  actionDistance,
  emptyTally,
  ensembleSpread,
  IDLE_EPISODES,
  MAX_EPISODES,
  restoreTally,
  type GateTally,
} from '../doubt'
import { CRITIC_LIMITS, RiskCritic, riskTargets, type RiskSample } from './risk-critic'
import { livePerson, personStep } from '../person-takeover'

/** The learner's novelty and risk at the states it saw, kept to set the thresholds from (the most recent). */
const SEEN = 2_000

interface ThriftyState {
  tally: GateTally
  /** null until a first episode has set them */
  novelty: number | null
  risk: number | null
  seenNovelty: number[]
  seenRisk: number[]
  samples: RiskSample[]
}

/** The q-quantile of values (linear between order statistics). */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return 0
  const s = [...values].sort((a, b) => a - b)
  const at = q * (s.length - 1)
  const lo = Math.floor(at)
  return s[lo] + (s[Math.min(lo + 1, s.length - 1)] - s[lo]) * (at - lo)
}

export class ThriftyDAgger implements Algorithm {
  readonly name = 'thrifty-dagger'
  private s: ThriftyState = {
    tally: emptyTally(),
    novelty: null,
    risk: null,
    seenNovelty: [],
    seenRisk: [],
    samples: [],
  }
  private critic: RiskCritic | null = null

  constructor(readonly params: ThriftyDaggerParams) {}

  state(): ThriftyState {
    const s = this.s
    return {
      ...s,
      tally: { ...s.tally },
      seenNovelty: [...s.seenNovelty],
      seenRisk: [...s.seenRisk],
      samples: s.samples.map((x) => ({ x: [...x.x], y: x.y })),
    }
  }
  restore(state: unknown): void {
    const v = state as Partial<ThriftyState> | null
    const nums = (a: unknown): a is number[] => Array.isArray(a) && a.every((x) => typeof x === 'number')
    if (
      !v ||
      !nums(v.seenNovelty) ||
      !nums(v.seenRisk) ||
      !Array.isArray(v.samples) ||
      !(v.novelty === null || typeof v.novelty === 'number') ||
      !(v.risk === null || typeof v.risk === 'number')
    )
      throw new RangeError('ThriftyDAgger state needs its thresholds, the values seen and the critic’s samples')
    this.s = {
      tally: restoreTally(v.tally, 'ThriftyDAgger'),
      novelty: v.novelty,
      risk: v.risk,
      seenNovelty: [...v.seenNovelty],
      seenRisk: [...v.seenRisk],
      samples: v.samples.map((x: RiskSample) => ({ x: [...x.x], y: x.y })),
    }
    // the critic is a function of its samples: refitted, it is the one the stopped session had
    this.critic = null
  }
  /** steps, questions and context switches so far */
  counts(): GateTally {
    return { ...this.s.tally }
  }
  /** the thresholds now (null before the first episode set them) */
  thresholds(): { novelty: number | null; risk: number | null } {
    return { novelty: this.s.novelty, risk: this.s.risk }
  }

  async round(ctx: RoundContext): Promise<Round | null> {
    const s = this.s
    const t = s.tally
    if (ctx.remaining < ctx.costRatio || t.episodes >= MAX_EPISODES || t.idle >= IDLE_EPISODES) return null
    if (!this.critic) {
      this.critic = new RiskCritic(ctx.task.obsDim + ctx.task.actDim)
      this.critic.fit(s.samples)
    }
    const critic = this.critic
    const ensemble = ctx.ensemble ?? [ctx.learner]
    const maxLabels = Math.floor(ctx.remaining / ctx.costRatio)
    const labels: DrawnLabel[] = []
    const fresh = ctx.interactiveCost === 0 && ctx.offlineCost === 0
    const novelties: number[] = []
    const risks: number[] = []
    const visited: number[][] = []
    let obs = ctx.env.reset(ctx.nextSeed())
    let asked = 0
    let personDrives = false
    let failed = false
    const person = livePerson(ctx)
    /** the live person holds the controls (they took over) */
    let holding = false
    const episode = t.episodes
    try {
      for (let k = 0; k < ctx.task.horizon && labels.length < maxLabels && !ctx.signal?.aborted; k++) {
        const own = Float64Array.from(ctx.learner.act(obs))
        const novelty = ensembleSpread(ensemble, obs, ctx.task)
        const risk = critic.risk(obs, own)
        novelties.push(novelty)
        risks.push(risk)
        const alarmed = fresh || s.novelty === null || novelty > s.novelty || risk > (s.risk ?? Infinity)
        let contextSwitch = false
        if (!personDrives && alarmed) {
          personDrives = true
          contextSwitch = true
          t.switches++
        }
        let action: ArrayLike<number> = own
        if (person) {
          // the robot drives on while it asks; the person's held steps are labels, letting go hands back
          if (personDrives && !holding) asked++
          const l = await personStep(ctx, person, {
            observation: obs,
            step: k,
            episode,
            learnerAction: own,
            asked: personDrives && !holding,
          })
          if (l) {
            labels.push(l)
            action = l.action
            holding = true
          } else if (holding) holding = personDrives = false
        } else if (personDrives) {
          const l = await ctx.query(obs, k, labelHistory(ctx) ?? undefined, { contextSwitch, drives: true })
          asked++
          if (l) {
            labels.push(l)
            action = l.action
            // the person hands back once the learner would do what they do, and it is neither novel nor risky here
            if (!alarmed && actionDistance(own, l.action, ctx.task) <= this.params.handBack) personDrives = false
          } else personDrives = false
        }
        visited.push([...obs, ...Array.from(action)])
        const r = ctx.env.step(Float64Array.from(action))
        t.steps++
        obs = r.observation
        if (r.terminated || r.truncated) {
          failed = r.terminated && r.info.success !== true
          break
        }
      }
    } finally {
      person?.endEpisode?.()
    }
    if (ctx.signal?.aborted) return { labels: [], phase: 'thrifty' }
    t.episodes++
    t.asked += asked
    t.idle = asked === 0 ? t.idle + 1 : 0
    // the critic learns from this episode's outcome; the thresholds follow the learner's recent novelty and risk
    const ys = riskTargets(visited.length, failed, this.params.gamma)
    s.samples = [...s.samples, ...visited.map((x, i) => ({ x, y: ys[i] }))].slice(-CRITIC_LIMITS.samples)
    critic.fit(s.samples)
    s.seenNovelty = [...s.seenNovelty, ...novelties].slice(-SEEN)
    s.seenRisk = [...s.seenRisk, ...risks].slice(-SEEN)
    s.novelty = quantile(s.seenNovelty, 1 - this.params.switchRate)
    const riskCut = quantile(s.seenRisk, 1 - this.params.switchRate)
    // no risk seen yet (no failure): the critic's zero must not alarm
    s.risk = riskCut > 0 ? riskCut : null
    return { labels, phase: 'thrifty', keep: true }
  }
}

export const build: BuildAlgorithm = (config) => new ThriftyDAgger(ThriftyDaggerParams.parse(config.algoParams))
