// EnsembleDAgger (Menda et al. 2018): an ensemble of learners; the first drives whole episodes. At each state the
// ensemble's doubt (the spread of its learners' actions, ensembleSpread) decides: at most `spread` the learner acts
// on its own; above it the robot asks the oracle (C each), whose answer is the label and the action taken. The
// method also hands control to the expert while the learner's action is far from the expert's (the safe action):
// that test is made where the safe action is known, at the asked states, and while the answer is farther than
// `safety` from the learner's own action the oracle keeps driving (each step asked) until they agree again.
// Until the first label is stored the oracle drives the whole episode (the method starts from expert data; fresh
// learners agree on their initial output). A query after steps the robot drove on its own is a context switch
// (Query.contextSwitch). A round is one episode; after IDLE_EPISODES episodes in a row without a question the session is done.
// With a person in the page (person-takeover.ts) the robot asks them to take over instead of querying: while it
// asks it drives on, and the steps they hold are the labels (they drive while they hold).
import { EnsembleDaggerParams } from '../../../../shared/algorithms'
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
import { livePerson, personStep } from '../person-takeover'

export class EnsembleDAgger implements Algorithm {
  readonly name = 'ensemble-dagger'
  private tally: GateTally = emptyTally()

  constructor(readonly params: EnsembleDaggerParams) {}

  state(): { tally: GateTally } {
    return { tally: { ...this.tally } }
  }
  restore(state: unknown): void {
    this.tally = restoreTally((state as { tally?: unknown } | null)?.tally, 'EnsembleDAgger')
  }
  /** steps, questions and context switches so far */
  counts(): GateTally {
    return { ...this.tally }
  }

  async round(ctx: RoundContext): Promise<Round | null> {
    const t = this.tally
    if (ctx.remaining < ctx.costRatio || t.episodes >= MAX_EPISODES || t.idle >= IDLE_EPISODES) return null
    const ensemble = ctx.ensemble ?? [ctx.learner]
    const maxLabels = Math.floor(ctx.remaining / ctx.costRatio)
    const labels: DrawnLabel[] = []
    let obs = ctx.env.reset(ctx.nextSeed())
    let asked = 0
    let askedBefore = false
    let oracleDrives = false
    const fresh = ctx.interactiveCost === 0 && ctx.offlineCost === 0
    const person = livePerson(ctx)
    const episode = t.episodes
    try {
      for (let k = 0; k < ctx.task.horizon && labels.length < maxLabels && !ctx.signal?.aborted; k++) {
        const own = Float64Array.from(ctx.learner.act(obs))
        const doubt = ensembleSpread(ensemble, obs, ctx.task)
        // untrained learners agree on nothing learned (their actions sit near their initial zero): the method starts
        // from the expert's data, so until a first label is stored the oracle drives and labels
        const ask = fresh || oracleDrives || doubt > this.params.spread
        let action: ArrayLike<number> = own
        if (person) {
          if (ask && !askedBefore) t.switches++
          if (ask) asked++
          const l = await personStep(ctx, person, {
            observation: obs,
            step: k,
            episode,
            learnerAction: own,
            asked: ask,
          })
          if (l) {
            labels.push(l)
            action = l.action
          }
          oracleDrives = l !== null
        } else if (ask) {
          const contextSwitch = !askedBefore
          const l = await ctx.query(obs, k, labelHistory(ctx) ?? undefined, { contextSwitch, drives: true })
          if (contextSwitch) t.switches++
          asked++
          if (l) {
            labels.push(l)
            action = l.action
            oracleDrives = actionDistance(own, l.action, ctx.task) > this.params.safety
          } else oracleDrives = false
        }
        askedBefore = ask
        const r = ctx.env.step(Float64Array.from(action))
        t.steps++
        obs = r.observation
        if (r.terminated || r.truncated) break
      }
    } finally {
      person?.endEpisode?.()
    }
    // An episode cut short by a pause is not counted: the resumed session replays it from its start.
    if (ctx.signal?.aborted) return { labels: [], phase: 'ensemble' }
    t.episodes++
    t.asked += asked
    t.idle = asked === 0 ? t.idle + 1 : 0
    return { labels, phase: 'ensemble', keep: true }
  }
}

export const build: BuildAlgorithm = (config) => new EnsembleDAgger(EnsembleDaggerParams.parse(config.algoParams))
