// What one workbench (one app, one `iwb serve`) runs at once, and how much of a bad input an error may echo.
// Measured (issue #10, 2 cores): each live teleoperation simulation is a worker of about 125 MB and 2 threads,
// each running learning session about 440 MB and its workers; 20 simulations reached 2.5 GB and 52 threads.
import { z } from 'zod'

/** Upper bounds for the per-workbench caps: a setting beyond them is refused, not silently raised. */
export const WORKBENCH_LIMIT_BOUNDS = { simulations: 16, sessions: 8 } as const

export const WorkbenchLimits = z
  .object({
    /** live teleoperation simulations (one per connected page at most), about 125 MB and 2 threads each */
    simulations: z.number().int().min(1).max(WORKBENCH_LIMIT_BOUNDS.simulations).default(4),
    /** learning sessions running at once (started or resumed), about 440 MB each with their workers */
    sessions: z.number().int().min(1).max(WORKBENCH_LIMIT_BOUNDS.sessions).default(2),
  })
  .strict()
export type WorkbenchLimits = z.output<typeof WorkbenchLimits>
export type WorkbenchLimitsInput = z.input<typeof WorkbenchLimits>

/** The caps with their defaults filled in; throws a one-line error naming the bad field. */
export function workbenchLimits(input: WorkbenchLimitsInput = {}): WorkbenchLimits {
  const r = WorkbenchLimits.safeParse(input)
  if (!r.success) {
    const i = r.error.issues[0]
    throw new RangeError(`workbench limits: ${i.path.join('.') || '(value)'}: ${i.message}`)
  }
  return r.data
}

/** The longest piece of a caller's input an error message repeats, and the longest error message sent back. */
export const ECHO_CHARS = 200
export const ERROR_MESSAGE_CHARS = 500
