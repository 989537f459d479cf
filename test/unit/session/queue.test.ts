// The study queue with real parts: a private redis-server, two `iwb worker` processes, one SIGKILLed in the middle
// of a session once that session's checkpoint is in Redis. The other worker continues the session from that
// checkpoint; the sweep completes with each session exactly once in the study's workspace, with the same labels and
// curves as running in this process; a rerun takes the results from Redis without any worker.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { hostname, tmpdir } from 'node:os'
import { join } from 'node:path'
import { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sessionConfig, type SessionConfig } from '../../../src/shared/session-config'
import type { QueuedState } from '../../../src/shared/queue'
import { FORK_PHASE } from '../../../src/shared/warm-fork'
import { startRedisServer, type RedisServer } from '../../../src/main/bench/redis-server'
import { jobIdFor } from '../../../src/main/session/queue'
import { checkpointKey, twinRedisKey } from '../../../src/main/session/queue-copies'
import { planSession, runSweep } from '../../../src/main/session/sweep'
import { openWorkspace } from '../../../src/main/store'
import { expectClose, iwb, poll, query, storedSession, type Child } from './helpers'

const dir = mkdtempSync(join(tmpdir(), 'iwb-queue-'))
let redis: RedisServer
const workers: Child[] = []

beforeAll(async () => {
  redis = await startRedisServer()
})
afterAll(async () => {
  for (const w of workers) if (w.proc.exitCode === null && w.proc.signalCode === null) w.proc.kill('SIGKILL')
  await Promise.all(workers.map((w) => w.exit))
  await redis?.stop()
  rmSync(dir, { recursive: true, force: true })
})

// Two cheap sessions: reacher-arm BC from the expert's states, a short horizon, one evaluation episode.
const CONFIGS: SessionConfig[] = [0, 1].map((seed) =>
  sessionConfig({ taskId: 'reacher-arm', algo: 'bc', budget: 12, seed, evalEvery: 6, evalEpisodes: 1 }),
)

/** The one worker of the fork tests (started by the first that runs): the only worker alive by then. */
let forker: Child | null = null
function forkWorker(): Child {
  if (!forker) workers.push((forker = iwb(['worker', '--queue', redis.url, '--scratch', join(dir, 'scratch-fork')])))
  return forker
}

function plansIn(file: string) {
  const ws = openWorkspace(file)
  return { ws, plans: CONFIGS.map((c) => planSession(ws, c)!) }
}

