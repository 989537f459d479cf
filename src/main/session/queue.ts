// The study queue: sessions past one machine. runSweep with `queue` sends the sessions it would run to a BullMQ
// queue in Redis; `iwb worker` processes (any number, on any machine that reaches the Redis) take them and run each
// with the same SessionHost and session worker as everywhere else, into a scratch workspace, and return the
// session as a one-session export (export-format.ts). The submitting process imports it into the planned session
// of the study's workspace, once: import.ts checks it like any export and runs in one transaction.
//
// A job's id is the hash of its canonical configuration, so a rerun finds a finished job's result still in Redis
// instead of running it again (finished sessions are not even queued: planSession reuses them). While a session
// runs, its worker publishes the scratch workspace (its labels and last round checkpoint) to Redis every few
// seconds. A worker that dies mid-session stops renewing its lock; after lockSeconds another worker's stalled-job
// check puts the job back in the queue, and the worker that takes it restores that checkpoint and continues from
// it (the runner resumes exactly, and is deterministic given the configuration: any checkpoint of the job is a
// prefix of its one run). A worker that finishes a BC session also leaves its workspace in Redis under the session's
// twin key (shared/warm-fork.ts): a WARM-STAGGER job of the same prefix then starts in a copy of it and forks from
// the twin as a local sweep does, instead of computing the offline prefix again. A twin that finished in the study's
// own workspace (run there before, or imported) is published by the submitting process before its WARM-STAGGER job.
// Those copies in Redis, checkpoints and twins, are queue-copies.ts.
import { createHash, randomUUID } from 'node:crypto'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { hostname, tmpdir } from 'node:os'
import { join } from 'node:path'
import { Queue, QueueEvents, Worker, type Job } from 'bullmq'
import { Redis } from 'ioredis'
import {
  QUEUE_NAME,
  QueueUrl,
  QueueWorkerSettings,
  redactQueueUrl,
  type QueuedState,
  type QueueWorkerSettingsInput,
} from '../../shared/queue'
import { algoLabel, SessionConfig } from '../../shared/session-config'
import { FORK_PHASE } from '../../shared/warm-fork'
import type { SessionProgress } from '../learn/session-runner'
import { EXPORT_FILES, exportWorkspace, importExport, openWorkspace, type Workspace } from '../store'
import { LEASE_TTL_MS, HEARTBEAT_MS, SessionHost, type HostOutcome } from './host'
import type { SessionOutcome } from './protocol'
import type { SessionPlan } from './sweep'
import {
  checkpointKey,
  KEEP_SECONDS,
  publishCheckpoints,
  publishStudyTwin,
  publishTwin,
  restoreCheckpoint,
  restoreTwin,
  type CopyContext,
} from './queue-copies'
import { taskShapes } from './task-shapes'

/** A session's export travels as one Redis value; a larger one fails its job with this said. */
export const MAX_BUNDLE_CHARS = 64 * 2 ** 20
/** A worker whose job stalled (its lock expired) this many times more fails it: a session that kills every worker. */
const MAX_STALLED = 2
/** The events stream keeps this many (each finished job's event carries its result). */
const EVENTS_KEPT = 1000
/** Progress messages per job and second at most (every evaluation is sent). */
const PROGRESS_EVERY_MS = 250
/** How often the submitting process looks at each job it waits on (a Redis restarted empty loses its events). */
const JOB_CHECK_MS = 3000
/** A job lost from the queue (Redis restarted without its data) is added again at most this many times. */
const MAX_REQUEUES = 3
/** The longest failure line a worker logs or a study reports for one job. */
const FAILURE_CHARS = 500

/**
 * A job's failure as one line: a schema error's first issue (zod's message is many lines of JSON), else the first
 * line of the message, at most FAILURE_CHARS characters.
 */
export function failureLine(err: unknown): string {
  const issues = (err as { issues?: { path?: PropertyKey[]; message?: string }[] } | null)?.issues
  let line: string
  if (Array.isArray(issues) && issues.length > 0) {
    const i = issues[0]
    const path = (i.path ?? []).map(String).join('.')
    line = `${path ? `${path}: ` : ''}${i.message ?? 'invalid'}${issues.length > 1 ? ` (and ${issues.length - 1} more)` : ''}`
  } else {
    const message = err instanceof Error ? err.message : String(err)
    line = message.split('\n').find((l) => l.trim() !== '') ?? message
  }
  return line.length > FAILURE_CHARS ? `${line.slice(0, FAILURE_CHARS)}...` : line
}

