// Flags for `iwb` commands: node:util parseArgs reads argv, a zod schema checks the values. One call per command:
//
//   const { values } = parseCommandArgs(argv, {
//     options: { task: { type: 'string' }, budget: { type: 'string' }, json: { type: 'boolean' } },
//     schema: z.object({
//       task: flag.task(),                                 // required: '--task is required' when missing
//       budget: flag.int(1, 1_000_000).default(1000),      // text -> bounded whole number
//       json: z.boolean().default(false),
//     }),
//   })
//
// Every string option arrives as text; the flag.* builders turn it into a value and say what they expected.
// Anything wrong (an unknown option, a missing value, a stray positional, a value the schema refuses) throws a
// one-line UsageError naming the flag, e.g. "--budget must be a whole number between 1 and 1000000, got 'abc'";
// main prints it with the command's usage and exits 2. Numbers always have explicit finite bounds.
import { parseArgs, type ParseArgsConfig } from 'node:util'
import { z } from 'zod'
import { queueUrl } from '../session/queue'
import { listTasks } from '../sim/registry'
import { OperatorName } from '../../shared/stored-values'
import { UsageError } from './command'

export type OptionsSpec = NonNullable<ParseArgsConfig['options']>

export interface ArgsSpec<S extends z.ZodType> {
  /** node:util parseArgs options; keys are the flag names without '--' */
  options: OptionsSpec
  /** checks and converts parseArgs' values (strings, booleans, arrays for `multiple`); keys as in options */
  schema: S
  /** how many positional arguments the command takes (default 0); one more is a usage error */
  positionals?: number
}

/** The largest seed a flag accepts: episode seeds count up from it and stay 32-bit signed integers. */
export const MAX_SEED = 2 ** 31 - 1

// Plain decimal notation only: no '', '0x10', 'Infinity' or ' 12 ', which Number() would take.
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i

function bounds(min: number, max: number): void {
  if (!Number.isFinite(min) || !Number.isFinite(max) || min > max) throw new Error(`bad flag bounds [${min}, ${max}]`)
}

/** A comma-separated flag's items ('bc,,stagger' has two). */
const listItems = (text: string): string[] => text.split(',').filter((x) => x.trim() !== '')

/** zod schemas for flag values given as text. Chain .optional() or .default(value) as usual. */
export const flag = {
  /** comma-separated items, each checked by `item`, 1 to `max` of them; a bad item is named on its own */
  list<T extends z.ZodType<unknown, string>>(item: T, max: number) {
    return z
      .string()
      .transform(listItems)
      .pipe(
        z
          .array(item)
          .min(1, { error: 'needs at least one item' })
          .max(max, { error: `takes at most ${max} items` }),
      )
  },
  /** a whole number in [min, max] */
  int(min: number, max: number) {
    bounds(min, max)
    const error = `must be a whole number between ${min} and ${max}`
    return z.string().regex(NUMBER, { error }).transform(Number).pipe(z.number({ error }).int().min(min).max(max))
  },
  /** a number in [min, max] */
  number(min: number, max: number) {
    bounds(min, max)
    const error = `must be a number between ${min} and ${max}`
    return z.string().regex(NUMBER, { error }).transform(Number).pipe(z.number({ error }).min(min).max(max))
  },
  /** one of the given words */
  oneOf<const T extends readonly [string, ...string[]]>(values: T) {
    return z.enum(values, { error: `must be one of ${values.join(', ')}` })
  },
  /** any non-empty text (a file, a host name) */
  text() {
    return z.string().min(1, { error: 'needs a value' })
  },
  /** an operator's name, as the store bounds it */
  operator() {
    return OperatorName.min(1, { error: 'needs a value' })
  },
  /** a task id from the registry */
  task() {
    // Checked when parsed, not when the schema is built: a workspace's own tasks are registered in between.
    return z.string().superRefine((v, ctx) => {
      const ids = listTasks().map((t) => t.id)
      if (!ids.includes(v)) ctx.addIssue({ code: 'custom', message: `must be one of ${ids.join(', ')}` })
    })
  },
  /**
   * text turned into a value by `parse`; whatever it throws reads "must be <expected>", unless `specific(text)`
   * says the parser's own message is the better one (a known algorithm given a bad parameter)
   */
  parsed<T>(parse: (text: string) => T, expected: string, specific?: (text: string) => boolean) {
    return z.string().transform((text, ctx): T => {
      try {
        return parse(text)
      } catch (err) {
        if (specific?.(text) && err instanceof Error)
          ctx.addIssue({ code: 'custom', message: err.message, params: { complete: true } })
        else ctx.addIssue({ code: 'custom', message: `must be ${expected}` })
        return z.NEVER
      }
    })
  },
}

