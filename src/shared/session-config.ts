// A learning session's configuration: one schema with its defaults and bounds, used by every host (the page's
// sessions.start, `iwb run`, `iwb compare`), by the store's import and by the session runner. Two sessions with
// equal configurations store the same labels and the same evaluation curve, wherever they run.
// The algorithms, their parameters and budget splits are the registry's (algorithms.ts).
import { z } from 'zod'
import {
  ALGO_IDS,
  ALGO_LIMITS,
  ALGORITHMS,
  algoParamsKey,
  listText,
  OFFLINE_ALGOS,
  parseAlgoParams,
} from './algorithms'
import { DEFAULT_POLICY, PolicyChoice, currentVersion, policyClass, policyKey, policyVersion } from './policy-config'
import { OracleChoice } from './person-model'
import { OperatorName } from './stored-values'

export {
  algoLabel,
  budgetSplit,
  DEFAULT_WARM_FRACTION,
  offlineShare,
  parseAlgoLabel,
  warmFractionOf,
  type AlgoChoice,
} from './algorithms'

/** The registry's algorithms (algorithms.ts); 'hg-dagger': takeover sessions, the person takes over at will. */
export const Algo = z.enum(ALGO_IDS)
export type Algo = z.infer<typeof Algo>
/**
 * Who answers: 'expert' (the simulated expert, exact and instant), 'human' (a person in the page) or a simulated
 * person, 'person:noise=0.3,lag=2,...' (person-model.ts: the expert's action corrupted, seconds drawn), stored as
 * its canonical text.
 */
export const OracleKind = OracleChoice
export type OracleKind = z.output<typeof OracleKind>
export const Schedule = z.enum(['incremental', 'scratch'])
export type Schedule = z.infer<typeof Schedule>
export const Loss = z.enum(['nll', 'mse'])
export type Loss = z.infer<typeof Loss>
/**
 * How the learner standardises its observations: 'data', from the labels so far (refreshed as they grow), or
 * 'expert', the simulated expert's fixed state statistics, as the authors' learners saw them (their environments
 * normalised observations with the expert's saved statistics, the same for every algorithm).
 */
export const Standardise = z.enum(['data', 'expert'])
export type Standardise = z.infer<typeof Standardise>

/**
 * The version of each algorithm this code runs (its descriptor's version, algorithms.ts), part of a session's
 * configuration: sessions run by another version are never reused, resumed or queued (they still display and export).
 */
export const ALGO_VERSIONS: Readonly<Record<Algo, number>> = Object.fromEntries(
  ALGORITHMS.map((a) => [a.id, a.version]),
) as Record<Algo, number>
/** Bound on a stored version (an export's rows are checked against it). */
export const MAX_ALGO_VERSION = 1_000

/** Bounds on every number that decides how much time or memory a session takes. */
export const SESSION_LIMITS = {
  budget: 100_000,
  costRatio: { min: 0.01, max: 1_000 },
  /** interactive labels a budget may imply (budget / cost ratio): each is a rollout and a query */
  queries: 100_000,
  /** seeds are 31-bit so that training and evaluation resets live in disjoint halves of the seed space */
  seed: 2 ** 31 - 1,
  evalEvery: 100_000,
  evalEpisodes: 1_000,
  epochs: 10_000,
  /** demonstrations one session may name by id */
  demoEpisodes: 1_000,
  /** DAgger's random states per rollout (a horizon is at most 1000 steps) */
  daggerStates: ALGO_LIMITS.daggerStates,
  /** a fall angle in radians (beyond a half turn the torso or the pole is upside down) */
  fallAngle: { min: 0.01, max: 3.2 },
} as const

/**
 * Tasks whose fall angle is a session parameter: the planar walkers' healthy torso angle (Gymnasium v5) and the
 * cart-pole's tip-over angle. Past it the episode ends (an absorbing failure).
 */
export const FALL_ANGLE_TASKS: readonly string[] = ['hopper', 'walker2d', 'cartpole']

/**
 * Where offline labels come from: the simulated expert's states, or recorded demonstrations (every state of the
 * named episodes, or of all complete demonstrations of the task, optionally only one operator's), drawn without
 * replacement, cost 1 each. Episode ids are kept sorted and unique so equal choices compare equal.
 */