/** What a job carries: the configuration alone (the worker makes the session in its scratch workspace). */
export interface SessionJobData {
  config: SessionConfig
}

/** What a job returns: the session as a one-session export (manifest and files), and the runner's outcome. */
export interface SessionBundle {
  files: Record<string, string>
  result: SessionOutcome | null
}

/** The canonical text of a value: object keys sorted, so equal configurations hash alike. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`
  if (value !== null && typeof value === 'object')
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`
  return JSON.stringify(value)
}

/** The job id of a session: the hash of its canonical configuration (defaults filled in by the schema). */
export function jobIdFor(config: SessionConfig): string {
  return `session-${createHash('sha256')
    .update(canonical(SessionConfig.parse(config)))
    .digest('hex')
    .slice(0, 40)}`
}

/** The queue's URL, checked; a bad one is a one-line error that does not repeat a password. */
export function queueUrl(text: string): string {
  const r = QueueUrl.safeParse(text)
  if (!r.success) throw new Error(`queue URL ${redactQueueUrl(text)} ${r.error.issues[0].message}`)
  return r.data
}

/** A connection for BullMQ (which requires maxRetriesPerRequest null); it reconnects after a Redis restart. */
function connection(url: string): Redis {
  const r = new Redis(url, { maxRetriesPerRequest: null, connectTimeout: 5000 })
  // Connection errors are retried by ioredis; the probe below has said the one line a person needs.
  r.on('error', () => {})
  return r
}

/** Reach the Redis once, quickly, so that a wrong URL, a wrong password or a Redis that is down is one line. */
export async function probeQueue(url: string): Promise<void> {
  const r = new Redis(url, {
    lazyConnect: true,
    connectTimeout: 5000,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  })
  // The socket's own error (ECONNREFUSED, ENOTFOUND, a TLS failure) says more than connect()'s 'Connection is closed'.
  let cause: Error | null = null
  r.on('error', (err: Error) => (cause ??= err))
  try {
    await r.connect()
    await r.ping()
  } catch (err) {
    throw new Error(`cannot reach the queue at ${redactQueueUrl(url)}: ${(cause ?? (err as Error)).message}`)
  } finally {
    r.disconnect()
  }
}

/**
 * The sessions a queue worker can run: the simulated expert or a simulated person answers, and offline labels come
 * from the expert.
 */
export function queueable(config: SessionConfig): string | null {
  if (config.oracle === 'human') return 'a person answers its queries'
  if (config.offline.kind !== 'expert') return 'its offline labels are recorded demonstrations of this workspace'
  return null
}

export interface QueueSweepOptions {
  owner: string
  onProgress?: (index: number, p: SessionProgress) => void
  onDone?: (index: number, o: HostOutcome) => void
  onState?: (index: number, state: QueuedState) => void
  signal?: AbortSignal
}

/**
 * Run the plans `indices` of a sweep through the queue at `url` and land each result in its planned session.
 * The submitting process holds each session's lease meanwhile (the page shows it running; no local host runs it).
 */
