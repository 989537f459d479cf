// The algorithms a session runs, one descriptor each, the way policy-config.ts lists the policy classes: id,
// version, names and help, the parameters it takes (a zod object with defaults and bounds, kept as validated JSON in
// the session configuration's algoParams and the store's algo_params column), whether it takes offline labels and whether it asks an
// oracle, which together split its budget, and how many learners it trains. The session configuration
// (session-config.ts), the CLI's --algo flags and the page's list read it. What an algorithm does lives in
// src/main/learn/algorithms/<id>, built through src/main/learn/algorithms/registry.ts: a new algorithm is its
// folder, one descriptor here and one line there.
import { z } from 'zod'

/** Bounds on the algorithms' parameters (a horizon is at most 1000 steps). */
export const ALGO_LIMITS = {
  /** DAgger's random states per rollout */
  daggerStates: 1_000,
  /** learners an ensemble trains side by side (each is a whole trainer: its time and memory) */
  ensemble: { min: 2, max: 10 },
  /** the canonical JSON of an algorithm's parameters */
  paramsChars: 2_000,
} as const

/** WARM-STAGGER's offline share of the budget: any fraction. */
export const WarmFraction = z.number().min(0).max(1)
/** DAgger's random states per rollout. */
export const DaggerStates = z.number().int().min(1).max(ALGO_LIMITS.daggerStates)

/** WARM-STAGGER's offline share when none is given (the authors' largest, 1/2). */
export const DEFAULT_WARM_FRACTION = 0.5

/** DAgger's parameters: m random states of each rollout labelled; null: every visited state (the published DAgger). */
export const DaggerParams = z.object({ states: DaggerStates.nullable().default(null) }).strict()
/** WARM-STAGGER's parameters: the fraction of the budget spent on offline labels first. */
export const WarmStaggerParams = z.object({ fraction: WarmFraction.default(DEFAULT_WARM_FRACTION) }).strict()
/**
 * HG-DAgger's: 'none' learns from the takeover steps alone (HG-DAgger); 'iwr' also learns from the learner's own
 * steps (stored either way, cost 0) and weights them (intervention-weighted regression,
 * learn/algorithms/hg-dagger/iwr.ts): takeover steps up, the steps just before a takeover down.
 */
export const HgDaggerParams = z
  .object({
    weighting: z.enum(['none', 'iwr']).default('none'),
    /** IWR: the learner's steps this many before a takeover count as the ones that led to it (Sirius: a few) */
    before: z.number().int().min(1).max(100).default(10),
  })
  .strict()

/** An ensemble's size: the learners trained side by side, each from its own initial weights. */
const Members = z.number().int().min(ALGO_LIMITS.ensemble.min).max(ALGO_LIMITS.ensemble.max).default(5)
/** A distance between actions, as the root mean square over dimensions of a fraction of each one's range. */
const ActionFraction = z.number().min(0).max(2)

/**
 * EnsembleDAgger's (Menda et al. 2018): the first learner drives while the ensemble's doubt (the spread of its
 * actions) is at most `spread`; above it the learner asks, and the answer drives while it is farther than `safety`
 * from the learner's action (the method's test against the safe action, made where the safe action is known).
 */
export const EnsembleDaggerParams = z
  .object({
    members: Members,
    spread: ActionFraction.default(0.02),
    safety: ActionFraction.default(0.1),
  })
  .strict()
export type EnsembleDaggerParams = z.output<typeof EnsembleDaggerParams>

/**
 * ThriftyDAgger's (Hoque et al. 2021): ask when novelty (the ensemble's spread) or risk (a critic of reaching
 * failure) passes its threshold; both thresholds are set from the learner's own recent steps so that about
 * `switchRate` of the steps it drives would turn to the person (a target rate of context switches). `gamma`
 * discounts the steps to a failure in the critic's targets.
 */
export const ThriftyDaggerParams = z
  .object({
    members: Members,
    switchRate: z.number().min(0.001).max(0.5).default(0.05),
    gamma: z.number().min(0.5).max(0.999).default(0.9),
    /** the person hands back when the learner's action is this close to theirs (and novelty and risk are low) */
    handBack: ActionFraction.default(0.1),
  })
  .strict()
