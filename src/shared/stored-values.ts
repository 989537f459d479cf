// What the workspace stores about a person and about time, bounded once. The API's inputs (contract.ts), the
// dataset importers (robomimic, LeRobot), the recorder and the export format (store/export-format.ts) all check
// these, so whatever is stored reads back in every view (no NaN from a date that does not parse) and leaves in an
// export that `iwb import` takes back.
import { z } from 'zod'

export const STORED_LIMITS = {
  /** characters of an operator's name (who recorded a demonstration, who answered a query) */
  operatorLength: 100,
  /** seconds a person spent on one label: a day is far beyond any real one */
  humanSeconds: 86_400,
  /** characters of a stored timestamp (an ISO 8601 date and time takes 24) */
  timestampLength: 64,
} as const

export const OperatorName = z
  .string()
  .max(STORED_LIMITS.operatorLength, { message: `too long (at most ${STORED_LIMITS.operatorLength} characters)` })

export const HumanSeconds = z
  .number()
  .finite()
  .nonnegative()
  .max(STORED_LIMITS.humanSeconds, { message: `more than ${STORED_LIMITS.humanSeconds} s (a day)` })

/** The same bound in milliseconds, as the page measures a query's answer. */
export const HumanMs = z
  .number()
  .finite()
  .nonnegative()
  .max(STORED_LIMITS.humanSeconds * 1000, { message: `more than ${STORED_LIMITS.humanSeconds * 1000} ms (a day)` })

/** A date and time that Date.parse reads (the workbench writes ISO 8601, `new Date().toISOString()`). */
export const Timestamp = z
  .string()
  .min(1)
  .max(STORED_LIMITS.timestampLength, {
    message: `too long for a date (at most ${STORED_LIMITS.timestampLength} characters)`,
  })
  .refine((s) => !Number.isNaN(Date.parse(s)), { message: 'not a date' })

/** The longest text a problem line repeats; a longer one is named by its length. */
const SHOWN_CHARS = 40

/**
 * `value` checked against `schema`: null when it may be stored, else one line naming the field, e.g.
 * `operator: a text of 2000000 characters; too long (at most 100)` or `created_at: "not a date"; not a date`.
 */
export function storedValueProblem(field: string, schema: z.ZodType, value: unknown): string | null {
  const r = schema.safeParse(value)
  if (r.success) return null
  const shown =
    typeof value === 'string'
      ? value.length > SHOWN_CHARS
        ? `a text of ${value.length} characters`
        : JSON.stringify(value)
      : String(value)
  return `${field}: ${shown}; ${r.error.issues[0].message}`
}
