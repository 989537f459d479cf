// The study queue's settings, written once for every host (`iwb compare --queue`, `iwb worker`, runSweep): the
// Redis URL that names the queue, and the bounds on what a queue worker holds (sessions at once, lock time).
import { z } from 'zod'

/** The queue's name in Redis, and the prefix of the keys it keeps beside its jobs (checkpoints, twins). */
export const QUEUE_NAME = 'iwb-sessions'

/** The longest URL accepted (a host name, a port, a password and a database number fit many times over). */
const MAX_URL = 2048

/** redis://[:password@]host[:port][/db] or rediss:// (TLS) for a queue on another machine. */
export const QueueUrl = z
  .string()
  .max(MAX_URL, { error: `must be at most ${MAX_URL} characters` })
  .refine(
    (text) => {
      try {
        const u = new URL(text)
        return (u.protocol === 'redis:' || u.protocol === 'rediss:') && u.hostname !== ''
      } catch {
        return false
      }
    },
    { error: 'must be a redis:// or rediss:// URL with a host (redis://host:6379, rediss://:password@host:6380)' },
  )
export type QueueUrl = z.output<typeof QueueUrl>

/** The URL as a log line may show it: the password replaced by '***'. */
export function redactQueueUrl(text: string): string {
  try {
    const u = new URL(text)
    if (u.password) u.password = '***'
    return u.toString()
  } catch {
    return '(not a URL)'
  }
}

export const QUEUE_LIMITS = {
  /** sessions one worker process runs at once; each is a session worker thread of about 440 MB (limits.ts) */
  concurrency: { min: 1, max: 16 },
  /** seconds a worker's lock on a job lasts without renewal: after it a killed worker's job is taken up again */
  lockSeconds: { min: 2, max: 600 },
  /** seconds between a running job's checkpoints in Redis (only when the session stored new labels) */
  checkpointSeconds: { min: 0.1, max: 600 },
} as const

export const QueueWorkerSettings = z
  .object({
    url: QueueUrl,
    concurrency: z.number().int().min(QUEUE_LIMITS.concurrency.min).max(QUEUE_LIMITS.concurrency.max).default(1),
    lockSeconds: z.number().int().min(QUEUE_LIMITS.lockSeconds.min).max(QUEUE_LIMITS.lockSeconds.max).default(30),
    checkpointSeconds: z
      .number()
      .min(QUEUE_LIMITS.checkpointSeconds.min)
      .max(QUEUE_LIMITS.checkpointSeconds.max)
      .default(5),
  })
  .strict()
export type QueueWorkerSettings = z.output<typeof QueueWorkerSettings>
export type QueueWorkerSettingsInput = z.input<typeof QueueWorkerSettings>

/** Where a queued session is, as the CLI's progress line counts them. */
export type QueuedState = 'queued' | 'running' | 'done' | 'failed'
