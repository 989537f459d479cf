// The page's inputs for a policy class's (or an algorithm's) parameters, read from its zod schema in the registry
// (policy-config.ts, algorithms.ts), so a new class or algorithm needs no page change: a number with its bounds and default, a list of
// numbers (the hidden widths) typed as comma-separated text, a yes/no, a choice of words, and anything else as
// JSON. The values go back through the same schema (PolicyChoice) before a session is started.
import { z } from 'zod'
import { POLICY_CLASSES, PolicyChoice, policyClass } from './policy-config'

export type PolicyFieldKind = 'number' | 'list' | 'boolean' | 'choice' | 'json'

export interface PolicyField {
  key: string
  /** the key in words: 'stepsPerLabel' -> 'steps per label' */
  label: string
  kind: PolicyFieldKind
  /** number, list: whole numbers only */
  integer: boolean
  /** number: its bounds; list: each item's bounds */
  min: number | null
  max: number | null
  /** list: how many items it takes */
  minItems: number | null
  maxItems: number | null
  /** choice: the words it takes */
  options: string[]
  /** the schema's default, as typed in the form ('' when it has none) */
  defaultText: string
  /** the schema's description, when it has one */
  help: string | null
}

type Internals = { _zod: { def: Record<string, unknown> } }
const defOf = (s: z.ZodType): Record<string, unknown> => (s as unknown as Internals)._zod.def

/** The schema under defaults and optionals, and the default when there is one. */
function unwrap(s: z.ZodType): { inner: z.ZodType; dflt: unknown } {
  let inner = s
  let dflt: unknown = undefined
  for (;;) {
    if (inner instanceof z.ZodDefault || inner instanceof z.ZodPrefault) {
      if (dflt === undefined) dflt = defOf(inner).defaultValue
      inner = defOf(inner).innerType as z.ZodType
    } else if (inner instanceof z.ZodOptional || inner instanceof z.ZodNullable) inner = inner.unwrap() as z.ZodType
    else return { inner, dflt }
  }
}

/** The bounds of a list's length, from its checks. */
function lengthBounds(s: z.ZodType): { minItems: number | null; maxItems: number | null } {
  let minItems: number | null = null
  let maxItems: number | null = null
  for (const c of (defOf(s).checks as Internals[] | undefined) ?? []) {
    const d = c._zod.def
    if (d.check === 'min_length') minItems = d.minimum as number
    if (d.check === 'max_length') maxItems = d.maximum as number
    if (d.check === 'length_equals') minItems = maxItems = d.length as number
  }
  return { minItems, maxItems }
}

const finiteOrNull = (v: number | null | undefined): number | null => (v != null && Number.isFinite(v) ? v : null)

export function words(key: string): string {
  return key.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase()
}

/** A value as the form shows it: numbers as typed, lists comma-separated, anything else as JSON. */
export function fieldText(field: Pick<PolicyField, 'kind'>, value: unknown): string {
  if (value === undefined || value === null) return ''
  if (field.kind === 'list' && Array.isArray(value)) return value.join(', ')
  if (field.kind === 'json') return JSON.stringify(value)
  return String(value)
}

function describeField(key: string, schema: z.ZodType): PolicyField {
  const { inner, dflt } = unwrap(schema)
  const field: PolicyField = {
    key,
    label: words(key),
    kind: 'json',
    integer: false,
    min: null,
    max: null,
    minItems: null,
    maxItems: null,
    options: [],
    defaultText: '',
    help: schema.description ?? inner.description ?? null,
  }
  if (inner instanceof z.ZodNumber) {
    Object.assign(field, {
      kind: 'number',
      integer: inner.isInt,
      min: finiteOrNull(inner.minValue),
      max: finiteOrNull(inner.maxValue),
    })
  } else if (inner instanceof z.ZodArray && unwrap(inner.element as z.ZodType).inner instanceof z.ZodNumber) {
    const item = unwrap(inner.element as z.ZodType).inner as z.ZodNumber
    Object.assign(field, {
      kind: 'list',
      integer: item.isInt,
      min: finiteOrNull(item.minValue),
      max: finiteOrNull(item.maxValue),
      ...lengthBounds(inner),
    })
  } else if (inner instanceof z.ZodBoolean) field.kind = 'boolean'
  else if (inner instanceof z.ZodEnum) Object.assign(field, { kind: 'choice', options: inner.options.map(String) })
  field.defaultText = fieldText(field, dflt)
  return field
}