// An option's value that is really the next option: '--task --json'. Negative numbers and '-' are values.
const looksLikeOption = (v: string): boolean => v.startsWith('-') && v !== '-' && !NUMBER.test(v)

/**
 * Parse a command's argv (after the command name). Returns the schema's output and the positionals; throws a
 * one-line UsageError for an unknown option, an option without its value (or a boolean with one), too many
 * positionals, or the schema's first complaint, prefixed with the flag and followed by the text that was given.
 */
export function parseCommandArgs<S extends z.ZodType>(
  argv: readonly string[],
  spec: ArgsSpec<S>,
): { values: z.output<S>; positionals: string[] } {
  const { values, positionals, tokens } = parseArgs({
    args: [...argv],
    options: spec.options,
    strict: false, // the checks below, with messages of our own
    allowPositionals: true,
    tokens: true,
  })
  for (const t of tokens) {
    if (t.kind !== 'option') continue
    const option = Object.hasOwn(spec.options, t.name) ? spec.options[t.name] : undefined
    if (!option) throw new UsageError(`unknown option '${t.rawName}'`)
    if (option.type === 'boolean' && t.value !== undefined) throw new UsageError(`${t.rawName} takes no value`)
    if (option.type === 'string' && (t.value === undefined || (!t.inlineValue && looksLikeOption(t.value))))
      throw new UsageError(`${t.rawName} needs a value`)
  }
  const max = spec.positionals ?? 0
  if (positionals.length > max) throw new UsageError(`unexpected argument '${positionals[max]}'`)
  const parsed = spec.schema.safeParse({ ...values })
  if (!parsed.success) throw new UsageError(describeIssue(parsed.error.issues[0], values, spec.options))
  return { values: parsed.data, positionals }
}

function describeIssue(
  issue: z.ZodError['issues'][number],
  values: Record<string, unknown>,
  options: OptionsSpec,
): string {
  const [key, index] = issue.path
  // A rule across flags (a refinement on the whole object) speaks for itself.
  if (typeof key !== 'string' || !Object.hasOwn(options, key)) return oneLine(issue.message)
  // A parser's own message names the value already (flag.parsed's `specific`).
  if (issue.code === 'custom' && issue.params?.complete) return oneLine(`--${key}: ${issue.message}`)
  const raw = values[key]
  // An item of a repeated flag or of a comma-separated list (flag.list) is quoted alone.
  const items = Array.isArray(raw) ? raw : typeof raw === 'string' ? listItems(raw) : null
  const given = typeof index === 'number' && items ? items[index] : raw
  // Absent, and the schema neither defaults nor allows that (a refinement's own message wins).
  if (given === undefined && issue.code !== 'custom') return `--${key} is required`
  if (typeof given !== 'string') return oneLine(`--${key} ${issue.message}`)
  return oneLine(`--${key} ${issue.message}, got '${given}'`)
}

const oneLine = (s: string): string => s.replace(/\s*\n\s*/g, ' ')

/** A --queue flag (compare, study, worker): the Redis URL checked, or a usage error that does not repeat a password. */
export function queueFlag(value: string): string
export function queueFlag(value: string | undefined): string | undefined
export function queueFlag(value: string | undefined): string | undefined {
  if (value === undefined) return undefined
  try {
    return queueUrl(value)
  } catch (err) {
    throw new UsageError(`--queue: ${(err as Error).message}`)
  }
}
