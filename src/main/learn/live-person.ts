// The live person of a takeover session: the learner's episode runs at the task's control rate in real time,
// each step's frame goes to the page, and the page streams the person's input (button held, stick action).
// While the button is held and the input is fresh, the person's action drives and becomes a label; input older
// than `staleMs` counts as released (a page that went away cannot keep driving). Seconds are wall-clock.
import type { TakeoverLive, TaskInfo } from '../../shared/contract'
import type { Control, Supervisor, TakeoverStep } from './algorithms/hg-dagger'

export interface PersonInput {
  held: boolean
  action: ArrayLike<number>
}

export interface LivePersonOptions {
  sessionId: number
  task: TaskInfo
  /** send a step's view to the page(s) */
  publish: (live: TakeoverLive) => void
  /** input older than this counts as released (default 400 ms) */
  staleMs?: number
  now?: () => number
}

/** A step never counts for more than this many seconds (a stalled thread is not time the person watched). */
const MAX_STEP_SECONDS = 1
/** how often an episode's first step looks for the page's input */
const POLL_MS = 10

export class LivePerson implements Supervisor {
  readonly kind = 'human' as const
  private input: (PersonInput & { at: number }) | null = null
  private last: number | null = null
  private episode = { takeovers: 0, watched: 0, held: 0, wasHeld: false }

  constructor(private readonly o: LivePersonOptions) {}

  private now(): number {
    return (this.o.now ?? Date.now)()
  }

  /** The page's latest input; the action is checked here so a bad payload cannot fail the session. */
  steer(input: PersonInput): void {
    const { actDim, id } = this.o.task
    if (input.held && input.action.length !== actDim)
      throw new RangeError(`action has ${input.action.length} values, task ${id} takes ${actDim}`)
    if (input.held && !Array.from(input.action).every(Number.isFinite))
      throw new RangeError('action values must be finite numbers')
    this.input = { held: input.held, action: Float64Array.from(input.action), at: this.now() }
  }

  async control(s: TakeoverStep, signal?: AbortSignal): Promise<Control> {
    const period = 1000 / this.o.task.controlHz
    // Pace to the control rate: the person watches the learner in real time.
    if (this.last !== null) await sleep(Math.max(0, this.last + period - this.now()), signal)
    else await this.freshInput(signal)
    const now = this.now()
    const seconds = this.last === null ? period / 1000 : Math.min(MAX_STEP_SECONDS, (now - this.last) / 1000)
    this.last = now
    const inp = this.input
    const held = !!inp && inp.held && this.fresh(now)
    const e = this.episode
    if (held && !e.wasHeld) e.takeovers++
    e.wasHeld = held
    e.watched += seconds
    if (held) e.held += seconds
    const action = held ? Float64Array.from(inp.action) : null
    this.o.publish({
      sessionId: this.o.sessionId,
      taskId: this.o.task.id,
      episode: s.episode,
      frame: { ...s.env.frame(), step: s.step, action: Array.from(action ?? s.learnerAction) },
      held,
      ...(s.asked ? { asked: true } : {}),
      takeovers: e.takeovers,
      watchedSeconds: e.watched,
      heldSeconds: e.held,
    })
    return { action, seconds }
  }

  /**
   * Before an episode's first step: the page's input sent while this thread was busy (loading the task and the
   * learner, an evaluation) waits in its queue, and the last input read may look stale only because of that. Wait
   * until an input at most staleMs old has been read, or staleMs (a page that went away costs that once an episode).
   */
  private async freshInput(signal?: AbortSignal): Promise<void> {
    for (let waited = 0; !this.fresh(this.now()) && waited < this.staleMs && !signal?.aborted; waited += POLL_MS)
      await sleep(POLL_MS, signal)
  }

  private get staleMs(): number {
    return this.o.staleMs ?? 400
  }

  /** an input read at most staleMs before `now` (older counts as released) */
  private fresh(now: number): boolean {
    return !!this.input && now - this.input.at <= this.staleMs
  }

  endEpisode(): void {
    this.last = null
    this.episode = { takeovers: 0, watched: 0, held: 0, wasHeld: false }
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (ms <= 0 || signal?.aborted) return Promise.resolve()
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer)
      signal?.removeEventListener('abort', done)
      resolve()
    }
    const timer = setTimeout(done, ms)
    signal?.addEventListener('abort', done, { once: true })
  })
}
