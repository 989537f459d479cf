// Query prompts arrive whichever view is open; keep them here until answered or skipped. When several pages answer,
// the workbench gives each prompt to one of them: this page calls in every few seconds (queries.pending, with the
// operator's name) to keep the prompt it holds and to be offered the next; a prompt given to another page goes.
import { onScopeDispose, shallowRef, type ShallowRef } from 'vue'
import type { QueryPrompt, WorkbenchApi } from '../../../shared/contract'
import { useOperatorName } from './useOperatorName'

export interface QueryInbox {
  pending: ShallowRef<QueryPrompt[]>
  /** performance.now() at arrival, by query id */
  arrivedAt: Map<number, number>
  remove(queryId: number): void
  /** drop prompts of a session that is no longer running */
  dropSession(sessionId: number): void
  /** ask the workbench for the prompts waiting now (after opening or reconnecting) */
  refresh(): Promise<void>
}

export interface QueryInboxOptions {
  /** the operator's name, sent when calling in (default: the page's, useOperatorName) */
  operator?: () => string | undefined
  /** how often the page calls in; the workbench's lease is a few of these (api/prompt-desk.ts); 0: never */
  heartbeatMs?: number
}

export const INBOX_HEARTBEAT_MS = 4000

export function useQueryInbox(
  api: WorkbenchApi,
  now: () => number = () => performance.now(),
  options: QueryInboxOptions = {},
): QueryInbox {
  const pending = shallowRef<QueryPrompt[]>([])
  const arrivedAt = new Map<number, number>()
  // answered or skipped here: a call-in that was under way when it went does not bring it back
  const gone = new Set<number>()
  const add = (p: QueryPrompt): void => {
    if (gone.has(p.queryId)) return
    if (!arrivedAt.has(p.queryId)) arrivedAt.set(p.queryId, now())
    pending.value = [...pending.value.filter((q) => q.queryId !== p.queryId), p]
  }
  const off = api.on('query.prompt', add)
  // a session that stops (paused, cancelled, finished) no longer waits for its prompts
  const offSession = api.on('session.update', (s) => {
    if (s.status !== 'running' && s.status !== 'created') {
      pending.value = pending.value.filter((q) => q.sessionId !== s.id)
    }
  })
  const heartbeatMs = options.heartbeatMs ?? INBOX_HEARTBEAT_MS
  // a failed call-in (the connection is down) is shown by the connection state; the reconnect calls in again
  const heartbeat = heartbeatMs > 0 ? setInterval(() => void inbox.refresh().catch(() => {}), heartbeatMs) : undefined
  onScopeDispose(() => {
    off()
    offSession()
    clearInterval(heartbeat)
  })
  const inbox: QueryInbox = {
    pending,
    arrivedAt,
    remove(queryId) {
      arrivedAt.delete(queryId)
      gone.add(queryId)
      if (gone.size > 100) gone.delete(gone.values().next().value!)
      pending.value = pending.value.filter((q) => q.queryId !== queryId)
    },
    dropSession(sessionId) {
      pending.value = pending.value.filter((q) => q.sessionId !== sessionId)
    },
    async refresh() {
      const operator = (options.operator ?? useOperatorName().current)()
      const waiting = await api.call('queries.pending', operator ? { operator } : {})
      const ids = new Set(waiting.map((p) => p.queryId))
      // prompts the workbench no longer waits for (answered elsewhere, session stopped) go away
      pending.value = pending.value.filter((q) => ids.has(q.queryId))
      for (const p of waiting) if (!pending.value.some((q) => q.queryId === p.queryId)) add(p)
    },
  }
  return inbox
}