export type ThriftyDaggerParams = z.output<typeof ThriftyDaggerParams>

/** How a label after a colon writes a parameter ('dagger:m=10', 'warm-stagger:0.25', 'hg-dagger:weighting=iwr'). */
export interface ParamText {
  /** `${tag}=VALUE`, or the value alone when null; absent: the parameter's own key */
  tag?: string | null
  /** the value in usage texts: 'STATES', 'fraction in 0..1' */
  usage: string
  /** what it is, for one-line errors: 'random states per rollout' */
  what: string
  /** written even at its default (the warm fraction always was) */
  always?: boolean
}

/** An algorithm's parameters as a configuration holds them: JSON, every key of its schema with its default filled. */
export type AlgoParams = Readonly<Record<string, unknown>>

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
  /**
   * The robot asks for help: with a person in the page it asks them to take over in the Takeover view (a sound and
   * a banner), and the steps they hold are its labels, instead of frozen queries (ThriftyDAgger, EnsembleDAgger)
   */
  asksTakeover?: boolean
  /** its parameters: a strict object schema with every default and bound; absent: none */
  params?: z.ZodType<Record<string, unknown>>
  /** how labels write those parameters that have a short form, by key (the others are given as JSON) */
  paramTexts?: Readonly<Record<string, ParamText>>
  /**
   * The part of the budget it spends on offline labels (cost 1 each: the simulated expert's states or recorded
   * demonstrations) before it asks anything; null: it takes no offline labels.
   */
  offline: ((c: { budget: number; algoParams: AlgoParams }) => number) | null
  /**
   * It asks an oracle (queries, or a person's takeovers): the budget left after its offline share buys
   * interactive labels at the cost ratio each. false: it asks nothing, so on recorded demonstrations it needs no
   * expert at all.
   */
  oracle: boolean
  /**
   * How many learners it trains side by side (an ensemble when more than 1), from its parameters; absent: 1. The
   * first learner is the session's policy (it drives, is evaluated and stored); the others measure doubt.
   */
  learners?: (params: AlgoParams) => number
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
    params: DaggerParams,
    paramTexts: { states: { tag: 'm', usage: 'STATES', what: 'random states per rollout' } },
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
    params: WarmStaggerParams,
    paramTexts: { fraction: { tag: null, usage: 'fraction in 0..1', what: 'a fraction', always: true } },
    offline: (c) => Math.floor(WarmStaggerParams.parse(c.algoParams).fraction * c.budget),
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
    params: HgDaggerParams,
    paramTexts: {
      weighting: { usage: 'none|iwr', what: 'how the labels are weighted' },
      before: { usage: 'STEPS', what: 'steps before a takeover weighted down' },
    },
    offline: null,
    oracle: true,
  },
  {
    id: 'ensemble-dagger',
    version: 1,
    name: 'EnsembleDAgger',
    label: 'EnsembleDAgger (the robot asks)',
    help:
      'An ensemble of learners; the first drives and asks the oracle (C each) where their actions spread, and ' +
      'lets the answer drive while it is far from its own action.',
    startedFrom: 'sessions',
    params: EnsembleDaggerParams,
    paramTexts: {
      members: { usage: 'LEARNERS', what: 'learners in the ensemble' },
      spread: { usage: 'FRACTION', what: 'the spread above which it asks' },
      safety: { usage: 'FRACTION', what: 'the distance from the answer above which the answer drives' },
    },
    offline: null,
    oracle: true,
    asksTakeover: true,
    learners: (p) => EnsembleDaggerParams.parse(p).members,
  },
  {
    id: 'thrifty-dagger',
    version: 1,
    name: 'ThriftyDAgger',
    label: 'ThriftyDAgger (the robot asks)',
    help:
      'An ensemble of learners and a critic of reaching failure; the robot asks (C each) where the spread or the ' +
      'risk is high, with thresholds set from a target rate of context switches.',
    startedFrom: 'sessions',
    params: ThriftyDaggerParams,
    paramTexts: {
      members: { usage: 'LEARNERS', what: 'learners in the ensemble' },
      switchRate: { usage: 'RATE', what: 'the target share of steps that turn to the person' },
      gamma: { usage: 'DISCOUNT', what: "the critic's discount" },
      handBack: { usage: 'FRACTION', what: 'the distance under which the person hands back' },
    },
    offline: null,
    oracle: true,
    asksTakeover: true,
    learners: (p) => ThriftyDaggerParams.parse(p).members,
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

/** The algorithms a person runs in the Takeover view: takeovers (HG-DAgger) and the robot asking for them. */
export const TAKEOVER_ALGOS: readonly AlgoId[] = ALGORITHMS.filter(
  (a) => a.startedFrom === 'takeover' || ('asksTakeover' in a && a.asksTakeover),
).map((a) => a.id)

/** The algorithms that take offline labels: 'bc', 'warm-stagger'. */
export const OFFLINE_ALGOS: readonly AlgoId[] = ALGORITHMS.filter((a) => a.offline !== null).map((a) => a.id)

/** An algorithm's parameter schema (a strict empty object when it takes none). */
export function paramsSchema(a: AlgorithmDescriptor): z.ZodType<Record<string, unknown>> {
  return a.params ?? NO_PARAMS
}
const NO_PARAMS = z.object({}).strict()

/** The keys of an algorithm's parameters with their label texts, in the schema's order. */
function paramEntries(a: AlgorithmDescriptor): [string, ParamText & { tag: string | null }][] {
  const schema = paramsSchema(a)
  const keys = schema instanceof z.ZodObject ? Object.keys(schema.shape) : []
  return keys.map((k) => {
    const t = a.paramTexts?.[k] ?? { usage: 'VALUE', what: k }
    return [k, { ...t, tag: t.tag === undefined ? k : t.tag }]
  })
}

/** An algorithm and its parameters as a label takes them, for usage texts: 'dagger[:m=STATES]', 'stagger' */
export function algoUsage(a: AlgorithmDescriptor): string {
  return (
    a.id +
    paramEntries(a)
      .map(([, p]) => `[:${p.tag === null ? '' : `${p.tag}=`}${p.usage}]`)
      .join('')
  )
}

/** How many learners an algorithm trains with these parameters (1 unless its descriptor says). */
export function algoLearners(a: AlgorithmDescriptor, params: AlgoParams = defaultAlgoParams(a)): number {
  return a.learners?.(params) ?? 1
}

/** An algorithm's parameters with every default filled. */
export function defaultAlgoParams(a: AlgorithmDescriptor): Record<string, unknown> {
  return paramsSchema(a).parse({})
}

/** Canonical text of parameters (keys sorted): the store's column and the equality of configurations. */
export function algoParamsKey(p: AlgoParams): string {
  return JSON.stringify(
    Object.fromEntries(
      Object.keys(p)
        .sort()
        .map((k) => [k, p[k]]),
    ),
  )
}

/**
 * An algorithm's parameters checked with its schema and every default filled; a one-line error naming the
 * parameter otherwise: "dagger: states: Too small: expected number to be >=1", "stagger takes no parameters".
 */
export function parseAlgoParams(id: string, input: unknown): Record<string, unknown> {
  const a = algorithm(id)
  const r = paramsSchema(a).safeParse(input ?? {})
  if (!r.success) {
    const issue = r.error.issues[0]
    if (!a.params && issue.code === 'unrecognized_keys') throw new RangeError(`${a.id} takes no parameters`)
    throw new RangeError(`${a.id}: ${issue.path.join('.') || 'params'}: ${issue.message}`)
  }
  if (algoParamsKey(r.data).length > ALGO_LIMITS.paramsChars)
    throw new RangeError(`${a.id}: params: at most ${ALGO_LIMITS.paramsChars} characters of JSON`)
  return r.data
}

/** `--algo-params JSON` as an object; a one-line error when it is not a JSON object. */
export function algoParamsJson(text: string): Record<string, unknown> {
  let v: unknown
  try {
    v = JSON.parse(text)
  } catch {
    throw new RangeError(`--algo-params is not JSON: '${text.slice(0, 80)}'`)
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v))
    throw new RangeError(`--algo-params takes a JSON object, got '${text.slice(0, 80)}'`)
  return v as Record<string, unknown>
}

