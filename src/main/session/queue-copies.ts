// The workspace copies the study queue keeps in Redis beside its jobs (queue.ts), each one hash kept KEEP_SECONDS:
// a running job's checkpoint (its scratch workspace, published every few seconds) that another worker continues
// when this one dies, and a finished BC session's workspace under its twin key (shared/warm-fork.ts) that
// WARM-STAGGER jobs of the same offline prefix start from. A copy that cannot be used is said in one line and its
// job runs in full: the same result, later.
import { createHash } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { hostname, tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Redis } from 'ioredis'
import { QUEUE_NAME } from '../../shared/queue'
import { offlineShare, type SessionConfig } from '../../shared/session-config'
import { twinKey } from '../../shared/warm-fork'
import { exportWorkspace, importExport, openWorkspace, type TaskShapes, type Workspace } from '../store'

/** Finished and failed jobs, checkpoints and twins stay in Redis this long (a rerun within it takes them). */
export const KEEP_SECONDS = 7 * 24 * 3600
/** A scratch workspace larger than this is not published as a checkpoint (its job would then start over). */
export const MAX_CHECKPOINT_BYTES = 64 * 2 ** 20

/** What the copies need of a worker (or of the submitting study): its Redis connection and its log. */
export interface CopyContext {
  redis: Redis
  log?: (l: string) => void
  /** how often a running job's checkpoint is published */
  checkpointMs: number
}

/** The Redis hash holding a running job's latest checkpoint: `labels` (a count, to read) and `db` (the file). */
export function checkpointKey(jobId: string): string {
  return `${QUEUE_NAME}:checkpoint:${jobId}`
}

/** The Redis key of the finished BC session that WARM-STAGGER jobs of `config`'s offline prefix can fork from. */
export function twinRedisKey(config: SessionConfig): string {
  return `${QUEUE_NAME}:twin:${createHash('sha256').update(twinKey(config)).digest('hex').slice(0, 40)}`
}

/** A workspace copy from Redis that could not be used, with the files SQLite keeps beside it. */
function removeWorkspaceCopy(file: string): void {
  for (const f of [file, `${file}-wal`, `${file}-shm`]) rmSync(f, { force: true })
}

/** One hash in Redis, written at once and kept KEEP_SECONDS (checkpoints and twins). */
function putHash(redis: Redis, key: string, fields: Record<string, string | Buffer>): Promise<unknown> {
  return redis.multi().hset(key, fields).expire(key, KEEP_SECONDS).exec()
}

/**
 * A WARM-STAGGER job's start: the workspace of its BC twin's finished session from Redis into `file`, if a worker
 * left one (the session worker then forks from the twin). Anything unusable is said in one line and the job runs
 * in full. Returns the host the twin ran on, or null.
 */
export async function restoreTwin(
  ctx: CopyContext,
  jobId: string,
  file: string,
  config: SessionConfig,
): Promise<string | null> {
  if (config.algo !== 'warm-stagger') return null
  const [bytes, host] = await ctx.redis.hmgetBuffer(twinRedisKey(config), 'db', 'host').catch(() => [null, null])
  if (!bytes) return null
  try {
    writeFileSync(file, bytes)
    openWorkspace(file).close() // a copy this code cannot open is not started from
    return host?.toString() ?? 'another worker'
  } catch (err) {
    ctx.log?.(`${jobId}: its BC twin's workspace cannot be used (${(err as Error).message}); running in full`)
    removeWorkspaceCopy(file)
    return null
  }
}

/** A finished BC session's workspace into Redis under its twin key, for WARM-STAGGER jobs (at most MAX_CHECKPOINT_BYTES). */
export async function publishTwin(ctx: CopyContext, ws: Workspace, config: SessionConfig): Promise<void> {
  let bytes: Buffer
  try {
    bytes = ws.snapshot()
  } catch {
    return // its WARM-STAGGER twins run in full
  }
  if (bytes.length > MAX_CHECKPOINT_BYTES) return
  // Redis away: the twins run in full
  await putHash(ctx.redis, twinRedisKey(config), { db: bytes, host: hostname() }).catch(() => {})
}

