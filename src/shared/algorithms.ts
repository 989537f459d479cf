// The algorithms a session runs, one descriptor each, the way policy-config.ts lists the policy classes: id,
// version, names and help, the parameters it takes (zod, with defaults and bounds, each kept in a field of the
// session configuration and so in a column of the store), whether it takes offline labels and whether it asks an
// oracle, which together split its budget, and how many learners it trains. The session configuration
// (session-config.ts), the CLI's --algo flags and the page's list read it. What an algorithm does lives in
// src/main/learn/algorithms/<id>, built through src/main/learn/algorithms/registry.ts: a new algorithm is its
// folder, one descriptor here and one line there.
import { z } from 'zod'

/** Bounds on the algorithms' parameters (a horizon is at most 1000 steps). */
export const ALGO_LIMITS = {
  /** DAgger's random states per rollout */
  daggerStates: 1_000,
} as const

/** The fields of the session configuration (and columns of the store) that hold the algorithms' parameters. */
export const ALGO_PARAM_FIELDS = ['warmFraction', 'daggerStates'] as const
export type AlgoParamField = (typeof ALGO_PARAM_FIELDS)[number]
/** A configuration's algorithm parameters, null where unset. */
export type AlgoParamValues = Record<AlgoParamField, number | null>

/** WARM-STAGGER's offline share of the budget: any fraction. */
export const WarmFraction = z.number().min(0).max(1)
/** DAgger's random states per rollout. */
export const DaggerStates = z.number().int().min(1).max(ALGO_LIMITS.daggerStates)

/** WARM-STAGGER's offline share when none is given (the authors' largest, 1/2). */
export const DEFAULT_WARM_FRACTION = 0.5

export interface AlgorithmParam {
  /** its values with their bounds, and the default a configuration that leaves it out gets (null: unset) */
  schema: z.ZodType<number | null, number | null | undefined>
  /**
   * how an algorithm's label writes it after a colon: `${tag}=VALUE` ('dagger:m=10'), or the value alone when null
   * ('warm-stagger:0.25')
   */
  tag: string | null
  /** the value in usage texts: 'STATES', 'fraction in 0..1' */
  usage: string
  /** what it is, for one-line errors: 'random states per rollout' */
  what: string
  /**
   * A configuration of another algorithm that sets it: 'dropped' stores null instead (the warm fraction, which
   * configurations long carried whatever their algorithm), 'refused' is a one-line error.
   */
  elsewhere: 'dropped' | 'refused'
}

export interface AlgorithmDescriptor {
  id: string
  /**
   * The version of the algorithm this code runs, part of a session's configuration: a change of what it does with
   * the same configuration bumps it, so sessions run the old way are never reused, resumed or queued as the new
   * way's (they still display and export). Sessions stored before the stamp are version 1.
   */
  version: number
  /** its name in texts: 'WARM-STAGGER' */
  name: string
  /** its entry in the page's list */
  label: string
  /** what it does, in one or two sentences (the page shows it under the list) */
  help: string
  /** where the page starts its sessions: the Sessions view's list, or the Takeover view (a person's takeovers) */
  startedFrom: 'sessions' | 'takeover'
  /** its parameters, by the configuration field that holds each; absent: none */
  params?: Partial<Record<AlgoParamField, AlgorithmParam>>
  /**
   * The part of the budget it spends on offline labels (cost 1 each: the simulated expert's states or recorded
   * demonstrations) before it asks anything; null: it takes no offline labels.
   */
  offline: ((c: { budget: number } & AlgoParamValues) => number) | null
  /**
   * It asks an oracle (queries, or a person's takeovers): the budget left after its offline share buys
   * interactive labels at the cost ratio each. false: it asks nothing, so on recorded demonstrations it needs no
   * expert at all.
   */
  oracle: boolean
  /**
   * How many learners it trains side by side (an ensemble when more than 1); absent: 1. The session runner trains
   * one trainer, checkpoints its state and evaluates and stores its policy; it refuses, in one line before anything
   * runs, an algorithm that asks for more, rather than run it with one (algoLearners).
   */
  learners?: number
}

