// HumanOracle: a person answers the learner's queries in the page. answer() publishes a QueryPrompt (the
// queried state's frame, the frames of the second of the learner's rollout leading up to it, the observation and
// the learner's proposed action) and waits, as long as it takes, for commit() or skip() (a Pass, with the operator
// who passed). Abort (pause, cancel, the page going away) settles it with null: the runner records the query
// abandoned and adds no label.
import type { Frame, QueryPrompt, TaskInfo } from '../../shared/contract'
import { HumanMs, OperatorName, storedValueProblem } from '../../shared/stored-values'
import type { Env, StepResult } from '../sim/env'
import type { Answer, Oracle, Pass, Query } from './oracle'

/** What the page sends when the person commits an answer (queries.answer). */
export interface HumanCommit {
  action: ArrayLike<number>
  /** ms from the prompt being shown to the first stick/key input, null when the person committed untouched */
  firstInputMs: number | null
  /** ms from the prompt being shown to the commit */
  commitMs: number
  operator?: string
}

/** The states a rollout env passed through most recently (a ring of the last `capacity` states). */
export class StateHistory {
  private readonly ring: Float64Array[] = []
  private head = 0

  constructor(readonly capacity: number) {}

  clear(): void {
    this.ring.length = 0
    this.head = 0
  }

  push(state: Float64Array): void {
    if (this.ring.length < this.capacity) this.ring.push(state)
    else {
      this.ring[this.head] = state
      this.head = (this.head + 1) % this.capacity
    }
  }

  /** oldest first */
  states(): Float64Array[] {
    return this.ring.length < this.capacity
      ? this.ring.slice()
      : [...this.ring.slice(this.head), ...this.ring.slice(0, this.head)]
  }
}

/**
 * Wrap a rollout env so it remembers the states of the last `seconds` of its episode: the page replays them
 * before a query so the person sees the motion, not a still. Costs one getState() per step.
 */
export function withStateHistory(env: Env, seconds = 1): { env: Env; history: StateHistory } {
  const history = new StateHistory(Math.max(1, Math.ceil(seconds * env.task.controlHz)) + 1)
  const wrapped: Env = {
    get task() {
      return env.task
    },
    get stepCount() {
      return env.stepCount
    },
    reset(seed?: number) {
      const obs = env.reset(seed)
      history.clear()
      history.push(env.getState())
      return obs
    },
    step(action: ArrayLike<number>): StepResult {
      const r = env.step(action)
      history.push(env.getState())
      return r
    },
    observe: () => env.observe(),
    getState: () => env.getState(),
    setState(state) {
      env.setState(state)
      history.clear()
      history.push(Float64Array.from(state))
    },
    geometry: () => env.geometry(),
    frame: () => env.frame(),
    close: () => env.close(),
  }
  return { env: wrapped, history }
}

/** Frames for a prompt: the queried state and the states before it, rendered on a viewer env (setState + frame). */
export function promptFrames(viewer: Env, query: Query, before: Float64Array[]): { frame: Frame; lead: Frame[] } {
  const step = query.step ?? 0
  const render = (state: ArrayLike<number>, s: number): Frame => {
    viewer.setState(state)
    return { ...viewer.frame(), step: s }
  }
  const lead = before.map((s, i) => render(s, step - before.length + i))
  const frame = query.state ? render(query.state, step) : { t: 0, step, xpos: [], xquat: [] }
  return { frame: { ...frame, action: Array.from(query.proposedAction) }, lead }
}

interface Pending {
  prompt: QueryPrompt
  settle: (answer: Answer | Pass | null) => void
}

export interface HumanOracleOptions {
  sessionId: number
  task: TaskInfo
  /** send the prompt to the page(s) */
  publish: (prompt: QueryPrompt) => void
  /** the frame of the queried state and the lead-up frames; default: no frames (tests of the protocol) */
  frames?: (query: Query) => { frame: Frame; lead: Frame[] }
  /** query ids unique within the process (the page answers by id) */
  nextQueryId: () => number
  now?: () => number
}

