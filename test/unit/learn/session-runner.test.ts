// Sessions end to end on the two-link arm with its scripted expert: evaluation schedule, resume from stored labels
// and policy, abandoned queries, cancellation, the worker-thread trainer.
import { describe, expect, it } from 'vitest'
import { makeEnv } from '../../../src/main/sim/registry'
import { expertFor } from '../../../src/main/experts/registry'
import { MemorySessionLog, type RoundCommit, type SessionConfig } from '../../../src/main/learn/session-log'
import { CHECKPOINT_EVERY, runSession } from '../../../src/main/learn/session-runner'
import { ExpertOracle, type Answer, type Oracle, type Query } from '../../../src/main/learn/oracle'
import { ALGO_VERSIONS } from '../../../src/shared/session-config'

const TASK = 'reacher-arm'
const expert = expertFor(TASK)

function config(over: Partial<SessionConfig> = {}): SessionConfig {
  return {
    taskId: TASK,
    algo: 'stagger',
    algoParams: {},
    oracle: 'expert',
    budget: 30,
    seed: 4,
    costRatio: 1,
    schedule: 'incremental',
    loss: 'nll',
    standardise: 'data',
    policy: { id: 'mlp', params: {} },
    evalEvery: 10,
    evalEpisodes: 2,
    epochs: null,
    offline: { kind: 'expert' },
    fallAngle: null,
    algoVersion: ALGO_VERSIONS[over.algo ?? 'stagger'],
    ...over,
  }
}

describe('runSession', () => {
  it('runs to the budget with evaluations every evalEvery labels, in a worker-thread trainer', async () => {
    const log = new MemorySessionLog(config({ costRatio: 2, budget: 20 }))
    const seen: number[] = []
    const r = await runSession({
      log,
      oracle: new ExpertOracle(expert),
      expert,
      makeEnv,
      onProgress: (p) => p.evaluation && seen.push(p.labels),
    })
    expect(r.status).toBe('finished')
    expect(log.status).toBe('finished')
    expect(r.labels).toBe(10)
    expect(r.cost).toBe(20)
    expect(log.labels().every((l) => l.cost === 2 && l.source === 'query')).toBe(true)
    expect(log.evaluations().map((e) => e.labels)).toEqual([0, 10])
    expect(seen).toEqual([0, 10])
    expect(log.evaluations()[1].returns).toHaveLength(2)
    expect(log.queries()).toHaveLength(10)
    expect(log.queries().every((q) => q.labelId !== null && q.disagreement !== null)).toBe(true)
    expect(['wasm', 'cpu', 'tensorflow', 'tensorflow-gpu']).toContain(r.backend)
    expect(log.latestPolicy()?.labels).toBe(10)
  })

  it('resumes from the stored labels and policy and stops at the budget', async () => {
    const log = new MemorySessionLog(config({ algo: 'warm-stagger', algoParams: { fraction: 0.5 } }))
    const first = await runSession({ log, oracle: new ExpertOracle(expert), expert, makeEnv, stopAfterLabels: 12 })
    expect(first.status).toBe('paused')
    expect(log.status).toBe('paused')
    expect(log.labels()).toHaveLength(12)
    expect(log.latestPolicy()?.labels).toBe(12)
    const second = await runSession({ log, oracle: new ExpertOracle(expert), expert, makeEnv })
    expect(second.status).toBe('finished')
    const labels = log.labels()
    expect(labels).toHaveLength(30)
    // The first 12 are the ones stored before the restart; the offline half is exactly 15 labels.
    expect(labels.filter((l) => l.source === 'offline')).toHaveLength(15)
    expect(labels.slice(15).every((l) => l.source === 'query')).toBe(true)
    expect(log.evaluations().map((e) => e.labels)).toEqual([0, 10, 20, 30])
  })

  it('adds no label for abandoned answers (null or aborted) and records the abandoned queries', async () => {
    let calls = 0
    const flaky: Oracle = {
      kind: 'human',
      answer(q: Query, signal?: AbortSignal): Promise<Answer | null> {
        calls++
        if (calls % 3 === 1) return Promise.resolve(null) // skipped
        if (calls % 3 === 2) {
          // A person who never answers: only the session's abort can end this one.
          return new Promise((_, reject) => signal?.addEventListener('abort', () => reject(new Error('gone'))))
        }
        return new Promise((r) => setTimeout(() => r({ action: [0, 0], humanSeconds: 0.5 }), 5))
      },
    }
    const ctl = new AbortController()
    const log = new MemorySessionLog(config({ oracle: 'human', budget: 100, evalEpisodes: 1 }))
    const run = runSession({ log, oracle: flaky, makeEnv, signal: ctl.signal })
    // Abort while the never-answering query is pending.
    await new Promise<void>((resolve) => {
      const poll = setInterval(() => {
        if (calls >= 2) {
          clearInterval(poll)
          resolve()
        }
      }, 5)
    })
    ctl.abort()
    const r = await run
    expect(r.status).toBe('cancelled')
    expect(log.status).toBe('cancelled')
    expect(log.labels()).toHaveLength(0)
    expect(log.queries().length).toBe(2)
    expect(log.queries().every((q) => q.abandonedAt !== null && q.labelId === null && q.answer === null)).toBe(true)
  })

  it('counts human seconds on labels from a human oracle', async () => {
    const person: Oracle = {
      kind: 'human',
      answer: async () => ({ action: [0.1, 0], humanSeconds: 2, operator: 'ann' }),
    }
    const log = new MemorySessionLog(config({ oracle: 'human', budget: 3, evalEpisodes: 1 }))
    const r = await runSession({ log, oracle: person, makeEnv })
    expect(r.labels).toBe(3)
    expect(r.humanSeconds).toBe(6)
    expect(log.evaluations().at(-1)!.humanSeconds).toBe(6)
    expect(log.queries().every((q) => q.operator === 'ann')).toBe(true)
  })
})

