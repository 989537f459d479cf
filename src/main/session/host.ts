// The one session host: every place that runs a learning session (the page's sessions service, `iwb run`,
// `iwb compare`) starts it here. The host takes the session's lease in the workspace (so a session runs in at most
// one place), keeps it alive with a heartbeat, starts the session worker, relays its progress and query prompts,
// and settles the session's status and lease when the worker ends, however it ends.
import { randomUUID } from 'node:crypto'
import { availableParallelism, hostname } from 'node:os'
import type { Worker } from 'node:worker_threads'
import type { QueryPrompt, TakeoverLive } from '../../shared/contract'
import type { HumanCommit } from '../learn/human-oracle'
import type { SessionProgress } from '../learn/session-runner'
import { taskCarry } from '../sim/registry'
import type { Workspace } from '../store'
import { startWorker } from '../workers'
import type { FromSessionWorker, SessionOutcome, ToSessionWorker } from './protocol'

/**
 * A lease not renewed for this long belongs to a process that died; resume may take it over. On the lease's own host
 * a process that is gone frees it at once (Workspace.acquireLease); the ttl is for a holder on another machine.
 */
export const LEASE_TTL_MS = 8000
export const HEARTBEAT_MS = 1000

/** the most rollout threads a person's STAGGER draws its prompts on */
export const MAX_DRAW_THREADS = 4

/**
 * Draw threads for a person's STAGGER on this machine: the cores but one (the session's own thread), at least 2
 * and at most MAX_DRAW_THREADS. An exact draw costs H/2 to H control steps, so a person who answers at once waits
 * about that divided by the threads (docs/PERSON.md, `iwb bench query`).
 */
export function drawThreads(cores = availableParallelism()): number {
  return Math.min(MAX_DRAW_THREADS, Math.max(2, cores - 1))
}

export interface HostOptions {
  /** the host thread's connection: the lease and the session's status are written through it */
  ws: Workspace
  sessionId: number
  /** who runs it, as a person would name it: 'iwb run', 'iwb compare', 'the workbench page server' */
  owner: string
  /** rollout workers for evaluation episodes (0: in the session worker); the curve is the same either way */
  evalWorkers?: number
  stopAfterLabels?: number
  /** how a forked session's progress names its BC twin (default "BC session ID", the id in `ws`) */
  twinName?: string
  lookahead?: boolean
  /** rollout workers for a person's lookahead draws (default: as many as evalWorkers) */
  lookaheadWorkers?: number
  onProgress?: (p: SessionProgress) => void
  onPrompt?: (p: QueryPrompt) => void
  /** a live takeover session's steps (hg-dagger with a person) */
  onLive?: (l: TakeoverLive) => void
  leaseTtlMs?: number
  heartbeatMs?: number
}

export interface HostOutcome {
  sessionId: number
  /** the session's stored status after the worker ended */
  status: string
  result: SessionOutcome | null
  error: string | null
}

// Query ids are unique within the process and unlikely to repeat across restarts (a stale page cannot answer
// a new query by accident): each hosted run takes a block of a million ids from a clock-seeded counter.
let queryIdBlock = Math.floor(Date.now() / 1000) % 1_000_000

export class SessionHost {
  readonly sessionId: number
  readonly human: boolean
  /** prompts waiting for a person's answer */
  readonly prompts = new Map<number, QueryPrompt>()
  /** settles when the worker has ended and the session's status and lease are settled */
  readonly done: Promise<HostOutcome>
  private readonly worker: Worker
  private readonly replies = new Map<number, (r: { ok: boolean; error?: string }) => void>()
  private nextReq = 1
  private stopping: 'pause' | 'cancel' | null = null