/** The inputs of an object schema's keys (anything else has none to show). */
export function schemaFields(schema: z.ZodType): PolicyField[] {
  if (!(schema instanceof z.ZodObject)) return []
  return Object.entries(schema.shape as Record<string, z.ZodType>).map(([k, s]) => describeField(k, s))
}

/** The inputs of a class's parameters, from its schema. */
export function policyFields(id: string): PolicyField[] {
  return schemaFields(policyClass(id).params)
}

/** The typed values of fields, each as its kind reads it; a field left empty is left out (it takes its default). */
export function valuesFromTexts(
  fields: readonly PolicyField[],
  texts: Readonly<Record<string, string>>,
): Record<string, unknown> {
  const params: Record<string, unknown> = {}
  for (const f of fields) {
    const text = texts[f.key] ?? ''
    if (text.trim() !== '') params[f.key] = value(f, text)
  }
  return params
}

/** Every class's form text with its defaults: what a new form starts from. */
export function defaultPolicyTexts(): Record<string, Record<string, string>> {
  return Object.fromEntries(
    POLICY_CLASSES.map((c) => [c.id, Object.fromEntries(policyFields(c.id).map((f) => [f.key, f.defaultText]))]),
  )
}

/** A bound in few characters: 1e-6 rather than 0.000001. */
function short(v: number): string {
  return v !== 0 && (Math.abs(v) < 1e-3 || Math.abs(v) >= 1e6) ? v.toExponential().replace('e+', 'e') : String(v)
}

/** The bounds of a field in a few characters: '1–20', 'each 8–1024, 1–4 of them', '1e-6–0.1', '≥ 0'. */
export function boundsText(f: PolicyField): string {
  const range =
    f.min !== null && f.max !== null
      ? `${short(f.min)}–${short(f.max)}`
      : f.min !== null
        ? `≥ ${short(f.min)}`
        : f.max !== null
          ? `≤ ${short(f.max)}`
          : ''
  if (f.kind !== 'list') return range
  const n =
    f.minItems !== null && f.maxItems !== null
      ? f.minItems === f.maxItems
        ? `${f.minItems}`
        : `${f.minItems}–${f.maxItems}`
      : f.minItems !== null
        ? `≥ ${f.minItems}`
        : f.maxItems !== null
          ? `≤ ${f.maxItems}`
          : ''
  return [range && `each ${range}`, n && `${n} of them`].filter(Boolean).join(', ')
}

/** A number as typed: empty is NaN (not 0, as Number('') would have it), so the schema names the field. */
function number(text: string): number {
  const t = text.trim()
  return t === '' ? NaN : Number(t)
}

function value(f: PolicyField, text: string): unknown {
  switch (f.kind) {
    case 'number':
      return number(text)
    case 'list':
      return text.split(',').map(number)
    case 'boolean':
      return text === 'true'
    case 'choice':
      return text
    case 'json':
      try {
        return JSON.parse(text)
      } catch {
        throw new RangeError(`${f.label}: not JSON`)
      }
  }
}

/**
 * The form's text for class `id` as a policy choice, checked with the registry's schema; a field left empty takes
 * its default. Throws one line naming the field: "policy gmm: hidden: item 2: Too small: expected number to be >=8".
 */
export function policyFromTexts(id: string, texts: Readonly<Record<string, string>>): PolicyChoice {
  let params: Record<string, unknown>
  try {
    params = valuesFromTexts(policyFields(id), texts)
  } catch (err) {
    throw new RangeError(`policy ${id}: ${(err as Error).message}`)
  }
  const r = PolicyChoice.safeParse({ id, params })
  if (r.success) return r.data
  const issue = r.error.issues[0]
  const [, key, ...rest] = issue.path.map(String)
  const where =
    key === undefined
      ? 'params'
      : [words(key), ...rest.map((p) => (/^\d+$/.test(p) ? `item ${Number(p) + 1}` : p))].join(': ')
  throw new RangeError(`policy ${id}: ${where}: ${issue.message}`)
}

/** A choice's parameters in words, for a tooltip or a table: 'modes 3 · hidden 32,32 · history 1 · ...'. */
export function policyParamsText(p: { params: Readonly<Record<string, unknown>> }): string {
  const parts = Object.entries(p.params).map(([k, v]) => `${words(k)} ${Array.isArray(v) ? v.join(',') : String(v)}`)
  return parts.length ? parts.join(' · ') : 'no parameters'
}
