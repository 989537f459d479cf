// The learning sessions of one workbench: each running session is a worker thread (session-worker.ts) on the
// shared workspace file. The manager starts, pauses, resumes and cancels them, relays query prompts to every
// page and answers back, and turns the runner's progress into 'progress' and 'session.update' broadcasts.
// Sessions outlive the app: at start-up any session left 'running' (the app died) becomes 'paused', and
// resuming it continues from its stored labels and policy.
import type { Worker } from 'node:worker_threads'
import type { Input, Output, QueryPrompt, SessionInfo } from '../../../shared/contract'
import { hasExpert } from '../../experts/registry'
import type { HumanCommit } from '../../learn/human-oracle'
import type { SessionConfig } from '../../learn/session-log'
import type { SessionProgress } from '../../learn/session-runner'
import { taskInfo } from '../../sim/registry'
import type { Workspace } from '../../store'
import { startWorker } from '../../workers'
import type { Broadcaster, Handler } from '../service-types'
import type { FromSessionWorker, ToSessionWorker } from './session-protocol'

export interface SessionManagerOptions {
  /** rollout workers per session for evaluation episodes (0: evaluate inside the session worker) */
  evalWorkers?: number
  trainerWhere?: 'worker' | 'local'
}

interface Run {
  sessionId: number
  worker: Worker
  prompts: Map<number, QueryPrompt>
  replies: Map<number, (r: { ok: boolean; error?: string }) => void>
  /** resolves when the worker has exited */
  exited: Promise<void>
  stopping: 'pause' | 'cancel' | null
  human: boolean
}

export type StartInput = Parameters<Handler<'sessions.start'>>[0]

export const sessionJobId = (sessionId: number): string => `session-${sessionId}`

// Query ids are unique within the process and unlikely to repeat across restarts (a stale page cannot answer
// a new query by accident): each session run takes a block of a million ids from a clock-seeded counter.
let queryIdBlock = Math.floor(Date.now() / 1000) % 1_000_000

export class SessionManager {
  private readonly runs = new Map<number, Run>()
  private nextReq = 1
  private closed = false

  constructor(
    private readonly ws: Workspace,
    private readonly broadcaster: Broadcaster,
    private readonly options: SessionManagerOptions = {},
  ) {}

  /** At start-up: sessions the last run of the app left 'running' can only be resumed, so call them paused. */
  recover(): number[] {
    const stale = this.ws.listSessions().filter((s) => s.status === 'running' && !this.runs.has(s.id))
    for (const s of stale) this.ws.openSession(s.id).setStatus('paused')
    return stale.map((s) => s.id)
  }

  list(): SessionInfo[] {
    return this.ws.listSessions()
  }

  info(id: number): SessionInfo {
    return this.ws.sessionInfo(id)
  }

  isRunning(id: number): boolean {
    return this.runs.has(id)
  }

  start(input: StartInput, run: { stopAfterLabels?: number } = {}): SessionInfo {
    const task = taskInfo(input.taskId) // throws for an unknown task
    if (input.algo !== 'stagger' && input.algo !== 'dagger' && !hasExpert(task.id))
      throw new Error(`${input.algo} needs offline expert labels, and task ${task.id} has no expert`)
    if (input.oracle === 'expert' && !hasExpert(task.id))
      throw new Error(`task ${task.id} has no simulated expert; use oracle 'human'`)
    const config: SessionConfig = {
      taskId: task.id,
      algo: input.algo,
      warmFraction: input.algo === 'warm-stagger' ? (input.warmFraction ?? 0.5) : null,
      oracle: input.oracle,
      budget: input.budget,
      seed: input.seed,
      costRatio: input.costRatio,
      schedule: 'incremental',
      loss: 'nll',
      // The authors evaluated every 50 labels over 25 episodes.
      evalEvery: input.evalEvery ?? 50,
      evalEpisodes: input.evalEpisodes ?? 25,
    }
    const log = this.ws.createSession(config)
    log.setStatus('running')
    this.launch(log.sessionId, run)
    const info = this.info(log.sessionId)
    this.broadcaster.broadcast('session.update', info)
    return info
  }

  /** pause / resume / cancel; pause and cancel wait until the worker has stopped and the status is stored. */
  async control(
    id: number,
    command: 'pause' | 'resume' | 'cancel',
    run: { stopAfterLabels?: number } = {},
  ): Promise<SessionInfo> {
    const info = this.info(id) // throws not-found
    const r = this.runs.get(id)
    if (command === 'resume') {
      if (r) return info
      if (info.status === 'finished' || info.status === 'cancelled')
        throw new Error(`session ${id} is ${info.status}; it cannot be resumed`)
      this.ws.openSession(id).setStatus('running')
      this.launch(id, run)
      const resumed = this.info(id)
      this.broadcaster.broadcast('session.update', resumed)
      return resumed
    }
    if (r) {
      await this.stop(r, command)
    } else if (info.status !== 'finished' && info.status !== 'cancelled') {
      this.ws.openSession(id).setStatus(command === 'pause' ? 'paused' : 'cancelled')
    }
    const after = this.info(id)
    this.broadcaster.broadcast('session.update', after)
    return after
  }

  /** Wait for a session's worker to finish on its own (tests, the CLI bench). */
  async settled(id: number): Promise<SessionInfo> {
    const r = this.runs.get(id)
    if (r) await r.exited
    return this.info(id)
  }

  prompts(): QueryPrompt[] {
    return [...this.runs.values()].flatMap((r) => [...r.prompts.values()])
  }

