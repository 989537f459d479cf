// A sweep of sessions (algorithms x seeds) run a few at a time, each in its own thread; the store stays in
// this thread. Sessions already finished in the store are reused; unfinished ones are resumed.
import { startWorker } from '../workers'
import type { EvaluationRecord, LabelRecord, SessionConfig, SessionLog } from './session-log'
import type { SweepEvent, SweepJob } from './sweep-worker'

export interface SweepRun {
  config: SessionConfig
  /** a fresh log, or one with stored labels to resume */
  log: SessionLog
  /** finished already: nothing to run */
  done?: boolean
}

export interface SweepProgress {
  index: number
  cost: number
  labels: number
  lastReturn: number | null
}

export interface SweepOutcome {
  config: SessionConfig
  sessionId: number
  evaluations: EvaluationRecord[]
  finalReturn: number | null
  seconds: number
  backend: string | null
  error?: string
}

function runOne(run: SweepRun, index: number, onProgress: (p: SweepProgress) => void): Promise<SweepOutcome> {
  const { log } = run
  const job: SweepJob = {
    config: run.config,
    sessionId: log.sessionId,
    stored: { labels: log.labels(), evaluations: log.evaluations(), policy: log.latestPolicy() },
  }
  const labelIds = job.stored.labels.map((l) => l.id)
  const worker = startWorker(new URL('./sweep-worker.ts', import.meta.url), { workerData: job })
  return new Promise((resolve) => {
    const finish = (o: Partial<SweepOutcome>): void => {
      void worker.terminate()
      resolve({ config: run.config, sessionId: log.sessionId, evaluations: log.evaluations(), finalReturn: null, seconds: 0, backend: null, ...o })
    }
    worker.on('message', (e: SweepEvent) => {
      switch (e.type) {
        case 'label':
          labelIds.push(log.addLabel(e.label as LabelRecord))
          break
        case 'query':
          log.addQuery({ ...e.query, labelId: e.labelIndex !== null ? (labelIds[e.labelIndex - 1] ?? null) : null })
          break
        case 'evaluation':
          log.addEvaluation(e.evaluation)
          break
        case 'policy':
          log.savePolicy(e.policy)
          break
        case 'status':
          log.setStatus(e.status)
          break
        case 'progress':
          onProgress({ index, cost: e.cost, labels: e.labels, lastReturn: e.lastReturn })
          break
        case 'done':
          finish({ finalReturn: e.finalReturn, seconds: e.seconds, backend: e.backend })
          break
        case 'error':
          log.setStatus('failed')
          finish({ error: e.message })
          break
      }
    })
    worker.on('error', (err) => {
      log.setStatus('failed')
      finish({ error: err.message })
    })
  })
}

/** Run every session, `parallel` at a time (default 2: the machines have two cores). */
export async function runSweep(runs: SweepRun[], opts: { parallel?: number; onProgress?: (p: SweepProgress) => void; onDone?: (o: SweepOutcome, index: number) => void } = {}): Promise<SweepOutcome[]> {
  const out: SweepOutcome[] = new Array(runs.length)
  let next = 0
  const lane = async (): Promise<void> => {
    while (next < runs.length) {
      const i = next++
      const r = runs[i]
      if (r.done) {
        const ev = r.log.evaluations()
        const last = ev[ev.length - 1]
        out[i] = { config: r.config, sessionId: r.log.sessionId, evaluations: ev, finalReturn: last ? last.returns.reduce((a, b) => a + b, 0) / last.returns.length : null, seconds: 0, backend: null }
      } else out[i] = await runOne(r, i, opts.onProgress ?? (() => {}))
      opts.onDone?.(out[i], i)
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, opts.parallel ?? 2) }, lane))
  return out
}
