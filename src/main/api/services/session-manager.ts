// The learning sessions of one workbench, each run by a SessionHost (src/main/session: lease, worker thread,
// heartbeat) on the shared workspace file. The manager starts, pauses, resumes and cancels them, relays query
// prompts to every page and answers back, and turns progress into 'progress' and 'session.update' broadcasts.
// Sessions outlive the app: at start-up a session left 'running' by a process that died (its lease expired)
// becomes 'paused', and resuming it continues exactly from its last checkpoint.
import { TakeoverEpisode, type Input, type Output, type QueryPrompt, type SessionInfo } from '../../../shared/contract'
import { workbenchLimits } from '../../../shared/limits'
import { sessionConfig, type SessionConfigInput } from '../../../shared/session-config'
import { algorithm, TAKEOVER_ALGOS } from '../../../shared/algorithms'
import { assertStandardisable, hasExpert } from '../../experts/registry'
import type { HumanCommit } from '../../learn/human-oracle'
import type { SessionProgress } from '../../learn/session-runner'
import { drawThreads, SessionHost } from '../../session/host'
import { taskInfo } from '../../sim/registry'
import { resolveDemonstrations, type Workspace } from '../../store'
import { PromptDesk } from '../prompt-desk'
import type { Broadcaster } from '../service-types'

export interface SessionManagerOptions {
  /** rollout workers per session for evaluation episodes (0: evaluate inside the session worker) */
  evalWorkers?: number
  /** how this host names itself in a session's lease */
  owner?: string
  /** sessions running at once (src/shared/limits.ts); a start or resume beyond it is refused */
  maxRunning?: number
}

export type StartInput = SessionConfigInput

export const sessionJobId = (sessionId: number): string => `session-${sessionId}`

export class SessionManager {
  private readonly runs = new Map<number, SessionHost>()
  /** lanes lent to sweeps run beside the manager (the advice's curves): they count against the cap too */
  private lent = 0
  private closed = false
  /** which page answers which prompt when several pages answer (api/prompt-desk.ts) */
  readonly desk: PromptDesk

  constructor(
    private readonly ws: Workspace,
    private readonly broadcaster: Broadcaster,
    private readonly options: SessionManagerOptions = {},
  ) {
    this.desk = new PromptDesk({
      live: () => this.prompts(),
      broadcast: (p) => this.broadcaster.broadcast('query.prompt', p),
    })
  }

  /** At start-up: sessions left 'running' by a process that died (no live lease) can only be resumed: paused. */
  recover(): number[] {
    const stale = this.ws
      .listSessions()
      .filter((s) => s.status === 'running' && !this.runs.has(s.id) && !this.ws.leaseHolder(s.id))
    for (const s of stale) this.ws.openSession(s.id).setStatus('paused')
    return stale.map((s) => s.id)
  }

  list(): SessionInfo[] {
    return this.ws.listSessions().map((s) => this.live(s))
  }

  info(id: number): SessionInfo {
    return this.live(this.ws.sessionInfo(id))
  }

  /**
   * 'running' means some process runs it now (this one, or another holding its lease). One left 'running' by a
   * process that died, or whose host could not write its final status, is resumable: the page sees 'paused'.
   */
  private live(s: SessionInfo): SessionInfo {
    return s.status === 'running' && !this.runs.has(s.id) && !this.ws.leaseHolder(s.id) ? { ...s, status: 'paused' } : s
  }

  isRunning(id: number): boolean {
    return this.runs.has(id)
  }

