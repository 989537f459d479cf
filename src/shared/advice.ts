// The settings of the expert-oracle runs behind the advice (`iwb advise` flags, the page's advice.run): one
// schema with defaults and bounds. Small budgets by default, so the missing curves take minutes on two cores.
import { z } from 'zod'
import { SESSION_LIMITS } from './session-config'

/** Bounds on every number that decides how many sessions the advice runs and how long each takes. */
export const ADVICE_RUN_LIMITS = {
  budget: { min: 2, max: 10_000 },
  seeds: { min: 1, max: 20 },
  evalEvery: { min: 1, max: SESSION_LIMITS.evalEvery },
  evalEpisodes: { min: 1, max: 100 },
} as const

const int = (b: { min: number; max: number }) => z.number().int().min(b.min).max(b.max)

export const AdviceRunSettings = z.object({
  /** each session's budget (annotation cost) */
  budget: int(ADVICE_RUN_LIMITS.budget).default(60),
  /** sessions per algorithm and cost ratio */
  seeds: int(ADVICE_RUN_LIMITS.seeds).default(2),
  evalEvery: int(ADVICE_RUN_LIMITS.evalEvery).default(10),
  evalEpisodes: int(ADVICE_RUN_LIMITS.evalEpisodes).default(5),
})
export type AdviceRunSettings = z.output<typeof AdviceRunSettings>

/** The defaults, for flags and forms. */
export const ADVICE_RUN_DEFAULTS: AdviceRunSettings = AdviceRunSettings.parse({})
