// The page's event-driven state against a fake API: query prompts kept until answered or their session stops,
// and progress jobs, with a session's job settled by its session.update.
import { describe, expect, it } from 'vitest'
import { effectScope } from 'vue'
import type { EventName, EventPayload, QueryPrompt, SessionInfo, WorkbenchApi } from '../../../src/shared/contract'
import { useQueryInbox } from '../../../src/renderer/src/composables/useQueryInbox'
import { useJobs } from '../../../src/renderer/src/composables/useJobs'

function fakeApi(pending: QueryPrompt[] = []) {
  const listeners = new Map<string, Set<(p: unknown) => void>>()
  const calls: { method: string; input: unknown }[] = []
  const api: WorkbenchApi = {
    async call(method, input) {
      calls.push({ method, input })
      if (method === 'queries.pending') return pending as never
      if (method === 'jobs.cancel') return { ok: true } as never
      throw new Error(`unexpected ${method}`)
    },
    on(event, handler) {
      const set = listeners.get(event) ?? new Set()
      listeners.set(event, set)
      set.add(handler as (p: unknown) => void)
      return () => set.delete(handler as (p: unknown) => void)
    },
  }
  const emit = <E extends EventName>(event: E, payload: EventPayload<E>): void => {
    for (const h of listeners.get(event) ?? []) h(payload)
  }
  return { api, emit, calls, listeners }
}

const frame = { t: 0, step: 0, xpos: [0, 0, 0], xquat: [1, 0, 0, 0] }
const prompt = (queryId: number, sessionId = 1): QueryPrompt => ({
  queryId,
  sessionId,
  taskId: 'cartpole',
  frame,
  lead: [],
  observation: [0, 0, 0, 0],
  proposedAction: [0.1],
  issuedAt: 0,
})
const session = (id: number, status: SessionInfo['status']): SessionInfo => ({
  id,
  taskId: 'cartpole',
  algo: 'stagger',
  algoParams: {},
  oracle: 'human',
  budget: 10,
  seed: 0,
  costRatio: 1,
  status,
  labels: 2,
  cost: 2,
  humanSeconds: 3,
  lastReturn: null,
  createdAt: '',
  finishedAt: null,
  policy: { id: 'mlp', params: {} },
})

describe('query inbox', () => {
  it('keeps prompts in arrival order, drops those of a stopped session, and forgets stale ones on refresh', async () => {
    const fake = fakeApi([prompt(3, 2)])
    const scope = effectScope()
    let t = 100
    const inbox = scope.run(() => useQueryInbox(fake.api, () => t++))!
    fake.emit('query.prompt', prompt(1, 1))
    fake.emit('query.prompt', prompt(2, 2))
    expect(inbox.pending.value.map((p) => p.queryId)).toEqual([1, 2])
    expect(inbox.arrivedAt.get(1)).toBe(100)
    fake.emit('session.update', session(1, 'paused'))
    expect(inbox.pending.value.map((p) => p.queryId)).toEqual([2])
    await inbox.refresh() // the workbench waits only for query 3 now
    expect(inbox.pending.value.map((p) => p.queryId)).toEqual([3])
    inbox.remove(3)
    expect(inbox.pending.value).toEqual([])
    scope.stop()
    expect([...fake.listeners.values()].every((s) => s.size === 0)).toBe(true)
  })
})

describe('jobs', () => {
  it('shows progress, cancels through jobs.cancel, and settles a session job when the session stops', async () => {
    const fake = fakeApi()
    const scope = effectScope()
    const errors: unknown[] = []
    const jobs = scope.run(() => useJobs(fake.api, (e) => errors.push(e)))!
    fake.emit('progress', { jobId: 'session-4', kind: 'session', done: 2, total: 10 })
    fake.emit('progress', { jobId: 'expert-train', kind: 'expert', done: 1, total: 5 })
    expect(jobs.jobs.value.map((j) => j.jobId)).toEqual(['session-4', 'expert-train'])
    await jobs.cancel('expert-train')
    expect(fake.calls).toContainEqual({ method: 'jobs.cancel', input: { jobId: 'expert-train' } })
    fake.emit('session.update', session(4, 'cancelled'))
    expect(jobs.jobs.value.find((j) => j.jobId === 'session-4')?.finished).toBe(true)
    fake.emit('progress', { jobId: 'expert-train', kind: 'expert', done: 1, total: 5, finished: true, error: 'boom' })
    expect(jobs.jobs.value.find((j) => j.jobId === 'expert-train')?.error).toBe('boom')
    jobs.dismiss('expert-train')
    expect(jobs.jobs.value.map((j) => j.jobId)).toEqual(['session-4'])
    expect(errors).toEqual([])
    scope.stop()
  })
})