const REGISTRY = [
  {
    id: 'bc',
    version: 1,
    name: 'BC',
    label: 'BC (offline labels)',
    help: "Behaviour cloning: learns only from offline states (the expert's or your demonstrations), 1 each.",
    startedFrom: 'sessions',
    offline: (c) => c.budget,
    oracle: false,
  },
  {
    id: 'dagger',
    // 2: the learner drives from round one (beta_i = 0), a staircase of short rounds (was beta_1 = 1)
    version: 2,
    name: 'DAgger',
    label: 'DAgger',
    help: 'Runs the learner for whole episodes and asks the oracle about every state it visits (C each).',
    startedFrom: 'sessions',
    params: {
      // label m states drawn uniformly from each rollout instead of all of them; null: every visited state
      daggerStates: {
        schema: DaggerStates.nullable().default(null),
        tag: 'm',
        usage: 'STATES',
        what: 'random states per rollout',
        elsewhere: 'refused',
      },
    },
    offline: null,
    oracle: true,
  },
  {
    id: 'stagger',
    version: 1,
    name: 'STAGGER',
    label: 'STAGGER',
    help: 'Runs the learner and asks the oracle about one random state per episode (C each), then updates.',
    startedFrom: 'sessions',
    offline: null,
    oracle: true,
  },
  {
    id: 'warm-stagger',
    // 2: no extra fit at the switch to queries (it had 500 Adam steps no other algorithm got)
    version: 2,
    name: 'WARM-STAGGER',
    label: 'WARM-STAGGER',
    help: 'Spends a fraction of the budget on offline states first, fits BC on them, then continues as STAGGER.',
    startedFrom: 'sessions',
    params: {
      // the fraction of the budget spent on offline labels first
      warmFraction: {
        schema: WarmFraction.default(DEFAULT_WARM_FRACTION),
        tag: null,
        usage: 'fraction in 0..1',
        what: 'a fraction',
        elsewhere: 'dropped',
      },
    },
    offline: (c) => Math.floor((c.warmFraction ?? DEFAULT_WARM_FRACTION) * c.budget),
    oracle: true,
  },
  {
    id: 'hg-dagger',
    version: 1,
    name: 'HG-DAgger',
    label: 'HG-DAgger (takeovers)',
    help:
      'The learner drives whole episodes; the person takes over while holding a button, and each step they drive ' +
      'is a label (C each).',
    startedFrom: 'takeover',
    offline: null,
    oracle: true,
  },
] as const satisfies readonly AlgorithmDescriptor[]

/** An algorithm's id (session-config.ts's Algo is its schema). */
export type AlgoId = (typeof REGISTRY)[number]['id']
/** The registry: one descriptor per algorithm, in the order lists show them. */
export const ALGORITHMS: readonly (AlgorithmDescriptor & { id: AlgoId })[] = REGISTRY
export const ALGO_IDS = ALGORITHMS.map((a) => a.id) as [AlgoId, ...AlgoId[]]

/** The descriptor of an algorithm; throws a one-line error naming the known ones. */
export function algorithm(id: string): AlgorithmDescriptor & { id: AlgoId } {
  const a = ALGORITHMS.find((x) => x.id === id)
  if (!a) throw new RangeError(`unknown algorithm '${id}' (${ALGO_IDS.join(', ')})`)
  return a
}