export const OfflineSource = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('expert') }).strict(),
  z
    .object({
      kind: z.literal('demos'),
      /** the episodes to draw from; null: every complete demonstration of the task when the session starts */
      episodes: z
        .array(z.number().int().min(1))
        .min(1)
        .max(SESSION_LIMITS.demoEpisodes)
        .nullable()
        .default(null)
        .transform((e) => (e ? [...new Set(e)].sort((a, b) => a - b) : null)),
      /** only this operator's demonstrations (with episodes null) */
      operator: OperatorName.min(1).nullable().default(null),
    })
    .strict(),
])
export type OfflineSource = z.output<typeof OfflineSource>
export type OfflineSourceInput = z.input<typeof OfflineSource>

export const EXPERT_OFFLINE: OfflineSource = { kind: 'expert' }

/** One canonical text per offline source (the store's column, and equality of configs). */
export function offlineKey(o: OfflineSource): string {
  return o.kind === 'expert'
    ? JSON.stringify({ kind: 'expert' })
    : JSON.stringify({ kind: 'demos', episodes: o.episodes, operator: o.operator })
}

/** 'expert', 'demos', 'demos:3,4', 'demos@ana' */
export function offlineLabel(o: OfflineSource): string {
  if (o.kind === 'expert') return 'expert'
  return `demos${o.episodes ? `:${o.episodes.join(',')}` : ''}${o.operator ? `@${o.operator}` : ''}`
}

/** "expert", "demos", "demos:3,4" (a flag's value) -> an offline source; throws a one-line error otherwise. */
export function parseOfflineLabel(text: string, operator: string | null = null): OfflineSource {
  const [kind, ids, ...rest] = text.split(':')
  if (rest.length || (kind !== 'expert' && kind !== 'demos'))
    throw new RangeError(`unknown offline source '${text}' (expert, demos, demos:ID,ID,...)`)
  if (kind === 'expert') {
    if (ids !== undefined || operator !== null)
      throw new RangeError('the expert offline source takes no episodes or operator')
    return EXPERT_OFFLINE
  }
  const episodes = ids === undefined ? null : ids.split(',').map((x) => (/^\d+$/.test(x.trim()) ? Number(x) : NaN))
  if (episodes && !episodes.every((e) => Number.isSafeInteger(e) && e >= 1))
    throw new RangeError(`episode ids must be whole numbers, got '${ids}'`)
  const r = OfflineSource.safeParse({ kind: 'demos', episodes, operator })
  if (!r.success) throw new RangeError(`offline source: ${r.error.issues[0].message}`)
  return r.data
}

/** The fields alone (no cross-field rules): the store's export rows extend them. */
export const SessionConfigFields = z.object({
  taskId: z.string().min(1).max(200),
  algo: Algo,
  /**
   * The algorithm's parameters (its descriptor's schema in algorithms.ts, which fills their defaults): WARM-STAGGER's
   * {fraction}, DAgger's {states}, an ensemble's {members, ...}; {} for an algorithm that takes none.
   */
  algoParams: z.record(z.string().max(100), z.unknown()).default({}),
  oracle: OracleKind.default('expert'),
  /** annotation cost: an offline label costs 1, an interactive query C */
  budget: z.number().int().min(1).max(SESSION_LIMITS.budget).default(1000),
  seed: z.number().int().min(0).max(SESSION_LIMITS.seed).default(0),
  costRatio: z.number().min(SESSION_LIMITS.costRatio.min).max(SESSION_LIMITS.costRatio.max).default(1),
  /** 'incremental' (a few Adam steps per label) or the authors' 'scratch' retraining after every label */
  schedule: Schedule.default('incremental'),
  loss: Loss.default('nll'),
  standardise: Standardise.default('data'),
  /** the authors evaluated every 50 labels over 25 episodes */
  evalEvery: z.number().int().min(1).max(SESSION_LIMITS.evalEvery).default(50),
  evalEpisodes: z.number().int().min(1).max(SESSION_LIMITS.evalEpisodes).default(25),
  /** scratch schedule: epochs per retraining (the authors used 2000); null for the trainer's default */
  epochs: z.number().int().min(1).max(SESSION_LIMITS.epochs).nullable().default(null),
  /** BC and WARM-STAGGER: offline labels from the simulated expert or from recorded demonstrations */
  offline: OfflineSource.default(EXPERT_OFFLINE),
  /**
   * Hopper and Walker2d: the torso angle (radians) past which the episode ends, an absorbing fall; smaller makes
   * mistakes unrecoverable sooner (the `recoverability` study). null: the task's own (Hopper 0.2, Walker2d 1).
   */
  fallAngle: z.number().min(SESSION_LIMITS.fallAngle.min).max(SESSION_LIMITS.fallAngle.max).nullable().default(null),
  /** the learner's policy class and its parameters (shared/policy-config.ts); mlp: the paper's learner */
  policy: PolicyChoice.default(DEFAULT_POLICY),
  /** the version of the algorithm that ran (ALGO_VERSIONS); omitted: the version this code runs */
  algoVersion: z.number().int().min(1).max(MAX_ALGO_VERSION).optional(),
})