/** The algorithm and the parameters an algorithm's label gives, every default filled. */
export interface AlgoChoice {
  algo: AlgoId
  algoParams: Record<string, unknown>
}

/** A param as a label writes it: 'm=10', '0.25'. */
const paramText = (p: { tag: string | null }, value: unknown): string =>
  p.tag === null ? String(value) : `${p.tag}=${String(value)}`

/** A label's value: a number where it reads as one, else the word ('iwr'). */
function labelValue(raw: string): unknown {
  const t = raw.trim()
  if (t === '') return NaN
  const n = Number(t)
  return Number.isNaN(n) ? t : n
}

/**
 * "warm-stagger:0.25", "dagger:m=10", "hg-dagger:weighting=iwr" -> { algo, algoParams }: the registry's
 * algorithms, each parameter after a colon (`extra`: more parameters as JSON, --algo-params); one-line error
 * otherwise. A parameter left out takes its default.
 */
export function parseAlgoLabel(text: string, extra: Record<string, unknown> = {}): AlgoChoice {
  const [name, ...given] = text.split(':')
  const a = ALGORITHMS.find((x) => x.id === name)
  if (!a) throw new RangeError(`unknown algorithm '${text}' (${ALGORITHMS.map(algoUsage).join(', ')})`)
  const params = paramEntries(a)
  const values: Record<string, unknown> = {}
  for (const g of given) {
    const eq = g.indexOf('=')
    const tag = eq < 0 ? null : g.slice(0, eq)
    const entry = params.find(([key, p]) => p.tag === tag && !(key in values))
    if (!entry)
      throw new RangeError(
        params.length
          ? `${a.id} takes ${listText(
              params.map(([, p]) => paramText(p, p.usage)),
              'or',
            )} after a colon, got '${text}'`
          : `${a.id} takes no parameters, got '${text}'`,
      )
    const [key, p] = entry
    values[key] = labelValue(eq < 0 ? g : g.slice(eq + 1))
    const v = paramsSchema(a).safeParse({ [key]: values[key] })
    if (!v.success)
      throw new RangeError(
        `${a.id} takes ${paramText(p, p.usage)} (${p.what}): ${v.error.issues[0].message}, got '${g}'`,
      )
  }
  for (const k of Object.keys(extra))
    if (k in values) throw new RangeError(`${a.id}: ${k} is given twice (in the label and in --algo-params)`)
  return { algo: a.id, algoParams: parseAlgoParams(a.id, { ...values, ...extra }) }
}