/** 'a', 'a and b', 'a, b and c' */
export function listText(items: readonly string[], last = 'and'): string {
  return items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} ${last} ${items[items.length - 1]}`
}

/** The algorithms that take offline labels: 'bc', 'warm-stagger'. */
export const OFFLINE_ALGOS: readonly AlgoId[] = ALGORITHMS.filter((a) => a.offline !== null).map((a) => a.id)

/** An algorithm's parameters as [field, param] pairs, in the descriptor's order. */
export function algoParams(a: AlgorithmDescriptor): [AlgoParamField, AlgorithmParam][] {
  return Object.entries(a.params ?? {}) as [AlgoParamField, AlgorithmParam][]
}

/** An algorithm and its parameters as a label takes them, for usage texts: 'dagger[:m=STATES]', 'stagger' */
export function algoUsage(a: AlgorithmDescriptor): string {
  return (
    a.id +
    algoParams(a)
      .map(([, p]) => `[:${p.tag === null ? '' : `${p.tag}=`}${p.usage}]`)
      .join('')
  )
}

/** How many learners an algorithm trains (its descriptor's learners, 1 when absent). */
export function algoLearners(a: AlgorithmDescriptor): number {
  return a.learners ?? 1
}

/** A param's default (null: unset). */
export function paramDefault(p: AlgorithmParam): number | null {
  return p.schema.parse(undefined)
}

/** The algorithm and the parameters an algorithm's label gives (the rest take the configuration's defaults). */
export interface AlgoChoice {
  algo: AlgoId
  warmFraction: number | null
  daggerStates?: number
}

/** A param as a label writes it: 'm=10', '0.25'. */
const paramText = (p: AlgorithmParam, value: string | number): string =>
  p.tag === null ? String(value) : `${p.tag}=${value}`

/**
 * "warm-stagger:0.25" -> { algo, warmFraction }, "dagger:m=10" -> { algo, daggerStates }: the registry's
 * algorithms, each parameter after a colon; one-line error otherwise. A parameter left out takes its default when
 * that is not null (warm-stagger: 0.5).
 */
export function parseAlgoLabel(text: string): AlgoChoice {
  const [name, ...given] = text.split(':')
  const a = ALGORITHMS.find((x) => x.id === name)
  if (!a) throw new RangeError(`unknown algorithm '${text}' (${ALGORITHMS.map(algoUsage).join(', ')})`)
  const params = algoParams(a)
  const out: AlgoChoice = { algo: a.id, warmFraction: null }
  const seen = new Set<AlgoParamField>()
  for (const g of given) {
    const eq = g.indexOf('=')
    const tag = eq < 0 ? null : g.slice(0, eq)
    const entry = params.find(([field, p]) => p.tag === tag && !seen.has(field))
    if (!entry)
      throw new RangeError(
        params.length
          ? `${a.id} takes ${listText(
              params.map(([, p]) => paramText(p, p.usage)),
              'or',
            )} after a colon, got '${text}'`
          : `${a.id} takes no parameters, got '${text}'`,
      )
    const [field, p] = entry
    seen.add(field)
    const raw = eq < 0 ? g : g.slice(eq + 1)
    const v = p.schema.safeParse(raw.trim() === '' ? NaN : Number(raw))
    if (!v.success || v.data === null)
      throw new RangeError(
        `${a.id} takes ${paramText(p, p.usage)} (${p.what})` +
          `${v.success ? '' : `: ${v.error.issues[0].message}`}, got '${g}'`,
      )
    out[field] = v.data
  }
  for (const [field, p] of params) {
    const d = seen.has(field) ? null : paramDefault(p)
    if (d !== null) out[field] = d
  }
  return out
}

/** 'bc', 'stagger', 'warm-stagger:0.25', 'dagger:m=10', ...: the algorithm and the parameters it has set. */
export function algoLabel(c: { algo: AlgoId } & Partial<AlgoParamValues>): string {
  const a = algorithm(c.algo)
  return (
    a.id +
    algoParams(a)
      .map(([field, p]) => {
        const v = c[field] ?? paramDefault(p)
        return v === null ? '' : `:${paramText(p, v)}`
      })
      .join('')
  )
}

/** The part of the budget a session spends on offline labels: all of it for BC, the warm fraction for WARM-STAGGER. */
export function offlineShare(c: { algo: AlgoId; budget: number } & Partial<AlgoParamValues>): number {
  const share = algorithm(c.algo).offline
  return share
    ? share({ budget: c.budget, warmFraction: c.warmFraction ?? null, daggerStates: c.daggerStates ?? null })
    : 0
}

/** What a budget buys: offline labels (cost 1), then, for an algorithm that asks, queries (C each) with the rest. */
export function budgetSplit(c: { algo: AlgoId; budget: number; costRatio: number } & Partial<AlgoParamValues>): {
  offline: number
  queries: number
} {
  const offline = offlineShare(c)
  // Costs are sums of C's: allow for their rounding, as the runner does.
  return {
    offline,
    queries: algorithm(c.algo).oracle ? Math.floor((c.budget - offline) / c.costRatio + 1e-9) : 0,
  }
}

/**
 * A configuration's algorithm parameters as it stores them: each of its algorithm's set or defaulted, any other
 * algorithm's dropped (null) or kept for refusedParams to refuse, as its descriptor says.
 */
export function algoParamValues(c: { algo: AlgoId } & AlgoParamValues): AlgoParamValues {
  const params = algorithm(c.algo).params ?? {}
  const out = {} as AlgoParamValues
  for (const field of ALGO_PARAM_FIELDS) {
    const p = params[field]
    if (p) out[field] = c[field] ?? paramDefault(p)
    else
      out[field] = ALGORITHMS.some((a) => algoParams(a).some(([f, q]) => f === field && q.elsewhere === 'dropped'))
        ? null
        : c[field]
  }
  return out
}

/** The parameters set in a configuration whose algorithm does not take them: [field, one-line message] each. */
export function refusedParams(c: { algo: AlgoId } & AlgoParamValues): [AlgoParamField, string][] {
  const params = algorithm(c.algo).params ?? {}
  return ALGO_PARAM_FIELDS.filter((f) => c[f] !== null && !params[f]).map((f) => {
    const owners = ALGORITHMS.filter((a) => a.params?.[f])
    const what = owners.map((a) => a.params![f]!.what)[0] ?? f
    return [f, `only ${listText(owners.map((a) => a.id))} ${owners.length === 1 ? 'takes' : 'take'} ${what}`]
  })
}