/** A MemorySessionLog that counts rounds and checkpoints, and fails a commit past `crashAt` labels (a kill). */
class CountingLog extends MemorySessionLog {
  crashAt = Infinity
  rounds = 0
  /** label rows of each stored checkpoint, and whether the round holding a query label kept one */
  checkpointRows: number[] = []
  queryRounds: boolean[] = []
  discarded: boolean[] = []
  override commitRound(round: RoundCommit): number[] {
    if (this.labels().length + round.labels.length > this.crashAt) throw new Error('killed')
    if (round.labels.length) this.rounds++
    if (round.checkpoint) this.checkpointRows.push(round.checkpoint.labels)
    if (round.labels.some((l) => l.source === 'query')) this.queryRounds.push(round.checkpoint !== null)
    return super.commitRound(round)
  }
  override discardAfter(rows: number, labels: number): boolean {
    const ok = super.discardAfter(rows, labels)
    this.discarded.push(ok)
    return ok
  }
}

const stored = (log: MemorySessionLog) => ({
  labels: log.labels().map((l) => [l.source, l.cost, Array.from(l.observation), Array.from(l.action)]),
  evaluations: log.evaluations(),
  queries: log.queries().map((q) => [q.labelId, Array.from(q.answer ?? [])]),
})

describe('checkpoints', () => {
  it('a session of simulated labels stores a checkpoint every few hundred labels, not every round', async () => {
    const log = new CountingLog(config({ algo: 'bc', budget: 450, evalEvery: 450, evalEpisodes: 1 }))
    const r = await runSession({ log, oracle: new ExpertOracle(expert), expert, makeEnv })
    expect(r.labels).toBe(450)
    expect(log.rounds).toBe(450) // BC: one label a round
    // the first round, then at most CHECKPOINT_EVERY.rows apart (sooner when seconds pass), and the last
    const at = log.checkpointRows
    expect(at[0]).toBe(1)
    expect(at.at(-1)).toBe(450)
    expect(at.slice(1).every((n, i) => n > at[i] && n - at[i] <= CHECKPOINT_EVERY.rows)).toBe(true)
    expect(at.length).toBeGreaterThanOrEqual(3)
    expect(at.length).toBeLessThan(450 / 10)
    expect(log.checkpoint()?.labels).toBe(450)
  })

  it('a killed session resumes from its last checkpoint, deleting the simulated rounds after it: the same labels, queries and curve as one never stopped', async () => {
    const c = config({ algo: 'warm-stagger', algoParams: { fraction: 0.5 }, budget: 80, evalEvery: 40 })
    const whole = new CountingLog(c)
    await runSession({ log: whole, oracle: new ExpertOracle(expert), expert, makeEnv })

    const log = new CountingLog(c)
    for (const crashAt of [25, 62]) {
      // killed between checkpoints: offline labels, then queries after the evaluation at 40
      log.crashAt = crashAt
      await expect(runSession({ log, oracle: new ExpertOracle(expert), expert, makeEnv })).rejects.toThrow('killed')
      expect(log.labels().length).toBe(crashAt)
      expect(log.checkpoint()!.labels).toBeLessThan(crashAt)
    }
    log.crashAt = Infinity
    const r = await runSession({ log, oracle: new ExpertOracle(expert), expert, makeEnv })
    expect(r.status).toBe('finished')
    expect(log.discarded).toEqual([true, true]) // each resume after a kill deleted rounds; none after that
    expect(stored(log)).toEqual(stored(whole))
    expect(log.evaluations().map((e) => e.labels)).toEqual([0, 40, 80])
  })

  it("every round holding a person's label keeps a checkpoint", async () => {
    const person: Oracle = { kind: 'human', answer: async () => ({ action: [0.1, -0.1], humanSeconds: 1 }) }
    const log = new CountingLog(config({ oracle: 'human', budget: 25, evalEpisodes: 1, evalEvery: 100 }))
    await runSession({ log, oracle: person, makeEnv })
    expect(log.queryRounds.length).toBe(log.rounds)
    expect(log.queryRounds.length).toBeGreaterThan(1)
    expect(log.queryRounds.every(Boolean)).toBe(true)
  })
})