describe('the study queue', () => {
  it('says in one line what is wrong with the URL or the Redis, without its password', async () => {
    const { ws, plans } = plansIn(join(dir, 'bad.db'))
    try {
      await expect(runSweep(ws, plans, { owner: 'test', queue: 'http://:secret@host' })).rejects.toThrow(
        /^queue URL http:\/\/:\*\*\*@host\/ must be a redis:\/\/ or rediss:\/\/ URL/,
      )
      const down = redis.url.replace(/:\d+$/, ':1')
      const err = await runSweep(ws, plans, { owner: 'test', queue: down.replace('//', '//:secret@') }).catch(
        (e: Error) => e,
      )
      expect(err).toBeInstanceOf(Error)
      expect((err as Error).message).toMatch(
        /^cannot reach the queue at redis:\/\/:\*\*\*@127\.0\.0\.1:1\/?: .*ECONNREFUSED/,
      )
      expect((err as Error).message).not.toMatch(/secret|\n/)
      // A person's session stays here (the person answers at this machine): refused before anything is queued.
      const person = planSession(ws, sessionConfig({ taskId: 'reacher-arm', algo: 'stagger', oracle: 'human' }))!
      await expect(runSweep(ws, [person], { owner: 'test', queue: redis.url })).rejects.toThrow(
        /^stagger seed 0 cannot run on the queue: a person answers its queries; run it without --queue$/,
      )
      expect(ws.sessionInfo(person.sessionId).status).toBe('created')
      // nothing ran: the planned sessions are as they were made
      expect(plans.map((p) => ws.sessionInfo(p.sessionId).status)).toEqual(['created', 'created'])
    } finally {
      ws.close()
    }
  })

  it('completes a sweep with a worker killed mid-session: continued from its checkpoint, each session once, as if run here', async () => {
    const file = join(dir, 'study.db')
    const { ws, plans } = plansIn(file)
    const jobIndex = new Map(CONFIGS.map((c, i) => [jobIdFor(c), i]))
    const start = (): Child => {
      const w = iwb([
        'worker',
        '--queue',
        redis.url,
        '--lock-seconds',
        '2',
        '--checkpoint-seconds',
        '0.1',
        '--scratch',
        join(dir, 'scratch'),
      ])
      workers.push(w)
      return w
    }
    const [a, b] = [start(), start()]
    const states: QueuedState[][] = CONFIGS.map(() => [])
    const progressed = new Set<number>()
    let killed: Child | null = null
    let mid: { w: Child; id: string; labels: number } | null = null
    const redisClient = new Redis(redis.url, { maxRetriesPerRequest: 1 })
    try {
      const sweep = runSweep(ws, plans, {
        owner: 'queue test',
        queue: redis.url,
        onState: (i, s) => states[i].push(s),
        onProgress: (i) => progressed.add(i),
      })
      // Kill the worker that runs a session whose checkpoint (with some labels, not all) is in Redis.
      mid = await poll(
        async () => {
          for (const w of [a, b]) {
            const started = [...w.stderr().matchAll(/(session-[0-9a-f]+): reacher-arm/g)].map((m) => m[1])
            const id = started.find((j) => !w.stderr().includes(`${j}: done`))
            if (!id || !progressed.has(jobIndex.get(id)!)) continue
            const labels = Number(await redisClient.hget(checkpointKey(id), 'labels'))
            if (labels > 0 && labels < 12) return { w, id, labels }
          }
          return null
        },
        'a worker in the middle of a session with a checkpoint',
        120_000, // long only on a loaded machine: the workers start their sessions in seconds
      ).catch((err: Error) => {
        throw new Error(`${err.message}; the workers said:\n${a.stderr().slice(-1000)}\n${b.stderr().slice(-1000)}`)
      })
      killed = mid.w
      killed.proc.kill('SIGKILL')
      const outcomes = await sweep
      expect(outcomes.map((o) => [o.status, o.error])).toEqual([
        ['finished', null],
        ['finished', null],
      ])
      expect(outcomes.map((o) => o.result?.labels)).toEqual([12, 12])
      // the killed worker's session went to the other worker, which continued it from the checkpoint
      const survivor = killed === a ? b : a
      expect(survivor.stderr()).toContain(`${mid.id}: done`)
      const from = new RegExp(`${mid.id}: resumed from a checkpoint at (\\d+) labels`).exec(survivor.stderr())
      expect(from).not.toBeNull()
      expect(Number(from![1])).toBeGreaterThanOrEqual(mid.labels)
      expect(Number(from![1])).toBeLessThanOrEqual(12)
      for (const s of states) expect(s.at(-1)).toBe('done')
      // a finished job's checkpoint is gone from Redis
      expect(await redisClient.exists(...CONFIGS.map((c) => checkpointKey(jobIdFor(c))))).toBe(0)
    } finally {
      redisClient.disconnect()
      ws.close()
    }
    // Exactly once: two sessions, each with its budget's labels and one curve point per evaluation.
    expect(query<{ n: number }>(file, 'SELECT count(*) AS n FROM sessions')[0].n).toBe(2)
    const stored = plans.map((p) => storedSession(file, p.sessionId))
    expect(stored.map((s) => s.labels.length)).toEqual([12, 12])
    expect(stored.map((s) => s.curve.map((c) => c.labels))).toEqual([
      [0, 6, 12],
      [0, 6, 12],
    ])
    expect(query<{ n: number }>(file, 'SELECT count(*) AS n FROM session_leases')[0].n).toBe(0)

    // The same sweep in this process: the same labels and curves (the runner is deterministic given the config).
    const local = plansIn(join(dir, 'local.db'))
    try {
      const outcomes = await runSweep(local.ws, local.plans, { owner: 'queue test (local)' })
      expect(outcomes.map((o) => o.status)).toEqual(['finished', 'finished'])
    } finally {
      local.ws.close()
    }
    local.plans.forEach((p, i) =>
      expect(expectClose(storedSession(join(dir, 'local.db'), p.sessionId), stored[i])).toBeNull(),
    )

    // A rerun into another workspace with every worker gone: the results are still in Redis, nothing runs again.
    for (const w of workers) if (w.proc.exitCode === null && w.proc.signalCode === null) w.proc.kill('SIGTERM')
    await Promise.all(workers.map((w) => w.exit))
    // the survivor's count: one job taken up from a checkpoint
    expect(workers.find((w) => w !== killed)!.stderr()).toMatch(/, 1 taken up from a checkpoint\n/)
    const again = plansIn(join(dir, 'again.db'))
    try {
      const outcomes = await runSweep(again.ws, again.plans, { owner: 'queue test (rerun)', queue: redis.url })
      expect(outcomes.map((o) => o.status)).toEqual(['finished', 'finished'])
    } finally {
      again.ws.close()
    }
    again.plans.forEach((p, i) =>
      expect(expectClose(storedSession(join(dir, 'again.db'), p.sessionId), stored[i])).toBeNull(),
    )
  }, 300_000)

  it('forks a WARM-STAGGER job from its BC twin run on the queue: the same session as run here in full', async () => {
    const base = { taskId: 'reacher-arm', budget: 40, seed: 3, evalEvery: 10, evalEpisodes: 2 } as const
    const bc = sessionConfig({ ...base, algo: 'bc' })
    // offline share 20 (a kept point of BC's), then 10 queries at cost 2
    const warm = sessionConfig({ ...base, algo: 'warm-stagger', algoParams: { fraction: 0.5 }, costRatio: 2 })
    const w = forkWorker()
    const file = join(dir, 'fork.db')
    const ws = openWorkspace(file)
    // WARM-STAGGER planned first: the sweep still queues its twin before it
    const plans = [planSession(ws, warm)!, planSession(ws, bc)!]
    const phases: string[][] = [[], []]
    const redisClient = new Redis(redis.url, { maxRetriesPerRequest: 1 })
    try {
      const outcomes = await runSweep(ws, plans, {
        owner: 'queue fork test',
        queue: redis.url,
        onProgress: (i, p) => phases[i].push(p.phase),
      })
      expect(outcomes.map((o) => [o.status, o.error])).toEqual([
        ['finished', null],
        ['finished', null],
      ])
      expect(await redisClient.exists(twinRedisKey(bc))).toBe(1)
      expect(w.stderr()).toContain(`${jobIdFor(warm)}: starts beside its BC twin`)
      expect(phases[0].filter((p) => FORK_PHASE.test(p))).toHaveLength(1)
      expect(phases[1].filter((p) => FORK_PHASE.test(p))).toHaveLength(0)
    } finally {
      redisClient.disconnect()
      ws.close()
    }
    expect(query<{ n: number }>(file, 'SELECT count(*) AS n FROM sessions')[0].n).toBe(2)
    // The same WARM-STAGGER configuration run here from nothing stores the same session.
    const localFile = join(dir, 'fork-local.db')
    const local = openWorkspace(localFile)
    const plan = planSession(local, warm)!
    try {
      expect((await runSweep(local, [plan], { owner: 'queue fork test (local)' }))[0].status).toBe('finished')
    } finally {
      local.close()
    }
    const forked = storedSession(file, plans[0].sessionId)
    expect(forked.labels).toHaveLength(30)
    expect(expectClose(storedSession(localFile, plan.sessionId), forked)).toBeNull()
  }, 300_000)

  it("forks a WARM-STAGGER job from a BC twin that ran in the study's workspace, not on the queue", async () => {
    const base = { taskId: 'reacher-arm', budget: 40, seed: 5, evalEvery: 10, evalEpisodes: 2 } as const
    const bc = sessionConfig({ ...base, algo: 'bc' })
    const warm = sessionConfig({ ...base, algo: 'warm-stagger', algoParams: { fraction: 0.5 }, costRatio: 2 })
    const w = forkWorker()
    const file = join(dir, 'study-twin.db')
    const ws = openWorkspace(file)
    const reference = join(dir, 'study-twin-local.db')
    const redisClient = new Redis(redis.url, { maxRetriesPerRequest: 1 })
    const phases: string[] = []
    try {
      // BC runs here, without the queue; a copy of the workspace then forks WARM-STAGGER here too
      expect((await runSweep(ws, [planSession(ws, bc)!], { owner: 'study twin test' }))[0].status).toBe('finished')
      writeFileSync(reference, ws.snapshot())
      expect(await redisClient.exists(twinRedisKey(bc))).toBe(0)
      const plan = planSession(ws, warm)!
      const [o] = await runSweep(ws, [plan], {
        owner: 'study twin test',
        queue: redis.url,
        onProgress: (_, p) => phases.push(p.phase),
      })
      expect([o.status, o.error]).toEqual(['finished', null])
      // named by the host the twin came from, not by its id in the worker's scratch workspace
      expect(phases.filter((p) => FORK_PHASE.test(p))).toEqual([
        `continued from its BC twin on ${hostname()} (the study's workspace) at 20 labels`,
      ])
      expect(w.stderr()).toContain(
        `${jobIdFor(warm)}: starts beside its BC twin from ${hostname()} (the study's workspace)`,
      )
      const local = openWorkspace(reference)
      try {
        const lp = planSession(local, warm)!
        expect((await runSweep(local, [lp], { owner: 'study twin test (local)' }))[0].status).toBe('finished')
        const forked = storedSession(file, plan.sessionId)
        expect(forked.labels).toHaveLength(30)
        expect(expectClose(storedSession(reference, lp.sessionId), forked)).toBeNull()
      } finally {
        local.close()
      }
    } finally {
      redisClient.disconnect()
      ws.close()
    }
  }, 300_000)
})