  async answer(input: Input<'queries.answer'>): Promise<Output<'queries.answer'>> {
    const r = this.owner(input.queryId)
    const commit: HumanCommit = {
      action: input.action,
      firstInputMs: input.firstInputMs,
      commitMs: input.commitMs,
      operator: input.operator,
    }
    const reply = await this.request(r, (reqId) => ({ type: 'answer', reqId, queryId: input.queryId, commit }))
    if (!reply.ok) throw new Error(reply.error ?? `query ${input.queryId} was not answered`)
    const info = this.info(r.sessionId)
    return { ok: true, labels: info.labels, cost: info.cost }
  }

  async skip(queryId: number): Promise<boolean> {
    const r = [...this.runs.values()].find((x) => x.prompts.has(queryId))
    if (!r) return false
    const reply = await this.request(r, (reqId) => ({ type: 'skip', reqId, queryId }))
    return reply.ok
  }

  /** No page is left to answer: pause the human sessions, abandoning their waiting queries (no label). */
  async pauseHumanSessions(): Promise<void> {
    await Promise.all([...this.runs.values()].filter((r) => r.human).map((r) => this.stop(r, 'pause')))
  }

  /** The workbench is closing: pause every running session so it can be resumed next time. */
  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    await Promise.all([...this.runs.values()].map((r) => this.stop(r, 'pause')))
  }

  private owner(queryId: number): Run {
    const r = [...this.runs.values()].find((x) => x.prompts.has(queryId))
    if (!r) throw new Error(`query ${queryId} is not waiting for an answer (answered, skipped or abandoned)`)
    return r
  }

  private request(r: Run, make: (reqId: number) => ToSessionWorker): Promise<{ ok: boolean; error?: string }> {
    const reqId = this.nextReq++
    return new Promise((resolve) => {
      r.replies.set(reqId, resolve)
      r.worker.postMessage(make(reqId))
    })
  }

  private async stop(r: Run, how: 'pause' | 'cancel'): Promise<void> {
    if (!r.stopping) {
      r.stopping = how
      r.worker.postMessage({ type: 'abort', reason: how } satisfies ToSessionWorker)
    }
    // A runner stuck in a long evaluation still stops at the next round; give it a while, then end the thread.
    const timeout = new Promise<'timeout'>((res) => setTimeout(() => res('timeout'), 30_000).unref())
    if ((await Promise.race([r.exited, timeout])) === 'timeout') await r.worker.terminate()
    await r.exited
  }

  private launch(sessionId: number, run: { stopAfterLabels?: number }): void {
    if (this.closed) throw new Error('the workbench is closing')
    const config = this.ws.openSession(sessionId).config
    const worker = startWorker(new URL('./session-worker.ts', import.meta.url))
    let markExited: () => void = () => undefined
    const r: Run = {
      sessionId,
      worker,
      prompts: new Map(),
      replies: new Map(),
      exited: new Promise<void>((res) => (markExited = res)),
      stopping: null,
      human: config.oracle === 'human',
    }
    this.runs.set(sessionId, r)
    const jobId = sessionJobId(sessionId)
    let failure: string | null = null

    worker.on('message', (msg: FromSessionWorker) => {
      switch (msg.type) {
        case 'progress':
          this.progress(sessionId, msg.progress)
          break
        case 'prompt':
          r.prompts.set(msg.prompt.queryId, msg.prompt)
          this.broadcaster.broadcast('query.prompt', msg.prompt)
          break
        case 'settled':
          r.prompts.delete(msg.queryId)
          break
        case 'reply':
          r.replies.get(msg.reqId)?.({ ok: msg.ok, error: msg.error })
          r.replies.delete(msg.reqId)
          break
        case 'done':
        case 'failed':
          // The worker has cleaned up and closes its port; end it anyway if something keeps it alive.
          if (msg.type === 'failed') failure = msg.error
          setTimeout(() => void worker.terminate(), 5000).unref()
          break
      }
    })
    worker.on('error', (err) => {
      failure = err.message
    })
    worker.on('exit', () => {
      this.runs.delete(sessionId)
      for (const resolve of r.replies.values()) resolve({ ok: false, error: 'the session stopped' })
      r.replies.clear()
      r.prompts.clear()
      let info: SessionInfo | null = null
      try {
        // A worker that died without settling its session (crash, terminate) leaves it resumable or failed.
        const status = this.ws.sessionInfo(sessionId).status
        if (status === 'running') this.ws.openSession(sessionId).setStatus(failure ? 'failed' : 'paused')
        info = this.ws.sessionInfo(sessionId)
      } catch {
        // the workspace is closed already
      }
      if (info) {
        this.broadcaster.broadcast('session.update', info)
        this.broadcaster.broadcast('progress', {
          jobId,
          kind: 'session',
          done: info.cost,
          total: info.budget,
          message: info.status,
          finished: true,
          ...(failure ? { error: failure } : {}),
        })
      }
      markExited()
    })

    const first = queryIdBlock++ * 1_000_000 + 1
    worker.postMessage({
      type: 'run',
      file: this.ws.file,
      sessionId,
      firstQueryId: first,
      evalWorkers: this.options.evalWorkers ?? 2,
      stopAfterLabels: run.stopAfterLabels,
      trainerWhere: this.options.trainerWhere,
    } satisfies ToSessionWorker)
  }

  private progress(sessionId: number, p: SessionProgress): void {
    this.broadcaster.broadcast('progress', {
      jobId: sessionJobId(sessionId),
      kind: 'session',
      done: Math.min(p.cost, p.budget),
      total: p.budget,
      message: `${p.phase}: ${p.labels} labels${p.lastReturn !== null ? `, return ${p.lastReturn.toFixed(1)}` : ''}`,
    })
    try {
      this.broadcaster.broadcast('session.update', this.info(sessionId))
    } catch {
      // closing
    }
  }
}
