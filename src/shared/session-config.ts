// A learning session's configuration: one schema with its defaults and bounds, used by every host (the page's
// sessions.start, `iwb run`, `iwb compare`), by the store's import and by the session runner. Two sessions with
// equal configurations store the same labels and the same evaluation curve, wherever they run.
import { z } from 'zod'
import { DEFAULT_POLICY, PolicyChoice, policyKey } from './policy-config'

// 'hg-dagger': takeover sessions (HG-DAgger): the learner drives, the person takes over while holding a button.
export const Algo = z.enum(['bc', 'dagger', 'stagger', 'warm-stagger', 'hg-dagger'])
export type Algo = z.infer<typeof Algo>
export const OracleKind = z.enum(['expert', 'human'])
export type OracleKind = z.infer<typeof OracleKind>
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
 * The version of each algorithm this code runs, part of a session's configuration: a change of what an algorithm
 * does with the same configuration bumps it, so sessions run the old way are never reused, resumed or queued as
 * the new way's (they still display and export). Sessions stored before the stamp are version 1.
 * dagger 2: the learner drives from round one (beta_i = 0), a staircase of short rounds (was beta_1 = 1).
 * warm-stagger 2: no extra fit at the switch to queries (it had 500 Adam steps no other algorithm got).
 */
export const ALGO_VERSIONS: Readonly<Record<Algo, number>> = {
  bc: 1,
  dagger: 2,
  stagger: 1,
  'warm-stagger': 2,
  'hg-dagger': 1,
}
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
  daggerStates: 1_000,
  /** a fall angle in radians (beyond a half turn the torso or the pole is upside down) */
  fallAngle: { min: 0.01, max: 3.2 },
} as const

/**
 * Tasks whose fall angle is a session parameter: the planar walkers' healthy torso angle (Gymnasium v5) and the
 * cart-pole's tip-over angle. Past it the episode ends (an absorbing failure).
 */
export const FALL_ANGLE_TASKS: readonly string[] = ['hopper', 'walker2d', 'cartpole']

/** WARM-STAGGER's offline share when none is given (the authors' largest, 1/2). */
export const DEFAULT_WARM_FRACTION = 0.5

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
      operator: z.string().min(1).max(100).nullable().default(null),
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
  /** WARM-STAGGER: the fraction of the budget spent on offline labels first; null for the other algorithms */
  warmFraction: z.number().min(0).max(1).nullable().default(null),
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
  /** DAgger: label m states drawn uniformly from each rollout instead of all of them; null: every visited state */
  daggerStates: z.number().int().min(1).max(SESSION_LIMITS.daggerStates).nullable().default(null),
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
  .transform((c) => ({
    ...c,
    warmFraction: c.algo === 'warm-stagger' ? (c.warmFraction ?? DEFAULT_WARM_FRACTION) : null,
    algoVersion: c.algoVersion ?? ALGO_VERSIONS[c.algo],
  }))
  .superRefine((c, ctx) => {
    if (c.algoVersion !== ALGO_VERSIONS[c.algo])
      ctx.addIssue({
        code: 'custom',
        path: ['algoVersion'],
        message: `this workbench runs ${c.algo} version ${ALGO_VERSIONS[c.algo]}, not ${c.algoVersion} (older sessions are shown and exported, not run)`,
      })
  })
  .refine((c) => c.budget / c.costRatio <= SESSION_LIMITS.queries, {
    message: `budget / cost ratio may imply at most ${SESSION_LIMITS.queries} queries`,
    path: ['costRatio'],
  })
  .refine((c) => c.offline.kind === 'expert' || c.algo === 'bc' || c.algo === 'warm-stagger', {
    message: 'only bc and warm-stagger take offline labels from demonstrations',
    path: ['offline'],
  })
  .refine((c) => c.offline.kind === 'expert' || c.offline.episodes === null || c.offline.operator === null, {
    message: 'name either the episodes or an operator, not both',
    path: ['offline'],
  })
  .refine((c) => c.daggerStates === null || c.algo === 'dagger', {
    message: 'only dagger takes random states per rollout',
    path: ['daggerStates'],
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
        : a[k] === b[k],
  )
}

/** The part of the budget a session spends on offline labels: all of it for BC, the warm fraction for WARM-STAGGER. */
export function offlineShare(c: Pick<SessionConfig, 'algo' | 'budget' | 'warmFraction'>): number {
  if (c.algo === 'bc') return c.budget
  if (c.algo === 'warm-stagger') return Math.floor((c.warmFraction ?? DEFAULT_WARM_FRACTION) * c.budget)
  return 0
}

/** What a budget buys: offline labels (cost 1) and then queries (cost C each) with the rest. */
export function budgetSplit(c: Pick<SessionConfig, 'algo' | 'budget' | 'warmFraction' | 'costRatio'>): {
  offline: number
  queries: number
} {
  const offline = offlineShare(c)
  // Costs are sums of C's: allow for their rounding, as the runner does.
  return { offline, queries: c.algo === 'bc' ? 0 : Math.floor((c.budget - offline) / c.costRatio + 1e-9) }
}

/** 'bc', 'stagger', 'warm-stagger:0.25', 'dagger:m=10', ... */
export function algoLabel(c: Pick<SessionConfig, 'algo' | 'warmFraction'> & { daggerStates?: number | null }): string {
  if (c.algo === 'dagger' && c.daggerStates != null) return `dagger:m=${c.daggerStates}`
  return c.algo === 'warm-stagger' ? `warm-stagger:${c.warmFraction ?? DEFAULT_WARM_FRACTION}` : c.algo
}

/**
 * The id the simulator builds a session's environment from: the task, with its variant's parameters when the
 * session names any ('hopper@fall=0.1'; src/main/sim/registry.ts reads it back).
 */
export function envTaskId(c: Pick<SessionConfig, 'taskId' | 'fallAngle'>): string {
  return c.fallAngle === null ? c.taskId : `${c.taskId}@fall=${c.fallAngle}`
}

/** "warm-stagger:0.25" -> { algo, warmFraction }, "dagger:m=10" -> { algo, daggerStates }; one-line error otherwise. */
export function parseAlgoLabel(text: string): { algo: Algo; warmFraction: number | null; daggerStates?: number } {
  const [name, frac, ...rest] = text.split(':')
  const algo = Algo.safeParse(name)
  if (!algo.success || rest.length)
    throw new RangeError(
      `unknown algorithm '${text}' (bc, dagger[:m=STATES], stagger, warm-stagger[:fraction], hg-dagger)`,
    )
  if (algo.data === 'dagger' && frac !== undefined) {
    const m = /^m=(\d+)$/.exec(frac)
    const n = m ? Number(m[1]) : NaN
    if (!(n >= 1 && n <= SESSION_LIMITS.daggerStates))
      throw new RangeError(`dagger takes m=STATES with 1..${SESSION_LIMITS.daggerStates} states, got '${frac}'`)
    return { algo: 'dagger', warmFraction: null, daggerStates: n }
  }
  if (algo.data !== 'warm-stagger') {
    if (frac !== undefined) throw new RangeError(`only warm-stagger takes a fraction, got '${text}'`)
    return { algo: algo.data, warmFraction: null }
  }
  if (frac === undefined) return { algo: 'warm-stagger', warmFraction: DEFAULT_WARM_FRACTION }
  const f = Number(frac)
  if (frac.trim() === '' || !(f >= 0 && f <= 1))
    throw new RangeError(`warm-stagger fraction must be in [0, 1], got '${frac}'`)
  return { algo: 'warm-stagger', warmFraction: f }
}
