// The Oracle answers "what action at this state?". A linear expert, a scripted expert or a person (through the
// page) sits behind it. Answers may be slow; null means the query was abandoned and yields no label, a Pass that
// the person skipped it (no label either, but who passed is kept with the query).
import type { Policy } from '../sim/env'
import type { Rng } from '../sim/rng'
import { policyFromSpec, type PolicySpec } from '../sim/policy-spec'

export interface Query {
  taskId: string
  observation: Float64Array
  /** full physics state at the queried step (lets a person see the scene), null when unknown */
  state: Float64Array | null
  /** what the learner would do here (deterministic mean, clipped) */
  proposedAction: Float64Array
  /** the episode step of the queried state */
  step?: number
  /**
   * true when the robot turns to the person after driving on its own (the algorithm sets it): the person must
   * switch context, which a simulated person prices in seconds and the measures count
   */
  contextSwitch?: boolean
  /**
   * true when the person drives here (a robot-gated method's takeover, their action executed): a simulated person
   * prices the step as a held takeover step (its control period), not as a query looked at and answered
   */
  takeover?: boolean
  /** the session's generator: an oracle that draws (a simulated person) draws from it, so a resumed session draws the same */
  rng?: Rng
}

export interface Answer {
  action: ArrayLike<number>
  /** seconds a person spent on this answer */
  humanSeconds?: number
  /** ms from prompt to first input (human oracle) */
  firstInputMs?: number
  operator?: string
  /** the expert's action at the queried state, when the oracle computed it (a simulated person) */
  expertAction?: ArrayLike<number>
}

/** A person passed on a query (skip): no label; the operator who passed is stored with the query. */
export interface Pass {
  passed: true
  operator?: string
}

export interface Oracle {
  /** 'person': a simulated person (learn/simulated-person.ts), its seconds drawn, not measured */
  readonly kind: 'expert' | 'human' | 'person'
  answer(query: Query, signal?: AbortSignal): Promise<Answer | Pass | null>
}

/** An error raised when a query is aborted through its signal. */
export class QueryAborted extends Error {
  constructor() {
    super('query aborted')
    this.name = 'QueryAborted'
  }
}

/** A simulated expert: answers at once with its deterministic action. */
export class ExpertOracle implements Oracle {
  readonly kind = 'expert' as const
  private readonly policy: Policy

  constructor(expert: PolicySpec | Policy) {
    this.policy = 'kind' in expert ? policyFromSpec(expert) : expert
  }

  async answer(query: Query, signal?: AbortSignal): Promise<Answer | null> {
    if (signal?.aborted) return null
    return { action: Float64Array.from(this.policy.act(query.observation)) }
  }
}

/**
 * Ask an oracle and settle on null if the signal fires first, whatever the oracle does (a slow person, a
 * closed page). Errors from the oracle propagate.
 */
export function askOracle(oracle: Oracle, query: Query, signal?: AbortSignal): Promise<Answer | Pass | null> {
  if (signal?.aborted) return Promise.resolve(null)
  return new Promise((resolve, reject) => {
    const onAbort = (): void => resolve(null)
    signal?.addEventListener('abort', onAbort, { once: true })
    oracle.answer(query, signal).then(
      (a) => {
        signal?.removeEventListener('abort', onAbort)
        resolve(signal?.aborted ? null : a)
      },
      (e: unknown) => {
        signal?.removeEventListener('abort', onAbort)
        if (signal?.aborted || e instanceof QueryAborted) resolve(null)
        else reject(e)
      },
    )
  })
}
