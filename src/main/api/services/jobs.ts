// Long work (a learning session, a sweep, expert training) is a job with an id that progress events carry;
// jobs.cancel stops it. Services register their jobs here through useJobs(ctx).
import type { ServiceContext, ServiceFactory } from '../service-types'

export interface JobRegistry {
  /** register a cancellable job; returns the function that unregisters it */
  register(jobId: string, cancel: () => Promise<unknown> | unknown): () => void
  /** resolvers tried for ids not registered (e.g. 'session-<id>' for sessions started before a restart) */
  resolve(fn: (jobId: string) => (() => Promise<unknown> | unknown) | null): void
  cancel(jobId: string): Promise<boolean>
}

export function createJobRegistry(): JobRegistry {
  const jobs = new Map<string, () => Promise<unknown> | unknown>()
  const resolvers: ((jobId: string) => (() => Promise<unknown> | unknown) | null)[] = []
  return {
    register(jobId, cancel) {
      jobs.set(jobId, cancel)
      return () => {
        if (jobs.get(jobId) === cancel) jobs.delete(jobId)
      }
    },
    resolve(fn) {
      resolvers.push(fn)
    },
    async cancel(jobId) {
      const fn = jobs.get(jobId) ?? resolvers.map((r) => r(jobId)).find((f) => f) ?? null
      if (!fn) return false
      await fn()
      return true
    },
  }
}

export function useJobs(ctx: ServiceContext): Promise<JobRegistry> {
  return ctx.resource('jobs', () => createJobRegistry())
}

export const jobsService: ServiceFactory = (ctx) => ({
  'jobs.cancel': async (input) => ({ ok: await (await useJobs(ctx)).cancel(input.jobId) }),
})
