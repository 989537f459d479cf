// Sessions for configurations: find the stored session a configuration names (finished, or one to resume) or
// make one, and run several through SessionHosts a few at a time (`iwb compare`; `iwb run` is a sweep of one), or
// through the study queue (queue.ts) on `iwb worker` processes anywhere.
import type { QueuedState } from '../../shared/queue'
import type { SessionConfig } from '../../shared/session-config'
import { assertStandardisable } from '../experts/registry'
import type { SessionProgress } from '../learn/session-runner'
import type { Workspace } from '../store'
import { SessionHost, type HostOutcome } from './host'
import { queueUrl, sweepOnQueue } from './queue'

export interface SessionPlan {
  config: SessionConfig
  sessionId: number
  /** 'finished': stored with exactly this configuration, reused; 'resume': stored unfinished; 'new': made now */
  kind: 'finished' | 'resume' | 'new'
  /** labels stored before this run */
  storedLabels: number
}

/** The session for a configuration: a finished one with exactly this configuration, an unfinished one, or new. */
export function planSession(
  ws: Workspace,
  config: SessionConfig,
  opts: { fresh?: boolean; create?: boolean } = {},
): SessionPlan | null {
  if (!opts.fresh) {
    const finished = ws.findFinished(config)
    if (finished !== null)
      return { config, sessionId: finished, kind: 'finished', storedLabels: ws.sessionInfo(finished).labels }
    const resumable = ws.findResumable(config)
    if (resumable !== null)
      return { config, sessionId: resumable, kind: 'resume', storedLabels: ws.sessionInfo(resumable).labels }
  }
  if (opts.create === false) return null
  assertStandardisable(config.taskId, config.standardise) // before the session is stored
  return { config, sessionId: ws.createSession(config).sessionId, kind: 'new', storedLabels: 0 }
}

export interface SweepOptions {
  owner: string
  /** sessions at a time (default 2: the machines have two cores) */
  parallel?: number
  /** rollout workers per session for evaluations (default 0: in each session's worker) */
  evalWorkers?: number
  onProgress?: (index: number, p: SessionProgress) => void
  onDone?: (index: number, o: HostOutcome) => void
  /** a plan's place: queued (on the queue; locally: waiting for a lane), running, done or failed */
  onState?: (index: number, state: QueuedState) => void
  signal?: AbortSignal
  /**
   * A redis:// or rediss:// URL (shared/queue.ts): the plans that are not finished go to the study queue there and
   * `iwb worker` processes run them (`parallel` and `evalWorkers` are then theirs); without it they run here on
   * local session worker threads.
   */
  queue?: string
}

/** Run every plan that is not finished, `parallel` at a time; finished plans are reported as they are. */
export async function runSweep(
  ws: Workspace,
  plans: readonly SessionPlan[],
  opts: SweepOptions,
): Promise<HostOutcome[]> {
  const out: HostOutcome[] = new Array(plans.length)
  // BC first and WARM-STAGGER last: a WARM-STAGGER session that starts after its BC twin has passed its switch
  // copies the twin's offline prefix instead of computing it again (warm-fork.ts; the results are the same). The
  // queue takes jobs in the order they are added.
  const rank = (p: SessionPlan): number => (p.config.algo === 'bc' ? 0 : p.config.algo === 'warm-stagger' ? 2 : 1)
  const order = plans.map((_, i) => i).sort((a, b) => rank(plans[a]) - rank(plans[b]) || a - b)
  if (opts.queue !== undefined) {
    const url = queueUrl(opts.queue)
    const todo: number[] = []
    for (const i of order) {
      const plan = plans[i]
      if (plan.kind !== 'finished' && !opts.signal?.aborted) {
        todo.push(i)
        continue
      }
      out[i] = { sessionId: plan.sessionId, status: ws.sessionInfo(plan.sessionId).status, result: null, error: null }
      opts.onDone?.(i, out[i])
    }
    if (todo.length) await sweepOnQueue(ws, plans, todo, url, opts, out)
    return out
  }
  const running = new Set<SessionHost>()
  const stop = (): void => void Promise.all([...running].map((h) => h.stop('pause')))
  opts.signal?.addEventListener('abort', stop)
  let next = 0
  const lane = async (): Promise<void> => {
    while (next < order.length) {
      const i = order[next++]
      const plan = plans[i]
      if (plan.kind === 'finished' || opts.signal?.aborted) {
        out[i] = { sessionId: plan.sessionId, status: ws.sessionInfo(plan.sessionId).status, result: null, error: null }
      } else {
        try {
          const host = new SessionHost({
            ws,
            sessionId: plan.sessionId,
            owner: opts.owner,
            evalWorkers: opts.evalWorkers ?? 0,
            onProgress: (p) => opts.onProgress?.(i, p),
          })
          running.add(host)
          opts.onState?.(i, 'running')
          out[i] = await host.done
          running.delete(host)
          opts.onState?.(i, out[i].error || out[i].status === 'failed' ? 'failed' : 'done')
        } catch (e) {
          opts.onState?.(i, 'failed')
          // refused: it runs elsewhere (its lease is live), or the workspace could not be written
          out[i] = {
            sessionId: plan.sessionId,
            status: ws.sessionInfo(plan.sessionId).status,
            result: null,
            error: (e as Error).message,
          }
        }
      }
      opts.onDone?.(i, out[i])
    }
  }
  try {
    await Promise.all(Array.from({ length: Math.max(1, Math.min(opts.parallel ?? 2, plans.length)) }, lane))
  } finally {
    opts.signal?.removeEventListener('abort', stop)
  }
  return out
}
