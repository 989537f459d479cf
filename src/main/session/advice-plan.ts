// The sessions behind the advice at a cost ratio C, planned once for `iwb advise` and the page's advice.run: BC
// once and STAGGER and WARM-STAGGER at C/2, C and 2C (learn/advice.ts), each a stored finished session to reuse,
// an unfinished one to resume, or a new one.
import type { AdviceOracle, AdviceRunSettings } from '../../shared/advice'
import { SESSION_LIMITS, sessionConfig, type SessionConfig } from '../../shared/session-config'
import { adviceConfigs, ratiosAround } from '../learn/advice'
import type { Workspace } from '../store'
import { planSession, type SessionPlan } from './sweep'

export interface AdviceRequest extends AdviceRunSettings {
  taskId: string
  costRatio: number
  /** who answers the sessions behind the advice: the expert (default) or a simulated person (shared/person-model.ts) */
  oracle?: AdviceOracle
}

export interface AdvicePlan {
  /** the cost ratios around C whose curves the advice reads */
  ratios: number[]
  configs: SessionConfig[]
  /** one per config; null for a session not stored yet when planned without creating */
  plans: (SessionPlan | null)[]
}

/** The sessions' configurations (throws a one-line RangeError for settings a session refuses). */
export function adviceSessionConfigs(r: AdviceRequest): { ratios: number[]; configs: SessionConfig[] } {
  const ratios = ratiosAround(r.costRatio, SESSION_LIMITS.costRatio.min, SESSION_LIMITS.costRatio.max)
  const base = sessionConfig({
    taskId: r.taskId,
    algo: 'bc',
    budget: r.budget,
    evalEvery: r.evalEvery,
    evalEpisodes: r.evalEpisodes,
    oracle: r.oracle ?? 'expert',
  })
  return { ratios, configs: adviceConfigs(base, ratios, r.seeds).map((c) => sessionConfig(c)) }
}

/** Plan them: `create` false only looks (nothing is written), true makes the missing sessions. */
export function planAdvice(ws: Workspace, r: AdviceRequest, opts: { create: boolean }): AdvicePlan {
  const { ratios, configs } = adviceSessionConfigs(r)
  return { ratios, configs, plans: configs.map((c) => planSession(ws, c, { create: opts.create })) }
}
