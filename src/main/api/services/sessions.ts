// sessions.*: start BC, DAgger, STAGGER or WARM-STAGGER on a task with a simulated expert or a person as the
// oracle; list them; pause, resume, cancel. Each running session is a worker thread (see session-manager.ts);
// progress and session updates are broadcast to every page. jobs.cancel('session-<id>') cancels one too.
import type { ServiceContext, ServiceFactory } from '../service-types'
import type { ClientContext, ServiceHandlers } from '../service-types'
import { useJobs } from './jobs'
import type { SessionManager, SessionManagerOptions } from './session-manager'
import { useSessions } from './session-resource'

/**
 * Pages that have worked with sessions. When the last of them goes away while a person's session waits for an
 * answer, that session pauses: its waiting query is recorded abandoned (no label) and it can be resumed later.
 */
export class PageWatch {
  private readonly pages = new Set<string>()
  constructor(private readonly onLastGone: () => void) {}
  see(client: ClientContext): void {
    if (this.pages.has(client.id)) return
    this.pages.add(client.id)
    client.onClose(() => {
      this.pages.delete(client.id)
      if (this.pages.size === 0) this.onLastGone()
    })
  }
}

export function usePageWatch(ctx: ServiceContext, manager: SessionManager): Promise<PageWatch> {
  return ctx.resource('session-pages', () => new PageWatch(() => void manager.pauseHumanSessions()))
}

/** sessions.* with manager options (tests evaluate inside the session worker to spare threads). */
export const makeSessionsService =
  (options: SessionManagerOptions = {}): ServiceFactory =>
  async (ctx) => {
    const manager = () => useSessions(ctx, options)
    // Created now, not on first call: start-up is when sessions left 'running' by a dead app become 'paused'.
    if (ctx.options.workspaceFile) await manager()
    const seen = async (client: ClientContext): Promise<SessionManager> => {
      const m = await manager()
      ;(await usePageWatch(ctx, m)).see(client)
      return m
    }
    const jobs = await useJobs(ctx)
    jobs.resolve((jobId) => {
      const m = /^session-(\d+)$/.exec(jobId)
      return m ? async () => (await manager()).control(Number(m[1]), 'cancel') : null
    })
    const handlers: ServiceHandlers = {
      'sessions.start': async (input, client) => (await seen(client)).start(input),
      'sessions.list': async (_input, client) => (await seen(client)).list(),
      'sessions.control': async (input, client) => (await seen(client)).control(input.sessionId, input.command),
    }
    return handlers
  }

export const sessionsService: ServiceFactory = makeSessionsService()