export async function sweepOnQueue(
  ws: Workspace,
  plans: readonly SessionPlan[],
  indices: readonly number[],
  url: string,
  opts: QueueSweepOptions,
  out: HostOutcome[],
): Promise<void> {
  for (const i of indices) {
    const why = queueable(plans[i].config)
    if (why)
      throw new Error(
        `${algoLabel(plans[i].config)} seed ${plans[i].config.seed} cannot run on the queue: ${why}; run it without --queue`,
      )
  }
  await probeQueue(url)
  const shapes = await taskShapes([...new Set(indices.map((i) => plans[i].config.taskId))])
  const redis = connection(url)
  const queue = new Queue<SessionJobData, SessionBundle>(QUEUE_NAME, {
    connection: redis,
    streams: { events: { maxLen: EVENTS_KEPT } },
  })
  // Each job waited on holds one 'closing' listener on the queue (BullMQ's waitUntilFinished): a study of more
  // than ten sessions is not a leak.
  queue.setMaxListeners(indices.length + 10)
  const events = new QueueEvents(QUEUE_NAME, { connection: connection(url) })
  // A Redis that goes away mid-sweep: ioredis reconnects; the waits go on until it is back (or Ctrl-C).
  queue.on('error', () => {})
  events.on('error', () => {})
  const byJob = new Map<string, number[]>()
  const leases = new Map<number, string>()
  const heartbeat = setInterval(() => {
    for (const [id, token] of leases)
      try {
        ws.renewLease(id, token)
      } catch {
        // a locked workspace this once: the next beat tries again
      }
  }, HEARTBEAT_MS)
  heartbeat.unref()
  /** a planned session's outcome as the workspace has it now */
  const outcome = (sessionId: number, result: HostOutcome['result'], error: string | null): HostOutcome => ({
    sessionId,
    status: status(ws, sessionId),
    result,
    error,
  })
  const settle = (i: number, o: HostOutcome, state: QueuedState): void => {
    out[i] = o
    opts.onState?.(i, state)
    opts.onDone?.(i, o)
  }
  const aborted = new Promise<never>((_, reject) => {
    const stop = (): void => reject(new Error('aborted'))
    if (opts.signal?.aborted) stop()
    opts.signal?.addEventListener('abort', stop, { once: true })
  })
  aborted.catch(() => {})
  try {
    await events.waitUntilReady()
    events.on('active', ({ jobId }) => byJob.get(jobId)?.forEach((i) => opts.onState?.(i, 'running')))
    events.on('progress', ({ jobId, data }) =>
      byJob.get(jobId)?.forEach((i) => opts.onProgress?.(i, data as unknown as SessionProgress)),
    )
    const waits: Promise<void>[] = []
    for (const i of indices) {
      const plan = plans[i]
      const token = randomUUID()
      try {
        ws.acquireLease(plan.sessionId, {
          token,
          owner: `${opts.owner} through the queue (pid ${process.pid} on ${hostname()})`,
          ttlMs: LEASE_TTL_MS,
        })
      } catch (err) {
        settle(i, outcome(plan.sessionId, null, (err as Error).message), 'failed')
        continue
      }
      leases.set(plan.sessionId, token)
      const jobId = jobIdFor(plan.config)
      byJob.set(jobId, [...(byJob.get(jobId) ?? []), i])
      // its twin may have run here, not on the queue: published now, the job forks all the same
      await publishStudyTwin(redis, ws, plan.config, shapes).catch(() => false)
      const jobOptions = { jobId, removeOnComplete: { age: KEEP_SECONDS }, removeOnFail: { age: KEEP_SECONDS } }
      const job = await queue.add('session', { config: plan.config }, jobOptions)
      // A job of this configuration that failed before (in this study or another) is run again.
      const state = await job.getState()
      if (state === 'failed') await job.retry('failed')
      opts.onState?.(i, state === 'active' ? 'running' : 'queued')
      const requeue = async (): Promise<void> => {
        opts.onState?.(i, 'queued')
        await publishStudyTwin(redis, ws, plan.config, shapes).catch(() => false)
        await queue.add('session', { config: plan.config }, jobOptions)
      }
      waits.push(
        (async () => {
          try {
            const bundle = await Promise.race([resultOf(queue, job, events, requeue), aborted])
            land(ws, plan, bundle, shapes)
            settle(i, outcome(plan.sessionId, bundle.result, null), 'done')
          } catch (err) {
            if (opts.signal?.aborted) {
              // The job stays on the queue; the same command later takes its result.
              out[i] = outcome(plan.sessionId, null, null)
              opts.onDone?.(i, out[i])
              return
            }
            settle(i, outcome(plan.sessionId, null, failureLine(err)), 'failed')
          } finally {
            leases.delete(plan.sessionId)
            try {
              ws.releaseLease(plan.sessionId, token)
            } catch {
              // the workspace is closed already; the lease expires on its own
            }
          }
        })(),
      )
    }
    await Promise.all(waits)
  } finally {
    clearInterval(heartbeat)
    for (const [id, token] of leases)
      try {
        ws.releaseLease(id, token)
      } catch {
        // as above
      }
    await events.close().catch(() => {})
    await queue.close().catch(() => {})
    redis.disconnect()
  }
}

/**
 * A job's result: its 'completed' event, or what a look at the job every JOB_CHECK_MS finds. A Redis restarted
 * empty loses the job and its events, so a wait on the event alone never ends: a job that is gone is added again
 * (`requeue`, at most MAX_REQUEUES times, then one line), a job found finished or failed is taken as it is.
 */