/**
 * 'bc', 'stagger', 'warm-stagger:0.25', 'dagger:m=10', 'hg-dagger:weighting=iwr', ...: the algorithm and the
 * parameters it has set (those away from their default, and the warm fraction always).
 */
export function algoLabel(c: { algo: AlgoId; algoParams?: AlgoParams }): string {
  const a = algorithm(c.algo)
  const defaults = defaultAlgoParams(a)
  const given = c.algoParams ?? {}
  return (
    a.id +
    paramEntries(a)
      .map(([key, p]) => {
        const v = key in given ? given[key] : defaults[key]
        return v === null || v === undefined || (!p.always && v === defaults[key]) ? '' : `:${paramText(p, v)}`
      })
      .join('')
  )
}

/** The part of the budget a session spends on offline labels: all of it for BC, the warm fraction for WARM-STAGGER. */
export function offlineShare(c: { algo: AlgoId; budget: number; algoParams?: AlgoParams }): number {
  const a = algorithm(c.algo)
  return a.offline ? a.offline({ budget: c.budget, algoParams: parseAlgoParams(a.id, c.algoParams ?? {}) }) : 0
}

/** What a budget buys: offline labels (cost 1), then, for an algorithm that asks, queries (C each) with the rest. */
export function budgetSplit(c: { algo: AlgoId; budget: number; costRatio: number; algoParams?: AlgoParams }): {
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

/** WARM-STAGGER's fraction in a configuration's parameters, null for the other algorithms (tables, CSV). */
export function warmFractionOf(c: { algo: AlgoId; algoParams: AlgoParams }): number | null {
  return c.algo === 'warm-stagger' ? WarmStaggerParams.parse(c.algoParams).fraction : null
}
