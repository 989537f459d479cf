// The settings of the runs behind the advice (`iwb advise` flags, the page's advice.run): one schema with defaults
// and bounds. Small budgets by default, so the missing curves take minutes on two cores. Who answers them: the
// expert, or a simulated person, whose own cost ratio is then C by default (`iwb advise --person`, the page's
// "Answered by").
import { z } from 'zod'
import { type PersonModel, type PersonText } from './person-model'
import { OracleKind, SESSION_LIMITS } from './session-config'

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

/**
 * Who answers the sessions behind the advice: the session config's oracle, the expert or a simulated person
 * (person:..., canonical text), not 'human': a person in the page cannot answer a sweep of sessions.
 */
export const AdviceOracle = OracleKind.transform((o, ctx): 'expert' | PersonText => {
  if (o !== 'human') return o
  ctx.addIssue({ code: 'custom', message: "the advice's sessions are answered by 'expert' or person:..., not 'human'" })
  return z.NEVER
})
export type AdviceOracle = z.output<typeof AdviceOracle>

/** A simulated person's cost ratio: seconds per query over seconds per demonstrated state, within a session's bounds. */
export function personCostRatio(m: PersonModel): number {
  const { min, max } = SESSION_LIMITS.costRatio
  return m.demo > 0 ? Math.min(max, Math.max(min, m.query / m.demo)) : max
}

/** The first line of the advice for a simulated person: who it is and the C it is read at. */
export function forYouLine(m: PersonModel, costRatio: number): string {
  const spread = Array.isArray(m.noise) ? m.noise.map((n) => n.toFixed(2)).join('/') : String(m.noise)
  return `for you (spread ${spread} of the range, ${m.query.toPrecision(3)} s a query, ${m.demo.toPrecision(3)} s a demonstrated state, skip ${Number(m.skip.toPrecision(2))}): C = ${costRatio.toPrecision(3)}, curves answered by your simulated double`
}