  start(input: StartInput, run: { stopAfterLabels?: number } = {}): SessionInfo {
    const config = sessionConfig(input)
    const task = taskInfo(config.taskId) // throws for an unknown task
    if (algorithm(config.algo).offline !== null && config.offline.kind === 'expert' && !hasExpert(task.id))
      throw new Error(`${config.algo} needs offline expert labels, and task ${task.id} has no expert`)
    // Named demonstrations are checked here, so a bad choice is refused in one line before a session exists.
    if (config.offline.kind === 'demos') resolveDemonstrations(this.ws, task.id, config.offline)
    // a simulated person corrupts the expert's action: it needs the expert as much as the expert oracle does
    if (config.oracle !== 'human' && !hasExpert(task.id))
      throw new Error(`task ${task.id} has no simulated expert; use oracle 'human'`)
    assertStandardisable(task.id, config.standardise)
    this.checkCapacity() // before the session is stored: a refused start leaves nothing behind
    const log = this.ws.createSession(config)
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
      // a host whose session has stored its pause is still winding down: resume once it has ended
      if (r && info.status === 'running') return info
      if (r) await r.done
      if (info.status === 'finished' || info.status === 'cancelled')
        throw new Error(`session ${id} is ${info.status}; it cannot be resumed`)
      this.launch(id, run) // refuses, naming the owner, when it runs elsewhere
      const resumed = this.info(id)
      this.broadcaster.broadcast('session.update', resumed)
      return resumed
    }
    if (r) {
      await r.stop(command)
    } else {
      const holder = this.ws.leaseHolder(id)
      if (holder) throw new Error(`session ${id} is running in ${holder.owner}; stop it there`)
      if (info.status !== 'finished' && info.status !== 'cancelled')
        this.ws.openSession(id).setStatus(command === 'pause' ? 'paused' : 'cancelled')
    }
    const after = this.info(id)
    this.broadcaster.broadcast('session.update', after)
    return after
  }

  /** Wait for a session's worker to finish on its own (tests, the CLI bench). */
  async settled(id: number): Promise<SessionInfo> {
    const r = this.runs.get(id)
    if (r) await r.done
    return this.info(id)
  }

  prompts(): QueryPrompt[] {
    return [...this.runs.values()].flatMap((r) => [...r.prompts.values()])
  }

  /** A takeover session's person input, forwarded to its worker (latest wins). */
  steer(input: Input<'takeover.steer'>): void {
    const r = this.runs.get(input.sessionId)
    if (!r) throw new Error(`session ${input.sessionId} is not running here`)
    const config = this.ws.openSession(input.sessionId).config
    if (!TAKEOVER_ALGOS.includes(config.algo) || config.oracle !== 'human')
      throw new Error(`session ${input.sessionId} is not a takeover session with a person`)
    const { actDim } = taskInfo(config.taskId)
    if (input.held && input.action.length !== actDim)
      throw new Error(`action has ${input.action.length} values, task ${config.taskId} takes ${actDim}`)
    r.steer(input.held, input.action)
  }

  /**
   * A takeover session's episodes so far, as kept with its last checkpoint (empty before the first, and for the
   * sessions where the robot asks for takeovers, which log none).
   */
  takeoverEpisodes(sessionId: number): TakeoverEpisode[] {
    const log = this.ws.openSession(sessionId)
    if (!TAKEOVER_ALGOS.includes(log.config.algo)) throw new Error(`session ${sessionId} is not a takeover session`)
    const state = log.checkpoint()?.algorithm as { episodes?: unknown } | null | undefined
    const r = TakeoverEpisode.array().safeParse(state?.episodes ?? [])
    return r.success ? r.data : []
  }

  /** A page's answer; `pageId` is the answering page, refused in one line when another page holds or took it. */
  async answer(input: Input<'queries.answer'>, pageId: string): Promise<Output<'queries.answer'>> {
    this.desk.take(pageId, input.queryId) // first: a second answer is told who answered
    let r: SessionHost
    let reply: { ok: boolean; error?: string }
    try {
      r = this.owner(input.queryId)
      const commit: HumanCommit = {
        action: input.action,
        firstInputMs: input.firstInputMs,
        commitMs: input.commitMs,
        operator: input.operator,
      }
      reply = await r.answer(input.queryId, commit)
    } catch (err) {
      this.desk.undo(input.queryId)
      throw err
    }
    if (!reply.ok) {
      this.desk.undo(input.queryId)
      throw new Error(reply.error ?? `query ${input.queryId} was not answered`)
    }
    this.desk.done(input.queryId)
    const info = this.info(r.sessionId)
    return { ok: true, labels: info.labels, cost: info.cost }
  }

  /**
   * A page passes on a query (`operator`: the page's person, kept with the query as an answer keeps it): false when
   * it is not waiting, or is another page's.
   */
  async skip(queryId: number, pageId: string, operator?: string): Promise<boolean> {
    const r = [...this.runs.values()].find((x) => x.prompts.has(queryId))
    if (!r) return false
    try {
      this.desk.take(pageId, queryId, 'skip')
    } catch {
      return false
    }
    const ok = (await r.skip(queryId, operator)).ok
    if (ok) this.desk.done(queryId)
    else this.desk.undo(queryId)
    return ok
  }

  /** No page is left to answer: pause the human sessions, abandoning their waiting queries (no label). */
  async pauseHumanSessions(): Promise<void> {
    await Promise.all([...this.runs.values()].filter((r) => r.human).map((r) => r.stop('pause')))
  }

  /** The workbench is closing: pause every running session so it can be resumed next time. */
  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    await Promise.all([...this.runs.values()].map((r) => r.stop('pause')))
  }

  private owner(queryId: number): SessionHost {
    const r = [...this.runs.values()].find((x) => x.prompts.has(queryId))
    if (!r) throw new Error(`query ${queryId} is not waiting for an answer (answered, skipped or abandoned)`)
    return r
  }

  /**
   * Lanes for a sweep of sessions run outside the manager (runSweep: the advice's curves), counted against the
   * running-session cap like started sessions until released. Grants up to `want`; throws when none is free.
   */
  lend(want: number): { lanes: number; release(): void } {
    if (this.closed) throw new Error('the workbench is closing')
    const free = this.maxRunning() - this.runs.size - this.lent
    if (free < 1) this.checkCapacity()
    const lanes = Math.max(1, Math.min(want, free))
    this.lent += lanes
    let released = false
    return {
      lanes,
      release: () => {
        if (released) return
        released = true
        this.lent -= lanes
      },
    }
  }

  private maxRunning(): number {
    return this.options.maxRunning ?? workbenchLimits().sessions
  }

  private checkCapacity(): void {
    const running = this.runs.size + this.lent
    if (running >= this.maxRunning()) {
      throw new Error(
        `${running} sessions are running on this workbench, the most it runs at once; pause or cancel one first`,
      )
    }
  }

  private launch(sessionId: number, run: { stopAfterLabels?: number }): void {
    if (this.closed) throw new Error('the workbench is closing')
    this.checkCapacity()
    const host = new SessionHost({
      ws: this.ws,
      sessionId,
      owner: this.options.owner ?? 'the workbench',
      evalWorkers: this.options.evalWorkers ?? 2,
      lookaheadWorkers: drawThreads(),
      stopAfterLabels: run.stopAfterLabels,
      onProgress: (p) => this.progress(sessionId, p),
      onPrompt: (p) => this.desk.offer(p),
      onLive: (l) => this.broadcaster.broadcast('takeover.live', l),
    })
    this.runs.set(sessionId, host)
    const jobId = sessionJobId(sessionId)
    void host.done.then((outcome) => {
      this.runs.delete(sessionId)
      let info: SessionInfo | null = null
      try {
        info = this.ws.sessionInfo(sessionId)
      } catch {
        // the workspace is closed already
      }
      if (!info) return
      this.broadcaster.broadcast('session.update', info)
      this.broadcaster.broadcast('progress', {
        jobId,
        kind: 'session',
        done: info.cost,
        total: info.budget,
        message: info.status,
        finished: true,
        ...(outcome.error ? { error: outcome.error } : {}),
      })
    })
  }

  private progress(sessionId: number, p: SessionProgress): void {
    this.broadcaster.broadcast('progress', {
      jobId: sessionJobId(sessionId),
      kind: 'session',
      done: Math.min(p.cost, p.budget),
      total: p.budget,
      message:
        `${p.phase}: ${p.labels} labels${p.lastReturn !== null ? `, return ${p.lastReturn.toFixed(1)}` : ''}` +
        (p.lastSuccessRate != null ? `, success ${(100 * p.lastSuccessRate).toFixed(0)} %` : ''),
    })
    try {
      this.broadcaster.broadcast('session.update', this.info(sessionId))
    } catch {
      // closing
    }
  }
}
