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
}

export function useQueryInbox(api: WorkbenchApi, now: () => number = () => performance.now()): QueryInbox {
  const pending = shallowRef<QueryPrompt[]>([])
  const arrivedAt = new Map<number, number>()
  const off = api.on('query.prompt', (p) => {
    arrivedAt.set(p.queryId, now())
    pending.value = [...pending.value.filter((q) => q.queryId !== p.queryId), p]
  })
  onScopeDispose(off)
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
  }
}