  /** Take the lease (throws a one-line StoreError 'busy' naming the owner when it runs elsewhere) and start. */
  constructor(private readonly o: HostOptions) {
    const { ws, sessionId } = o
    this.sessionId = sessionId
    const config = ws.openSession(sessionId).config
    this.human = config.oracle === 'human'
    const token = randomUUID()
    ws.acquireLease(sessionId, {
      token,
      owner: `${o.owner} (pid ${process.pid} on ${hostname()})`,
      ttlMs: o.leaseTtlMs ?? LEASE_TTL_MS,
    })
    ws.openSession(sessionId).setStatus('running')
    this.worker = startWorker(new URL('./session-worker.ts', import.meta.url))
    let result: SessionOutcome | null = null
    let failure: string | null = null
    const heartbeat = setInterval(() => {
      try {
        // Lost: it expired (this thread stalled past the ttl) and another host took it; stop at once.
        if (!ws.renewLease(sessionId, token)) {
          failure = `session ${sessionId} was taken over by another process`
          void this.worker.terminate()
        }
      } catch {
        // a locked workspace this once: the next beat tries again
      }
    }, o.heartbeatMs ?? HEARTBEAT_MS)
    heartbeat.unref()

    this.worker.on('message', (msg: FromSessionWorker) => {
      switch (msg.type) {
        case 'progress':
          o.onProgress?.(msg.progress)
          break
        case 'prompt':
          this.prompts.set(msg.prompt.queryId, msg.prompt)
          o.onPrompt?.(msg.prompt)
          break
        case 'live':
          o.onLive?.(msg.live)
          break
        case 'settled':
          this.prompts.delete(msg.queryId)
          break
        case 'reply':
          this.replies.get(msg.reqId)?.({ ok: msg.ok, error: msg.error })
          this.replies.delete(msg.reqId)
          break
        case 'done':
        case 'failed':
          if (msg.type === 'done') result = msg.result
          else failure = msg.error
          // The worker has cleaned up and closes its port; end it anyway if something keeps it alive.
          setTimeout(() => void this.worker.terminate(), 5000).unref()
          break
      }
    })
    this.worker.on('error', (err) => {
      failure = err.message
    })
    this.done = new Promise<HostOutcome>((resolve) => {
      this.worker.on('exit', () => {
        clearInterval(heartbeat)
        for (const reply of this.replies.values()) reply({ ok: false, error: 'the session stopped' })
        this.replies.clear()
        this.prompts.clear()
        let status = 'unknown'
        try {
          // A worker that died without settling its session (crash, terminate) leaves it resumable or failed.
          status = ws.sessionInfo(sessionId).status
          if (status === 'running') {
            status = failure ? 'failed' : this.stopping === 'cancel' ? 'cancelled' : 'paused'
            ws.openSession(sessionId).setStatus(status as 'failed' | 'paused' | 'cancelled')
          }
          ws.releaseLease(sessionId, token)
        } catch {
          // the workspace is closed already; the lease expires on its own
        }
        resolve({ sessionId, status, result, error: failure })
      })
    })

    this.worker.postMessage({
      type: 'run',
      file: ws.file,
      sessionId,
      leaseToken: token,
      firstQueryId: queryIdBlock++ * 1_000_000 + 1,
      evalWorkers: o.evalWorkers ?? 0,
      stopAfterLabels: o.stopAfterLabels,
      twinName: o.twinName,
      lookahead: o.lookahead,
      lookaheadWorkers: Math.min(MAX_DRAW_THREADS, o.lookaheadWorkers ?? o.evalWorkers ?? 0),
      folderTask: taskCarry(config.taskId),
    } satisfies ToSessionWorker)
  }

  /** A person's answer to a waiting query; resolves once its label is stored. */
  answer(queryId: number, commit: HumanCommit): Promise<{ ok: boolean; error?: string }> {
    return this.request((reqId) => ({ type: 'answer', reqId, queryId, commit }))
  }

  /** A person passes on a waiting query; the query is stored with their operator name (when named). */
  skip(queryId: number, operator?: string): Promise<{ ok: boolean; error?: string }> {
    return this.request((reqId) => ({ type: 'skip', reqId, queryId, operator }))
  }

  /** A takeover session's person input (latest wins; the worker checks it against the task). */
  steer(held: boolean, action: number[]): void {
    this.worker.postMessage({ type: 'steer', held, action } satisfies ToSessionWorker)
  }

  /** Pause or cancel at the next round; waits until the worker has stopped and the status is stored. */
  async stop(how: 'pause' | 'cancel', graceMs = 30_000): Promise<HostOutcome> {
    if (!this.stopping) {
      this.stopping = how
      this.worker.postMessage({ type: 'abort', reason: how } satisfies ToSessionWorker)
    }
    // A runner stuck in a long evaluation still stops at the next round; give it a while, then end the thread.
    const timer = setTimeout(() => void this.worker.terminate(), graceMs)
    timer.unref()
    try {
      return await this.done
    } finally {
      clearTimeout(timer)
    }
  }

  private request(make: (reqId: number) => ToSessionWorker): Promise<{ ok: boolean; error?: string }> {
    const reqId = this.nextReq++
    return new Promise((resolve) => {
      this.replies.set(reqId, resolve)
      this.worker.postMessage(make(reqId))
    })
  }
}
