// Query prompts arrive whichever view is open; keep them here until answered or skipped.
import { onScopeDispose, shallowRef, type ShallowRef } from 'vue'
import type { QueryPrompt, WorkbenchApi } from '../../../shared/contract'

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

export function useQueryInbox(api: WorkbenchApi, now: () => number = () => performance.now()): QueryInbox {
  const pending = shallowRef<QueryPrompt[]>([])
  const arrivedAt = new Map<number, number>()
  const add = (p: QueryPrompt): void => {
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
  onScopeDispose(() => {
    off()
    offSession()
  })
  return {
    pending,
    arrivedAt,
    remove(queryId) {
      arrivedAt.delete(queryId)
      pending.value = pending.value.filter((q) => q.queryId !== queryId)
    },
    dropSession(sessionId) {
      pending.value = pending.value.filter((q) => q.sessionId !== sessionId)
    },
    async refresh() {
      const waiting = await api.call('queries.pending', {})
      const ids = new Set(waiting.map((p) => p.queryId))
      // prompts the workbench no longer waits for (answered elsewhere, session stopped) go away
      pending.value = pending.value.filter((q) => ids.has(q.queryId))
      for (const p of waiting) if (!pending.value.some((q) => q.queryId === p.queryId)) add(p)
    },
  }
}