export const SessionConfig = SessionConfigFields.strict()
  .transform((c, ctx) => {
    // the algorithm's parameters checked by its own schema, every default filled (algorithms.ts)
    let algoParams: Record<string, unknown> = c.algoParams
    try {
      algoParams = parseAlgoParams(c.algo, c.algoParams)
    } catch (e) {
      ctx.addIssue({ code: 'custom', path: ['algoParams'], message: (e as Error).message })
    }
    return { ...c, algoParams, algoVersion: c.algoVersion ?? ALGO_VERSIONS[c.algo], policy: currentVersion(c.policy) }
  })
  .superRefine((c, ctx) => {
    if (c.algoVersion !== ALGO_VERSIONS[c.algo])
      ctx.addIssue({
        code: 'custom',
        path: ['algoVersion'],
        message: `this workbench runs ${c.algo} version ${ALGO_VERSIONS[c.algo]}, not ${c.algoVersion} (older sessions are shown and exported, not run)`,
      })
    const runs = policyClass(c.policy.id).version
    if (policyVersion(c.policy) !== runs)
      ctx.addIssue({
        code: 'custom',
        path: ['policy', 'version'],
        message: `this workbench runs the ${c.policy.id} class version ${runs}, not ${policyVersion(c.policy)} (older sessions are shown and exported, not run)`,
      })
  })
  .refine((c) => c.budget / c.costRatio <= SESSION_LIMITS.queries, {
    message: `budget / cost ratio may imply at most ${SESSION_LIMITS.queries} queries`,
    path: ['costRatio'],
  })
  .refine((c) => c.offline.kind === 'expert' || OFFLINE_ALGOS.includes(c.algo), {
    message: `only ${listText(OFFLINE_ALGOS)} take offline labels from demonstrations`,
    path: ['offline'],
  })
  .refine((c) => c.offline.kind === 'expert' || c.offline.episodes === null || c.offline.operator === null, {
    message: 'name either the episodes or an operator, not both',
    path: ['offline'],
  })
  .refine((c) => c.fallAngle === null || FALL_ANGLE_TASKS.includes(c.taskId), {
    message: `only ${FALL_ANGLE_TASKS.join(', ')} take a fall angle`,
    path: ['fallAngle'],
  })
export type SessionConfig = z.output<typeof SessionConfig>
export type SessionConfigInput = z.input<typeof SessionConfig>

/** The config with every default filled in; throws a one-line error naming the first bad field. */
export function sessionConfig(input: SessionConfigInput): SessionConfig {
  const r = SessionConfig.safeParse(input)
  if (r.success) return r.data
  const issue = r.error.issues[0]
  throw new RangeError(`session config: ${issue.path.join('.') || 'value'}: ${issue.message}`)
}

/** Two configs describe the same session (every field, as stored). */
export function sameConfig(a: SessionConfig, b: SessionConfig): boolean {
  return (Object.keys(SessionConfigFields.shape) as (keyof SessionConfig)[]).every((k) =>
    k === 'offline'
      ? offlineKey(a.offline) === offlineKey(b.offline)
      : k === 'policy'
        ? policyKey(a.policy) === policyKey(b.policy)
        : k === 'algoParams'
          ? algoParamsKey(a.algoParams) === algoParamsKey(b.algoParams)
          : a[k] === b[k],
  )
}

/**
 * The id the simulator builds a session's environment from: the task, with its variant's parameters when the
 * session names any ('hopper@fall=0.1'; src/main/sim/registry.ts reads it back).
 */
export function envTaskId(c: Pick<SessionConfig, 'taskId' | 'fallAngle'>): string {
  return c.fallAngle === null ? c.taskId : `${c.taskId}@fall=${c.fallAngle}`
}
