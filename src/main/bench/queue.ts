// Queue benchmark: the same sessions run by the in-process runner (runSweep, two session worker threads) and
// through the study queue by two `iwb worker` processes (one session each at a time) on a private redis-server.
// Reported as the queue's throughput over the in-process runner's (target >= 0.9) and whether the curves agree.
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { sessionConfig, type SessionConfig } from '../../shared/session-config'
import { planSession, runSweep } from '../session/sweep'
import { openWorkspace } from '../store'
import { startRedisServer } from './redis-server'

export interface QueueBenchOptions {
  task?: string
  /** sessions in the sweep (default 4) */
  sessions?: number
  budget?: number
  evalEvery?: number
  evalEpisodes?: number
  /** worker processes, one session each at a time; the in-process runner runs as many at a time (default 2) */
  workers?: number
  log?: (line: string) => void
}

export interface QueueBenchResult {
  task: string
  sessions: number
  budget: number
  workers: number
  /** wall-clock seconds of the sweep in this process and through the queue (workers started beforehand) */
  inProcessSec: number
  queueSec: number
  /** sessions per second through the queue over sessions per second in process (target >= 0.9) */
  throughputRatio: number
  /** every session's curve (labels and returns) the same both ways */
  sameCurves: boolean
  /** seconds from spawning the worker processes until both take jobs (not in queueSec) */
  workerStartSec: number
}

const IWB = fileURLToPath(new URL('../../../bin/iwb.js', import.meta.url))

function curves(file: string, ids: number[]): string {
  const ws = openWorkspace(file, { readonly: true })
  try {
    return JSON.stringify(
      ids.map((id) =>
        ws
          .openSession(id)
          .evaluations()
          .map((e) => [e.labels, e.returns]),
      ),
    )
  } finally {
    ws.close()
  }
}

/** Run `configs` as a sweep into a new workspace (here `parallel` at a time, or on `queue`): seconds and curves. */
async function timedSweep(
  file: string,
  configs: SessionConfig[],
  how: { parallel: number; queue?: string },
): Promise<{ sec: number; curves: string }> {
  const ws = openWorkspace(file)
  const plans = configs.map((c) => planSession(ws, c, { fresh: true })!)
  const t0 = performance.now()
  try {
    const outcomes = await runSweep(ws, plans, { owner: 'iwb bench queue', ...how })
    const failed = outcomes.filter((x) => x.status !== 'finished')
    if (failed.length) throw new Error(`sessions did not finish: ${failed.map((x) => x.error ?? x.status).join('; ')}`)
  } finally {
    ws.close()
  }
  const sec = (performance.now() - t0) / 1000
  return {
    sec,
    curves: curves(
      file,
      plans.map((p) => p.sessionId),
    ),
  }
}

export async function runQueueBench(o: QueueBenchOptions = {}): Promise<QueueBenchResult> {
  const task = o.task ?? 'reacher-arm'
  const n = o.sessions ?? 4
  const budget = o.budget ?? 20
  const workers = o.workers ?? 2
  const log = o.log ?? (() => {})
  // A fresh seed base each run, so no earlier run's results (kept in a Redis) could stand in for the work.
  const base = Math.floor(Math.random() * 1_000_000)
  const configs = Array.from({ length: n }, (_, i) =>
    sessionConfig({
      taskId: task,
      algo: i % 2 ? 'dagger' : 'bc',
      budget,
      seed: base + i,
      evalEvery: o.evalEvery ?? Math.max(1, Math.floor(budget / 2)),
      evalEpisodes: o.evalEpisodes ?? 2,
    }),
  )
  const dir = mkdtempSync(join(tmpdir(), 'iwb-bench-queue-'))
  const redis = await startRedisServer()
  const procs: ChildProcess[] = []
  try {
    log(`in process: ${n} sessions of ${task}, budget ${budget}, ${workers} at a time`)
    // The in-process runner has `workers` lanes, like the queue has `workers` processes.
    const local = await timedSweep(join(dir, 'local.db'), configs, { parallel: workers })
    log(`  ${local.sec.toFixed(1)} s`)
    const t0 = performance.now()
    const ready = Array.from({ length: workers }, () => {
      const p = spawn(process.execPath, [IWB, 'worker', '--queue', redis.url, '--scratch', join(dir, 'scratch')], {
        stdio: ['ignore', 'ignore', 'pipe'],
      })
      procs.push(p)
      let err = ''
      return new Promise<void>((resolve, reject) => {
        p.stderr!.on('data', (d: Buffer) => {
          err += d.toString()
          if (err.includes('takes sessions from')) resolve()
        })
        p.once('exit', (code) => reject(new Error(`iwb worker exited (${code}): ${err.trim().split('\n').pop()}`)))
      })
    })
    await Promise.all(ready)
    const workerStartSec = (performance.now() - t0) / 1000
    log(`through the queue: ${workers} iwb worker processes (started in ${workerStartSec.toFixed(1)} s)`)
    const queued = await timedSweep(join(dir, 'queue.db'), configs, { parallel: workers, queue: redis.url })
    log(`  ${queued.sec.toFixed(1)} s`)
    return {
      task,
      sessions: n,
      budget,
      workers,
      inProcessSec: round(local.sec),
      queueSec: round(queued.sec),
      throughputRatio: round(local.sec / queued.sec),
      sameCurves: local.curves === queued.curves,
      workerStartSec: round(workerStartSec),
    }
  } finally {
    for (const p of procs) if (p.exitCode === null && p.signalCode === null) p.kill('SIGTERM')
    await Promise.all(
      procs.map((p) => (p.exitCode !== null || p.signalCode !== null ? null : new Promise((r) => p.once('exit', r)))),
    )
    await redis.stop()
    rmSync(dir, { recursive: true, force: true })
  }
}

const round = (x: number): number => Math.round(x * 100) / 100
