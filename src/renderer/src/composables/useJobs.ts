// Long work (training an expert, a sweep, an evaluation) reports progress events; keep the latest per job.
import { onScopeDispose, shallowRef, type ShallowRef } from 'vue'
import type { Progress, WorkbenchApi } from '../../../shared/contract'

export interface Jobs {
  jobs: ShallowRef<Progress[]>
  cancel(jobId: string): Promise<void>
  dismiss(jobId: string): void
}

export function useJobs(api: WorkbenchApi, onError: (err: unknown) => void): Jobs {
  const byId = new Map<string, Progress>()
  const jobs = shallowRef<Progress[]>([])
  const publish = (): void => {
    jobs.value = [...byId.values()]
  }
  const off = api.on('progress', (p) => {
    byId.set(p.jobId, p)
    publish()
    if (p.finished && !p.error) {
      // finished jobs linger briefly so the person sees them complete
      setTimeout(() => {
        if (byId.get(p.jobId) === p) {
          byId.delete(p.jobId)
          publish()
        }
      }, 4000)
    }
  })
  // A session's progress job is named session-<id> (the sessions service): once the session stops, so has it.
  const offSession = api.on('session.update', (s) => {
    const job = byId.get(`session-${s.id}`)
    if (job && !job.finished && s.status !== 'running' && s.status !== 'created') {
      byId.set(job.jobId, { ...job, finished: true, message: `${s.status}: ${s.labels} labels` })
      publish()
      setTimeout(() => {
        if (byId.get(job.jobId)?.finished) {
          byId.delete(job.jobId)
          publish()
        }
      }, 4000)
    }
  })
  onScopeDispose(() => {
    off()
    offSession()
  })
  return {
    jobs,
    async cancel(jobId) {
      try {
        await api.call('jobs.cancel', { jobId })
      } catch (err) {
        onError(err)
      }
    },
    dismiss(jobId) {
      byId.delete(jobId)
      publish()
    },
  }
}