export class HumanOracle implements Oracle {
  readonly kind = 'human' as const
  private readonly pending = new Map<number, Pending>()

  constructor(private readonly opts: HumanOracleOptions) {}

  answer(query: Query, signal?: AbortSignal): Promise<Answer | Pass | null> {
    if (signal?.aborted) return Promise.resolve(null)
    const queryId = this.opts.nextQueryId()
    const { frame, lead } = this.opts.frames?.(query) ?? {
      frame: { t: 0, step: query.step ?? 0, xpos: [], xquat: [] },
      lead: [],
    }
    const prompt: QueryPrompt = {
      queryId,
      sessionId: this.opts.sessionId,
      taskId: this.opts.task.id,
      frame,
      lead,
      observation: Array.from(query.observation),
      proposedAction: Array.from(query.proposedAction),
      issuedAt: (this.opts.now ?? Date.now)(),
    }
    return new Promise<Answer | Pass | null>((resolve) => {
      const onAbort = (): void => settle(null)
      const settle = (a: Answer | Pass | null): void => {
        if (!this.pending.delete(queryId)) return
        signal?.removeEventListener('abort', onAbort)
        resolve(a)
      }
      this.pending.set(queryId, { prompt, settle })
      signal?.addEventListener('abort', onAbort, { once: true })
      this.opts.publish(prompt)
    })
  }

  /** The prompts waiting for an answer (a page that (re)connects shows them). */
  prompts(): QueryPrompt[] {
    return [...this.pending.values()].map((p) => p.prompt)
  }

  has(queryId: number): boolean {
    return this.pending.has(queryId)
  }

  /**
   * The person's answer. Validated here (length, finite) so a bad payload leaves the query open instead of
   * failing the session; values are clipped to the action bounds, as expert actions are.
   */
  commit(queryId: number, c: HumanCommit): Answer {
    const p = this.pending.get(queryId)
    if (!p) throw new Error(`query ${queryId} is not waiting for an answer (answered, skipped or abandoned)`)
    const { actDim, actionLow: lo, actionHigh: hi, id } = this.opts.task
    if (c.action.length !== actDim)
      throw new RangeError(`answer has ${c.action.length} values, task ${id} takes ${actDim}`)
    const action = new Float64Array(actDim)
    for (let i = 0; i < actDim; i++) {
      const v = c.action[i]
      if (!Number.isFinite(v)) throw new RangeError(`answer[${i}] is not a finite number`)
      action[i] = Math.min(hi[i], Math.max(lo[i], v))
    }
    // what the workspace stores (shared/stored-values.ts): a bounded time and name, so its export reads back
    const bad =
      storedValueProblem('commitMs', HumanMs, c.commitMs) ??
      storedValueProblem('firstInputMs', HumanMs.nullish(), c.firstInputMs) ??
      storedValueProblem('operator', OperatorName.optional(), c.operator)
    if (bad) throw new RangeError(bad)
    const answer: Answer = {
      action,
      humanSeconds: c.commitMs / 1000,
      firstInputMs: c.firstInputMs ?? undefined,
      operator: c.operator,
    }
    p.settle(answer)
    return answer
  }

  /**
   * The person passed on this query: no label, recorded abandoned with `operator` (the page's person, as an
   * answer carries it). False when the query is not waiting; a name the workspace would not store throws.
   */
  skip(queryId: number, operator?: string): boolean {
    const p = this.pending.get(queryId)
    if (!p) return false
    const bad = storedValueProblem('operator', OperatorName.optional(), operator)
    if (bad) throw new RangeError(bad)
    p.settle(operator === undefined ? { passed: true } : { passed: true, operator })
    return true
  }

  /** Settle every waiting query with null (the session stops, the page went away). */
  abandonAll(): void {
    for (const p of [...this.pending.values()]) p.settle(null)
  }
}
