// A person in the page watching a robot-gated session (ThriftyDAgger, EnsembleDAgger started from the Takeover
// view): every step of the learner's episode goes to them through the session's supervisor (paced to the control
// rate), `asked` where the robot asks them to take over (the page beeps and says so), and each step they hold the
// takeover button is an intervention label (C each, their seconds) instead of a frozen query in the Query view.
import { labelHistory, type DrawnLabel, type RoundContext } from '../algorithm'
import { clip, type Supervisor } from './hg-dagger'

/** The session's live person, or null when the oracle answers queries (the expert, a simulated person). */
export function livePerson(ctx: RoundContext): Supervisor | null {
  return ctx.supervisor?.kind === 'human' ? ctx.supervisor : null
}

/** Shows the step at obs to the person; their label when they hold the button here, else null. */
export async function personStep(
  ctx: RoundContext,
  person: Supervisor,
  at: { observation: Float64Array; step: number; episode: number; learnerAction: Float64Array; asked: boolean },
): Promise<DrawnLabel | null> {
  const state = ctx.env.getState()
  const c = await person.control({ env: ctx.env, ...at }, ctx.signal)
  if (!c.action || ctx.signal?.aborted) return null
  const history = labelHistory(ctx)
  return {
    source: 'intervention',
    observation: Float64Array.from(at.observation),
    state,
    action: clip(c.action, ctx.task),
    humanSeconds: c.seconds,
    episodeId: null,
    stepIndex: at.step,
    ...(history?.length ? { context: { history, next: new Float64Array(0) } } : {}),
  }
}