/**
 * A WARM-STAGGER plan's twin that is in the study's workspace (run there before, or imported) but was never left in
 * Redis by a worker: published as a worker would, the session alone with its fork checkpoints, so the job forks
 * instead of computing the offline prefix again. Nothing when Redis holds a twin already. Returns whether it did.
 */
export async function publishStudyTwin(
  redis: Redis,
  ws: Workspace,
  config: SessionConfig,
  shapes: TaskShapes,
): Promise<boolean> {
  if (config.algo !== 'warm-stagger' || (await redis.exists(twinRedisKey(config)))) return false
  const twin = ws.findTwin(config, offlineShare(config))
  if (!twin) return false
  const dir = mkdtempSync(join(tmpdir(), 'iwb-queue-twin-'))
  try {
    exportWorkspace(ws, join(dir, 'export'), { sessionIds: [twin.sessionId] })
    const copy = openWorkspace(join(dir, 'twin.sqlite'))
    let bytes: Buffer
    try {
      const id = importExport(copy, join(dir, 'export'), { tasks: shapes }).sessions.get(twin.sessionId)!
      copy.addForkCheckpoints(id, ws.forkCheckpoints(twin.sessionId))
      bytes = copy.snapshot()
    } finally {
      copy.close()
    }
    if (bytes.length > MAX_CHECKPOINT_BYTES) return false
    await putHash(redis, twinRedisKey(config), { db: bytes, host: `${hostname()} (the study's workspace)` })
    return true
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/**
 * The job's checkpoint from Redis into `file`, if there is one this code can continue: the session of exactly
 * this configuration in it, with its stored labels. Anything else (none, another schema or algorithm version, a
 * damaged copy) is said in one line and the job starts over.
 */
export async function restoreCheckpoint(
  ctx: CopyContext,
  jobId: string,
  key: string,
  file: string,
  config: SessionConfig,
): Promise<{ sessionId: number; labels: number } | null> {
  const bytes = await ctx.redis.hgetBuffer(key, 'db')
  if (!bytes) return null
  try {
    writeFileSync(file, bytes)
    const ws = openWorkspace(file)
    try {
      const sessionId = ws.findResumable(config) ?? ws.findFinished(config)
      if (sessionId === null) throw new Error('it holds no session of this configuration')
      return { sessionId, labels: ws.sessionInfo(sessionId).labels }
    } finally {
      ws.close()
    }
  } catch (err) {
    ctx.log?.(`${jobId}: its checkpoint cannot be continued (${(err as Error).message}); starting over`)
    removeWorkspaceCopy(file)
    return null
  }
}

/**
 * Publish the scratch workspace to Redis every `checkpointMs` while the session stores new labels: one HSET of
 * its label count and a consistent copy of the file (at most MAX_CHECKPOINT_BYTES), kept KEEP_SECONDS.
 */
export function publishCheckpoints(
  ctx: CopyContext,
  ws: Workspace,
  sessionId: number,
  key: string,
  from: number,
): { stop: () => Promise<void> } {
  let published = from
  let inFlight: Promise<unknown> | null = null
  let warned = false
  const tick = (): void => {
    if (inFlight) return
    let labels: number
    let bytes: Buffer
    try {
      labels = ws.sessionInfo(sessionId).labels
      if (labels <= published) return
      bytes = ws.snapshot()
    } catch {
      return // a busy workspace this once: the next tick tries again
    }
    if (bytes.length > MAX_CHECKPOINT_BYTES) {
      if (!warned)
        ctx.log?.(
          `session ${sessionId}: its workspace is ${(bytes.length / 2 ** 20).toFixed(0)} MiB, more than a checkpoint carries (${MAX_CHECKPOINT_BYTES / 2 ** 20} MiB); not published`,
        )
      warned = true
      return
    }
    inFlight = putHash(ctx.redis, key, { labels: String(labels), db: bytes })
      .then(() => (published = labels))
      .catch(() => {}) // Redis away this once: the next tick tries again
      .finally(() => (inFlight = null))
  }
  const timer = setInterval(tick, ctx.checkpointMs)
  timer.unref()
  return {
    stop: async () => {
      clearInterval(timer)
      await inFlight
    },
  }
}
