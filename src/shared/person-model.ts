// A simulated person: how a person's labels differ from the expert's and what each costs them in seconds. One
// schema with every parameter's default and bound (docs/PERSON.md gives units and meaning); `iwb person` fits one
// from a workspace, and the session config's oracle names one as text, `person:noise=0.3,lag=2,...`, which is
// also what the sessions table stores (every parameter written, in this order, so equal people compare equal).
import { z } from 'zod'

/** The bounds of every parameter (units in docs/PERSON.md). */
export const PERSON_LIMITS = {
  /** spread (standard deviation) of the person's action around the expert's, as a fraction of the action range */
  noise: { min: 0, max: 1 },
  /** constant offset of the person's action from the expert's, as a fraction of the action range */
  bias: { min: -1, max: 1 },
  /** takeover reaction delay: control steps between the learner's first large error and the takeover */
  lag: { min: 0, max: 100 },
  /** probability that a query is skipped (no label) */
  skip: { min: 0, max: 0.95 },
  /** median seconds from a query's prompt to its answer */
  query: { min: 0.01, max: 600 },
  /** spread of the log of a query's seconds (a lognormal's sigma) */
  querySpread: { min: 0, max: 3 },
  /** seconds per demonstrated state */
  demo: { min: 0, max: 60 },
  /** seconds of the person's time per second of a takeover held */
  takeover: { min: 0, max: 10 },
  /** seconds a context switch adds to a query (turning to the robot after it drove alone) */
  switch: { min: 0, max: 600 },
  /** action dimensions a per-dimension noise or bias may list */
  dims: 64,
  /** characters of a person's text in the session config */
  textLength: 4000,
} as const

/**
 * A learner's error a person reacts to: the root mean square over dimensions of its action's distance from the
 * expert's, as fractions of each one's range. A simulated person notices it `lag` steps late; `iwb person` measures
 * a takeover's reaction delay from the first such step of the run that led to it.
 */
export const LARGE_ERROR = 0.1

/** A person who gives the expert's action at the measured speed of docs/PERSON.md's scripted person. */
export const PERSON_DEFAULTS = {
  noise: 0,
  bias: 0,
  lag: 0,
  skip: 0,
  query: 8.1,
  querySpread: 0.5,
  demo: 0.048,
  takeover: 1,
  switch: 0,
} as const

const KEYS = ['noise', 'bias', 'lag', 'skip', 'query', 'querySpread', 'demo', 'takeover', 'switch'] as const
type Key = (typeof KEYS)[number]

const bounded = (k: Exclude<Key, 'lag'>) => z.number().min(PERSON_LIMITS[k].min).max(PERSON_LIMITS[k].max)
/** one value for every dimension, or one per dimension */
const perDim = (k: 'noise' | 'bias') =>
  z.union([bounded(k), z.array(bounded(k)).min(1).max(PERSON_LIMITS.dims)]).default(PERSON_DEFAULTS[k])

export const PersonModel = z
  .object({
    noise: perDim('noise'),
    bias: perDim('bias'),
    lag: z.number().int().min(PERSON_LIMITS.lag.min).max(PERSON_LIMITS.lag.max).default(PERSON_DEFAULTS.lag),
    skip: bounded('skip').default(PERSON_DEFAULTS.skip),
    query: bounded('query').default(PERSON_DEFAULTS.query),
    querySpread: bounded('querySpread').default(PERSON_DEFAULTS.querySpread),
    demo: bounded('demo').default(PERSON_DEFAULTS.demo),
    takeover: bounded('takeover').default(PERSON_DEFAULTS.takeover),
    switch: bounded('switch').default(PERSON_DEFAULTS.switch),
  })
  .strict()
export type PersonModel = z.output<typeof PersonModel>
export type PersonModelInput = z.input<typeof PersonModel>

export type PersonText = `person:${string}`

/** A model with every default filled in; throws one line naming the first bad parameter. */
export function personModel(input: unknown): PersonModel {
  const r = PersonModel.safeParse(input)
  if (r.success) return r.data
  const issue = r.error.issues[0]
  throw new RangeError(`person model: ${issue.path.join('.') || 'value'}: ${issue.message}`)
}

/** The canonical text of a model: `person:` and every parameter in a fixed order, a dimension list with '/'. */
export function personText(m: PersonModel): PersonText {
  const v = (x: number | number[]): string => (Array.isArray(x) ? x.map(String).join('/') : String(x))
  return `person:${KEYS.map((k) => `${k}=${v(m[k])}`).join(',')}`
}

/** `person:noise=0.3,lag=2` (unnamed parameters default) -> the model; throws one line on a bad text. */
export function parsePersonText(text: string): PersonModel {
  if (!text.startsWith('person:')) throw new RangeError(`a simulated person is written person:..., got '${text}'`)
  if (text.length > PERSON_LIMITS.textLength)
    throw new RangeError(`a person's text may have at most ${PERSON_LIMITS.textLength} characters`)
  const body = text.slice('person:'.length)
  const input: Record<string, number | number[]> = {}
  for (const part of body === '' ? [] : body.split(',')) {
    const [k, value, ...rest] = part.split('=')
    if (!(KEYS as readonly string[]).includes(k) || value === undefined || rest.length)
      throw new RangeError(`person: '${part}' is not one of ${KEYS.map((x) => `${x}=...`).join(', ')}`)
    if (k in input) throw new RangeError(`person: ${k} is given twice`)
    const nums = value.split('/').map((x) => (/^[-+0-9.eE]+$/.test(x) ? Number(x) : NaN))
    if (!nums.every(Number.isFinite)) throw new RangeError(`person: ${k} must be a number, got '${value}'`)
    if (nums.length > 1 && k !== 'noise' && k !== 'bias')
      throw new RangeError(`person: only noise and bias take one value per dimension`)
    input[k] = nums.length > 1 ? nums : nums[0]
  }
  return personModel(input)
}

/** The model's noise or bias for dimension i of an action of `dims` values; one line when the lengths differ. */
export function perDimension(value: number | number[], dims: number, name: 'noise' | 'bias'): number[] {
  if (!Array.isArray(value)) return new Array<number>(dims).fill(value)
  if (value.length !== dims)
    throw new RangeError(`person: ${name} lists ${value.length} dimensions, the task's actions have ${dims}`)
  return value.slice()
}

/** The session config's oracle: the expert, a person in the page, or a simulated person (its canonical text). */
export const OracleChoice = z
  .string()
  .max(PERSON_LIMITS.textLength)
  .transform((s, ctx): 'expert' | 'human' | PersonText => {
    if (s === 'expert' || s === 'human') return s
    try {
      return personText(parsePersonText(s))
    } catch (e) {
      const message = isPersonOracle(s) ? (e as Error).message : `'${s}' is not 'expert', 'human' or person:...`
      ctx.addIssue({ code: 'custom', message })
      return z.NEVER
    }
  })
export type OracleChoice = z.output<typeof OracleChoice>

/** Whether the oracle is a simulated person (then its text holds the model). */
export function isPersonOracle(oracle: string): oracle is PersonText {
  return oracle.startsWith('person:')
}