async function resultOf(
  queue: Queue<SessionJobData, SessionBundle>,
  job: Job<SessionJobData, SessionBundle>,
  events: QueueEvents,
  requeue: () => Promise<void>,
): Promise<SessionBundle> {
  const jobId = job.id!
  const finished = job.waitUntilFinished(events)
  finished.catch(() => {})
  let requeued = 0
  for (;;) {
    let timer: NodeJS.Timeout | undefined
    const tick = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), JOB_CHECK_MS)))
    try {
      const done = await Promise.race([finished, tick])
      if (done) return done
    } finally {
      clearTimeout(timer)
    }
    // While Redis is down the look waits for it (ioredis queues commands until it is back).
    const state = await queue.getJobState(jobId)
    if (state === 'unknown') {
      if (++requeued > MAX_REQUEUES)
        throw new Error(
          `job ${jobId} was lost from the queue ${MAX_REQUEUES + 1} times (a Redis restarted without its data?); run the study again`,
        )
      await requeue()
      continue
    }
    if (state !== 'completed' && state !== 'failed') continue
    // read after its state, so a job that finished between two reads is never taken without its result
    const now = await queue.getJob(jobId)
    if (state === 'completed' && now?.returnvalue) return now.returnvalue
    if (state === 'failed' && now) throw new Error(failureLine(now.failedReason))
  }
}

function status(ws: Workspace, sessionId: number): string {
  try {
    return ws.sessionInfo(sessionId).status
  } catch {
    return 'unknown'
  }
}

