// Takeover sessions (interventions, as in HG-DAgger): the learner drives a whole episode; a person watches and,
// while holding the takeover button, drives instead. Each step the person drives is a label of source
// 'intervention' (their action at that state, priced C by the CostLedger); each step the learner drives is kept as
// a row of source 'policy' (its own action, cost 0): IWR (weighting 'iwr', iwr.ts) trains on it, plain HG-DAgger
// does not, and `iwb person` reads a takeover's lead-up from it. The learner is updated after each episode. A
// round is one episode. The person sits behind a Supervisor: a live person in the page (the session
// worker's LivePerson) or a SimulatedPerson (the expert taking over when the learner strays) for tests and CI.
import type { TakeoverEpisode, TaskInfo } from '../../../../shared/contract'
import { HgDaggerParams } from '../../../../shared/algorithms'
import type { Env, Policy } from '../../../sim/env'
import {
  labelHistory,
  type Algorithm,
  type BuildAlgorithm,
  type DrawnLabel,
  type Round,
  type RoundContext,
} from '../../algorithm'
import { iwrWeights, type WeighedRow } from './iwr'

/** What the person sees at one control step of the learner's episode. */
export interface TakeoverStep {
  env: Env
  observation: Float64Array
  /** the learner's action here (its mean, clipped) */
  learnerAction: Float64Array
  step: number
  /** the episode's index in the session (0-based) */
  episode: number
  /** the robot asks the person to take over here (ThriftyDAgger, EnsembleDAgger with a person in the page) */
  asked?: boolean
}

/** The person's part of a step: their action while they hold the button (null while they watch). */
export interface Control {
  action: Float64Array | null
  /** seconds this step took the person: wall clock for a live person, one control period for a simulated one */
  seconds: number
}

export interface Supervisor {
  readonly kind: 'expert' | 'human'
  /** Called at every control step, in order; a live person's calls are paced to the task's control rate. */
  control(step: TakeoverStep, signal?: AbortSignal): Promise<Control>
  /** the episode ended (a live person's page shows it; a simulated person lets go) */
  endEpisode?(): void
}

/** One episode of a takeover session, as logged: time watched, time held, presses of the button (contract.ts). */
export type { TakeoverEpisode }

/**
 * A simulated person's session stops after this many episodes in a row without a takeover (it no longer needs to
 * step in); a live person's runs until they end it or the budget is spent (they may simply be watching).
 */
export const IDLE_EPISODES = 3
/** A bound on the episodes one session may log (its bookkeeping is saved with every checkpoint). */
export const MAX_EPISODES = 10_000

export class Takeover implements Algorithm {
  readonly name = 'hg-dagger'
  private episodes: TakeoverEpisode[] = []
  /** IWR's weights over the rows (weighting 'iwr'); absent: HG-DAgger's, the person's steps alone */
  readonly weights?: (rows: readonly WeighedRow[]) => Float64Array

  constructor(params: { weighting: 'none' | 'iwr'; before: number } = { weighting: 'none', before: 10 }) {
    if (params.weighting === 'iwr') this.weights = (rows) => iwrWeights(rows, params.before)
  }

  state(): { episodes: TakeoverEpisode[] } {
    return { episodes: this.episodes.map((e) => ({ ...e })) }
  }
  restore(state: unknown): void {
    const e = (state as { episodes?: unknown } | null)?.episodes
    if (!Array.isArray(e)) throw new RangeError('takeover state needs its episodes')
    this.episodes = (e as TakeoverEpisode[]).map((x) => ({ ...x }))
  }

  /** the episodes so far, oldest first */
  log(): TakeoverEpisode[] {
    return this.episodes.map((e) => ({ ...e }))
  }

