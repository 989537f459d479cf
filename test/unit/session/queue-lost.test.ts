// The study queue when Redis loses its data (issue 27, items 9 and 10), with a real redis-server: a study whose
// Redis restarts empty while a session runs notices the lost job and queues it again, and completes; a worker logs
// a failed job in one line, not zod's many lines of JSON.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Queue } from 'bullmq'
import { Redis } from 'ioredis'
import { afterAll, describe, expect, it } from 'vitest'
import type { QueuedState } from '../../../src/shared/queue'
import { QUEUE_NAME } from '../../../src/shared/queue'
import { sessionConfig } from '../../../src/shared/session-config'
import { startRedisServer, type RedisServer } from '../../../src/main/bench/redis-server'
import { startQueueWorker, type QueueWorker } from '../../../src/main/session/queue'
import { planSession, runSweep } from '../../../src/main/session/sweep'
import { openWorkspace } from '../../../src/main/store'
import { poll } from './helpers'

const dir = mkdtempSync(join(tmpdir(), 'iwb-queue-lost-'))
const servers: RedisServer[] = []
const workers: QueueWorker[] = []
afterAll(async () => {
  for (const w of workers) await w.close(true).catch(() => {})
  for (const s of servers) await s.stop()
  rmSync(dir, { recursive: true, force: true })
})

describe('the study queue losing its data', () => {
  it('a worker logs a failed job in one line', async () => {
    const server = await startRedisServer()
    servers.push(server)
    const lines: string[] = []
    workers.push(await startQueueWorker({ url: server.url, scratch: join(dir, 'bad'), log: (l) => lines.push(l) }))
    const redis = new Redis(server.url, { maxRetriesPerRequest: null })
    const queue = new Queue(QUEUE_NAME, { connection: redis })
    try {
      // a job of a configuration no schema takes: several problems at once
      await queue.add('session', { config: { taskId: 7, algo: 'nope', budget: -1 } }, { jobId: 'session-bad' })
      const failed = await poll(() => lines.find((l) => l.startsWith('session-bad failed')), 'the failure logged')
      expect(failed).not.toMatch(/\n/)
      expect(failed).toMatch(/^session-bad failed: \w+: .+ \(and \d+ more\)$/)
    } finally {
      await queue.close()
      redis.disconnect()
    }
  })

  it('requeues a job lost when Redis restarts empty mid-session, and the study completes', async () => {
    const first = await startRedisServer()
    const port = Number(new URL(first.url).port)
    servers.push(first)
    const lines: string[] = []
    workers.push(await startQueueWorker({ url: first.url, scratch: join(dir, 'w'), log: (l) => lines.push(l) }))
    const ws = openWorkspace(join(dir, 'study.db'))
    try {
      const config = sessionConfig({
        taskId: 'reacher-arm',
        algo: 'bc',
        budget: 300,
        seed: 4,
        evalEvery: 100,
        evalEpisodes: 2,
      })
      const plan = planSession(ws, config)!
      const states: QueuedState[] = []
      let restarted = false
      const sweep = runSweep(ws, [plan], {
        owner: 'queue-lost test',
        queue: first.url,
        onState: (_, s) => states.push(s),
      })
      await poll(() => states.includes('running'), 'the job running on the worker')
      // Redis restarts empty on the same port: the job, its events and its checkpoint are gone
      await first.stop()
      servers.push(await startRedisServer({ port }))
      restarted = true
      const outcomes = await sweep
      expect(restarted).toBe(true)
      expect(outcomes[0]).toMatchObject({ status: 'finished', error: null })
      // after running it was queued again (the lost job noticed), then ran to the end
      expect(states.slice(states.indexOf('running'))).toContain('queued')
      expect(states[states.length - 1]).toBe('done')
      expect(ws.openSession(plan.sessionId).labels().length).toBeGreaterThan(0)
    } finally {
      ws.close()
    }
  }, 300_000)
})
