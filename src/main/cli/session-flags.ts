// The flags that describe a session's configuration, shared by `iwb run` and `iwb compare`: read by the CLI's one
// flag parser (args.ts) with the bounds of the one SessionConfig schema (src/shared/session-config.ts), so the CLI
// accepts exactly what the page and the store accept, with the same defaults.
import { z } from 'zod'
import {
  parseAlgoLabel,
  parseOfflineLabel,
  SESSION_LIMITS,
  SessionConfig,
  type Loss,
  type Schedule,
  type SessionConfigInput,
  type Standardise,
} from '../../shared/session-config'
import { POLICY_CLASSES, parsePolicyFlags, type PolicyChoice } from '../../shared/policy-config'
import { ALGORITHMS, algoParamsJson, algoUsage, listText } from '../../shared/algorithms'
import { flag } from './args'
import { oracleFromFlag } from './person-flag'
import { UsageError } from './command'

export const SESSION_OPTIONS = {
  task: { type: 'string' },
  budget: { type: 'string' },
  'cost-ratio': { type: 'string' },
  schedule: { type: 'string' },
  loss: { type: 'string' },
  standardise: { type: 'string' },
  epochs: { type: 'string' },
  'eval-every': { type: 'string' },
  'eval-episodes': { type: 'string' },
  offline: { type: 'string' },
  operator: { type: 'string' },
  policy: { type: 'string' },
  'policy-params': { type: 'string' },
  oracle: { type: 'string' },
  'algo-params': { type: 'string' },
  db: { type: 'string' },
  json: { type: 'boolean' },
} as const

export const SESSION_SCHEMA = {
  task: flag.task(),
  budget: flag.int(1, SESSION_LIMITS.budget).optional(),
  'cost-ratio': flag.number(SESSION_LIMITS.costRatio.min, SESSION_LIMITS.costRatio.max).optional(),
  schedule: flag.oneOf(['incremental', 'scratch'] as const satisfies readonly Schedule[]).optional(),
  loss: flag.oneOf(['nll', 'mse'] as const satisfies readonly Loss[]).optional(),
  /** 'data' or 'expert': the learner's observation statistics */
  standardise: flag.oneOf(['data', 'expert'] as const satisfies readonly Standardise[]).optional(),
  epochs: flag.int(1, SESSION_LIMITS.epochs).optional(),
  'eval-every': flag.int(1, SESSION_LIMITS.evalEvery).optional(),
  'eval-episodes': flag.int(1, SESSION_LIMITS.evalEpisodes).optional(),
  /** 'expert' or 'demos[:ID,ID,...]': where the offline labels of the algorithms that take them come from */
  offline: flag.text().optional(),
  operator: flag.operator().optional(),
  /** the learner's class (shared/policy-config.ts) and its parameters as JSON */
  policy: flag.oneOf(POLICY_CLASSES.map((c) => c.id) as [string, ...string[]]).optional(),
  'policy-params': flag.text().optional(),
  /** who answers: 'expert' (default) or a simulated person, person:k=v,... or person:FILE (cli/person-flag.ts) */
  oracle: flag.text().optional(),
  /** the algorithm's parameters as JSON (its descriptor's schema, shared/algorithms.ts), beside those of --algo's label */
  'algo-params': flag.text().optional(),
  db: flag.text().optional(),
  json: z.boolean().default(false),
}

/** The algorithms as a flag takes them: 'bc, dagger[:m=STATES], stagger, ... or hg-dagger' */
export const ALGO_FLAG_TEXT = listText(ALGORITHMS.map(algoUsage), 'or')

/** 'bc', 'stagger', 'warm-stagger:0.25', ... as a flag value (the registry's algorithms, shared/algorithms.ts) */
export const algoFlag = () =>
  flag.parsed(parseAlgoLabel, ALGO_FLAG_TEXT, (text) => ALGORITHMS.some((a) => a.id === text.split(':')[0]))

type SessionValues = z.output<z.ZodObject<typeof SESSION_SCHEMA>>

/** `--policy ID [--policy-params JSON]` as a choice (undefined without --policy); one line on a bad value. */
export function policyFromFlags(v: Pick<SessionValues, 'policy' | 'policy-params'>): PolicyChoice | undefined {
  if (v['policy-params'] !== undefined && v.policy === undefined) throw new UsageError('--policy-params needs --policy')
  if (v.policy === undefined) return undefined
  try {
    return parsePolicyFlags(v.policy, v['policy-params'])
  } catch (e) {
    throw new UsageError(`--policy-params: ${(e as Error).message}`)
  }
}

/** The full config from the flags plus the algorithm and seed each command sets; one line on a bad combination. */
export function configFromFlags(
  v: SessionValues,
  rest: Pick<SessionConfigInput, 'algo' | 'algoParams' | 'seed' | 'fallAngle'>,
): SessionConfig {
  let algoParams = rest.algoParams
  if (v['algo-params'] !== undefined) {
    let extra: Record<string, unknown>
    try {
      extra = algoParamsJson(v['algo-params'])
    } catch (e) {
      throw new UsageError((e as Error).message)
    }
    // the label's parameters came with every default filled: --algo-params overrides those it names
    algoParams = { ...algoParams, ...extra }
  }
  let offline: SessionConfigInput['offline']
  if (v.offline !== undefined || v.operator !== undefined) {
    if (v.operator !== undefined && (v.offline ?? 'expert').split(':')[0] !== 'demos')
      throw new UsageError('--operator needs --offline demos')
    try {
      offline = parseOfflineLabel(v.offline ?? 'demos', v.operator ?? null)
    } catch (e) {
      throw new UsageError(`--offline ${(e as Error).message}, got '${v.offline}'`)
    }
  }
  const policy = policyFromFlags(v)
  const oracle = v.oracle === undefined ? undefined : oracleFromFlag(v.oracle)
  const input: SessionConfigInput = {
    offline,
    policy,
    oracle,
    taskId: v.task,
    budget: v.budget,
    costRatio: v['cost-ratio'],
    schedule: v.schedule,
    loss: v.loss,
    standardise: v.standardise,
    epochs: v.epochs,
    evalEvery: v['eval-every'],
    evalEpisodes: v['eval-episodes'],
    ...rest,
    algoParams,
  }
  const r = SessionConfig.safeParse(Object.fromEntries(Object.entries(input).filter(([, x]) => x !== undefined)))
  if (r.success) return r.data
  // The rules the flags' own bounds do not cover: how many queries the budget implies, which algorithms take demos.
  const issue = r.error.issues[0]
  if (issue.path[0] === 'offline') throw new UsageError(`--offline: ${issue.message}`)
  if (issue.path[0] === 'algoParams') throw new UsageError(`--algo / --algo-params: ${issue.message}`)
  throw new UsageError(`--budget / --cost-ratio: ${issue.message}`)
}