  async round(ctx: RoundContext): Promise<Round | null> {
    const person = ctx.supervisor
    if (!person) throw new Error('a takeover session needs a person (or a simulated one) to take over')
    if (ctx.remaining < ctx.costRatio || this.episodes.length >= MAX_EPISODES) return null
    const recent = this.episodes.slice(-IDLE_EPISODES)
    if (person.kind !== 'human' && recent.length === IDLE_EPISODES && recent.every((e) => e.takeovers === 0))
      return null
    const maxLabels = Math.floor(ctx.remaining / ctx.costRatio)
    const episode: TakeoverEpisode = {
      episode: this.episodes.length,
      steps: 0,
      watchedSeconds: 0,
      heldSeconds: 0,
      takeovers: 0,
      labels: 0,
      ret: 0,
    }
    const labels: DrawnLabel[] = []
    let given = 0
    let obs = ctx.env.reset(ctx.nextSeed())
    let held = false
    try {
      for (let k = 0; k < ctx.task.horizon && given < maxLabels && !ctx.signal?.aborted; k++) {
        const learnerAction: Float64Array = Float64Array.from(ctx.learner.act(obs))
        const state = ctx.env.getState()
        const c = await person.control(
          { env: ctx.env, observation: obs, learnerAction, step: k, episode: episode.episode },
          ctx.signal,
        )
        if (ctx.signal?.aborted) break
        episode.watchedSeconds += c.seconds
        const action = c.action ? clip(c.action, ctx.task) : learnerAction
        if (c.action) {
          if (!held) episode.takeovers++
          episode.heldSeconds += c.seconds
          given++
        }
        const history = labelHistory(ctx)
        labels.push({
          source: c.action ? 'intervention' : 'policy',
          observation: Float64Array.from(obs),
          state,
          action,
          humanSeconds: c.action ? c.seconds : null,
          episodeId: null,
          stepIndex: k,
          ...(history?.length ? { context: { history, next: new Float64Array(0) } } : {}),
        })
        held = c.action !== null
        const r = ctx.env.step(action)
        episode.steps++
        episode.ret += r.reward
        obs = r.observation
        if (r.terminated || r.truncated) break
      }
    } finally {
      person.endEpisode?.()
    }
    // An episode cut short by a pause is not logged: the resumed session replays it from its start.
    if (ctx.signal?.aborted) return { labels: [], phase: 'takeover' }
    episode.labels = given
    this.episodes.push(episode)
    return { labels, phase: 'takeover', keep: true }
  }
}

/** The person's action within the task's bounds; one line when it is not a finite action of the task's size. */
export function clip(a: ArrayLike<number>, task: TaskInfo): Float64Array {
  if (a.length !== task.actDim)
    throw new RangeError(`the person's action has ${a.length} values, task ${task.id} takes ${task.actDim}`)
  const out = new Float64Array(task.actDim)
  for (let i = 0; i < task.actDim; i++) {
    if (!Number.isFinite(a[i])) throw new RangeError(`the person's action[${i}] is not a finite number`)
    out[i] = Math.min(task.actionHigh[i], Math.max(task.actionLow[i], a[i]))
  }
  return out
}

/**
 * A simulated person for takeover sessions without one (tests, CI, `iwb run`): the expert watches and takes
 * over when the learner's action strays from its own by more than `threshold` (root mean square, as a fraction
 * of the action range), drives for `holdSeconds`, lets go, and watches for at least `restSeconds` before taking
 * over again (a person does not grab the controls back at once). Deterministic, so a resumed
 * session takes over exactly where an uninterrupted one does. Its seconds are simulated: one control period a step.
 */
export class SimulatedPerson implements Supervisor {
  readonly kind = 'expert' as const
  private holding = 0
  private resting = 0

  constructor(
    private readonly expert: Policy,
    private readonly task: TaskInfo,
    readonly threshold = 0.1,
    readonly holdSeconds = 0.5,
    readonly restSeconds = 1,
  ) {}

  async control(s: TakeoverStep): Promise<Control> {
    const seconds = 1 / this.task.controlHz
    const a = Float64Array.from(this.expert.act(s.observation))
    if (this.holding > 0) {
      if (--this.holding === 0) this.resting = Math.ceil(this.restSeconds * this.task.controlHz)
      return { action: a, seconds }
    }
    if (this.resting > 0) {
      this.resting--
      return { action: null, seconds }
    }
    let d = 0
    for (let i = 0; i < a.length; i++)
      d += ((a[i] - s.learnerAction[i]) / (this.task.actionHigh[i] - this.task.actionLow[i])) ** 2
    if (Math.sqrt(d / a.length) <= this.threshold) return { action: null, seconds }
    this.holding = Math.max(0, Math.ceil(this.holdSeconds * this.task.controlHz) - 1)
    if (this.holding === 0) this.resting = Math.ceil(this.restSeconds * this.task.controlHz)
    return { action: a, seconds }
  }

  endEpisode(): void {
    this.holding = 0
    this.resting = 0
  }
}

/** Takeover sessions: the person (or the expert as a simulated one) is the runner's supervisor. */
export const build: BuildAlgorithm = (config) => new Takeover(HgDaggerParams.parse(config.algoParams))