/** A job's result into its planned session, once: a session finished already (applied before) is left as it is. */
function land(
  ws: Workspace,
  plan: SessionPlan,
  bundle: SessionBundle,
  shapes: Awaited<ReturnType<typeof taskShapes>>,
): void {
  if (ws.sessionInfo(plan.sessionId).status === 'finished') return
  const dir = mkdtempSync(join(tmpdir(), 'iwb-queue-result-'))
  try {
    for (const [name, text] of Object.entries(bundle.files)) {
      // Only the export's own file names: a result names files, it never chooses paths.
      if (name !== 'manifest.json' && !(EXPORT_FILES as readonly string[]).includes(name))
        throw new Error(`the result names a file '${name.slice(0, 40)}'`)
      writeFileSync(join(dir, name), text)
    }
    // The row's own fields go; nested ones stay (the policy's `id` is part of the configuration).
    const row = JSON.parse(readFileSync(join(dir, 'sessions.jsonl'), 'utf8').split('\n')[0] || 'null') as Record<
      string,
      unknown
    > | null
    for (const k of ['id', 'status', 'createdAt', 'finishedAt', 'note']) if (row) delete row[k]
    const exported = SessionConfig.parse(row)
    if (jobIdFor(exported) !== jobIdFor(plan.config))
      throw new Error('the result is of another configuration than its job; nothing was imported')
    importExport(ws, dir, { tasks: shapes, into: plan.sessionId })
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

export interface QueueWorkerOptions extends QueueWorkerSettingsInput {
  /** where the scratch workspaces go (default: the system's temporary folder); each is removed after its job */
  scratch?: string
  log?: (line: string) => void
  onState?: (jobId: string, state: QueuedState) => void
}

export interface QueueWorker {
  /** stop taking jobs; `force` also leaves the running ones (another worker takes them after the lock expires) */
  close(force?: boolean): Promise<void>
  /** jobs finished and failed here, and jobs taken up from another worker's checkpoint */
  readonly counts: { done: number; failed: number; resumed: number }
}

/** Take jobs from the queue at `url` and run their sessions here, `concurrency` at a time, until closed. */
export async function startQueueWorker(options: QueueWorkerOptions): Promise<QueueWorker> {
  const { scratch, log, onState, ...rest } = options
  const r = QueueWorkerSettings.safeParse(rest)
  if (!r.success) {
    const issue = r.error.issues[0]
    throw new Error(`queue worker: ${issue.path.join('.')}: ${issue.message}`)
  }
  const settings = r.data
  await probeQueue(settings.url)
  const root = scratch ?? tmpdir()
  mkdirSync(root, { recursive: true })
  const counts = { done: 0, failed: 0, resumed: 0 }
  const lockDuration = settings.lockSeconds * 1000
  // checkpoints go through their own connection (BullMQ's may be blocked waiting for jobs)
  const checkpoints = connection(settings.url)
  const context: JobContext = {
    root,
    log,
    redis: checkpoints,
    checkpointMs: settings.checkpointSeconds * 1000,
    onResumed: () => counts.resumed++,
  }
  const worker = new Worker<SessionJobData, SessionBundle>(QUEUE_NAME, (job) => runJob(job, context), {
    connection: connection(settings.url),
    concurrency: settings.concurrency,
    lockDuration,
    // the stalled-job check runs as often as a lock lasts: a dead worker's job waits at most two lock times
    stalledInterval: lockDuration,
    maxStalledCount: MAX_STALLED,
    autorun: false,
  })
  worker.on('active', (job) => onState?.(job.id!, 'running'))
  worker.on('completed', (job) => {
    counts.done++
    onState?.(job.id!, 'done')
  })
  worker.on('failed', (job, err) => {
    counts.failed++
    if (job) onState?.(job.id!, 'failed')
    log?.(`${job?.id ?? 'a job'} failed: ${failureLine(err)}`)
  })
  worker.on('error', (err) => log?.(`queue: ${failureLine(err)}`))
  void worker.run()
  await worker.waitUntilReady()
  return {
    counts,
    close: async (force = false) => {
      await worker.close(force)
      checkpoints.disconnect()
    },
  }
}

interface JobContext extends CopyContext {
  root: string
  onResumed: () => void
}

/**
 * One job: the session in a scratch workspace through the one SessionHost, returned as a one-session export. The
 * workspace starts from the job's checkpoint in Redis when another worker left one, and is published there while
 * the session runs.
 */
async function runJob(job: Job<SessionJobData, SessionBundle>, ctx: JobContext): Promise<SessionBundle> {
  const { log } = ctx
  // The job's data came over the network: the running code's own schema checks it, and it must match its id.
  const config = SessionConfig.parse(job.data.config)
  if (jobIdFor(config) !== job.id) throw new Error(`job ${job.id} does not carry the configuration its id names`)
  const why = queueable(config)
  if (why) throw new Error(`job ${job.id} cannot run on a queue worker: ${why}`)
  log?.(`${job.id}: ${config.taskId} ${algoLabel(config)} seed ${config.seed} budget ${config.budget}`)
  const key = checkpointKey(job.id)
  const dir = mkdtempSync(join(ctx.root, 'iwb-worker-'))
  try {
    const file = join(dir, 'session.sqlite')
    const restored = await restoreCheckpoint(ctx, job.id, key, file, config)
    const twin = restored ? null : await restoreTwin(ctx, job.id, file, config)
    const ws = openWorkspace(file)
    let result: SessionOutcome | null
    try {
      let sessionId = restored?.sessionId ?? null
      if (restored) {
        // the copy still names the dead worker's lease
        ws.dropLease(restored.sessionId)
        ctx.onResumed()
        log?.(`${job.id}: resumed from a checkpoint at ${restored.labels} labels`)
      }
      sessionId ??= ws.createSession(config).sessionId
      if (twin) log?.(`${job.id}: starts beside its BC twin from ${twin}`)
      if (ws.sessionInfo(sessionId).status === 'finished') {
        result = null
      } else {
        let last = 0
        const host = new SessionHost({
          ws,
          sessionId,
          owner: `iwb worker (job ${job.id})`,
          // the twin's id here is the scratch workspace's, which the study never sees
          twinName: twin ? `its BC twin on ${twin}` : undefined,
          onProgress: (progress) => {
            const now = Date.now()
            if (now - last < PROGRESS_EVERY_MS && !progress.evaluation && !FORK_PHASE.test(progress.phase)) return
            last = now
            job.updateProgress(progress as unknown as Record<string, unknown>).catch(() => {})
          },
        })
        const publisher = publishCheckpoints(ctx, ws, sessionId, key, restored?.labels ?? 0)
        let outcome: HostOutcome
        try {
          outcome = await host.done
        } finally {
          await publisher.stop()
        }
        if (outcome.status !== 'finished') throw new Error(outcome.error ?? `the session ended ${outcome.status}`)
        result = outcome.result
        if (config.algo === 'bc') await publishTwin(ctx, ws, config)
      }
      exportWorkspace(ws, join(dir, 'export'), { sessionIds: [sessionId] })
    } finally {
      ws.close()
    }
    const files: Record<string, string> = {}
    let chars = 0
    for (const name of [
      'manifest.json',
      ...Object.keys(JSON.parse(readFileSync(join(dir, 'export', 'manifest.json'), 'utf8')).files as object),
    ]) {
      files[name] = readFileSync(join(dir, 'export', name), 'utf8')
      chars += files[name].length
    }
    if (chars > MAX_BUNDLE_CHARS)
      throw new Error(
        `the session's export is ${(chars / 2 ** 20).toFixed(0)} MiB, more than a queue result carries (${MAX_BUNDLE_CHARS / 2 ** 20} MiB)`,
      )
    // the result is what a rerun takes now; the checkpoint has served (it expires anyway)
    await ctx.redis.del(key).catch(() => {})
    return { files, result }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
