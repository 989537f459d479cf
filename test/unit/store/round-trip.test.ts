// Property: any workspace the tool can make exports and imports back to the same content. Seeded random
// workspaces are built through the real APIs (sessions through createSession/commitRound, episodes through the
// recorder, with every task's real vector sizes), exported, imported into a fresh workspace and exported again;
// the two exports' tables must be identical.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createRng, type Rng } from '../../../src/shared/rng'
import { SESSION_LIMITS, sessionConfig, type Algo } from '../../../src/shared/session-config'
import { taskShapes } from '../../../src/main/cli/task-shapes'
import { exportWorkspace } from '../../../src/main/store/export'
import { EXPORT_FILES } from '../../../src/main/store/export-format'
import { importExport } from '../../../src/main/store/import'
import type { TaskShapes } from '../../../src/main/store/types'
import { openWorkspace, type Workspace } from '../../../src/main/store/workspace'
import { tempDir } from './helpers'

let tmp: ReturnType<typeof tempDir>
let shapes: TaskShapes
beforeAll(async () => {
  shapes = await taskShapes()
})
beforeEach(() => (tmp = tempDir()))
afterEach(() => tmp.cleanup())

const WORKSPACES = 8

const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[rng.int(xs.length)]
const vector = (rng: Rng, n: number): number[] => Array.from({ length: n }, () => rng.uniform(-1e3, 1e3))

/** A random workspace, made only through the store's public API. */
function build(ws: Workspace, rng: Rng): void {
  const tasks = [...shapes.keys()]
  if (rng.next() < 0.7)
    ws.updateSettings({
      costRatio: rng.uniform(SESSION_LIMITS.costRatio.min, 10),
      operators: ['ana', 'bo'].slice(0, rng.int(3)),
    })
  const episodes: { id: number; task: string; steps: number }[] = []
  const record = (task: string, sessionId: number | null) => {
    const shape = shapes.get(task)!
    const rec = ws.startEpisode({
      taskId: task,
      sessionId,
      kind: pick(rng, ['demonstration', 'rollout', 'evaluation'] as const),
    })
    const steps = rng.int(12)
    for (let i = 0; i < steps; i++)
      rec.append({
        state: vector(rng, shape.stateSize),
        observation: vector(rng, shape.obsDim),
        action: vector(rng, shape.actDim),
        reward: rng.uniform(-10, 10),
        source: pick(rng, ['demonstration', 'policy', 'query', 'intervention'] as const),
      })
    if (rng.next() < 0.2) rec.interrupt()
    else rec.finish({ keep: true })
    episodes.push({ id: rec.episodeId, task, steps })
  }
  for (let i = rng.int(3); i > 0; i--) record(pick(rng, tasks), null)
  for (let s = 1 + rng.int(3); s > 0; s--) {
    const algo = pick(rng, ['bc', 'dagger', 'stagger', 'warm-stagger'] as const satisfies readonly Algo[])
    const costRatio = rng.uniform(SESSION_LIMITS.costRatio.min, SESSION_LIMITS.costRatio.max)
    const config = sessionConfig({
      taskId: pick(rng, tasks),
      algo,
      algoParams: algo === 'warm-stagger' && rng.next() < 0.5 ? { fraction: rng.next() } : {},
      oracle: pick(rng, ['expert', 'human'] as const),
      budget: 1 + rng.int(Math.min(SESSION_LIMITS.budget, Math.floor(SESSION_LIMITS.queries * costRatio))),
      seed: rng.int(SESSION_LIMITS.seed + 1), // up to the largest seed a flag accepts
      costRatio,
      schedule: pick(rng, ['incremental', 'scratch'] as const),
      loss: pick(rng, ['nll', 'mse'] as const),
      evalEvery: 1 + rng.int(SESSION_LIMITS.evalEvery),
      evalEpisodes: 1 + rng.int(SESSION_LIMITS.evalEpisodes),
      epochs: rng.next() < 0.5 ? null : 1 + rng.int(SESSION_LIMITS.epochs),
    })
    const log = ws.createSession(config)
    const shape = shapes.get(config.taskId)!
    for (let e = rng.int(3); e > 0; e--) record(config.taskId, log.sessionId)
    let labels = 0
    for (let round = rng.int(4); round > 0; round--) {
      const n = 1 + rng.int(4)
      const source = episodes.filter((e) => e.task === config.taskId && e.steps > 0)
      const batch = Array.from({ length: n }, () => {
        const from = source.length && rng.next() < 0.6 ? pick(rng, source) : null
        return {
          source: pick(rng, ['offline', 'query'] as const),
          cost: rng.next() < 0.5 ? 1 : config.costRatio,
          observation: vector(rng, shape.obsDim),
          state: rng.next() < 0.5 ? vector(rng, shape.stateSize) : null,
          action: vector(rng, shape.actDim),
          humanSeconds: config.oracle === 'human' ? rng.uniform(0, 30) : null,
          episodeId: from?.id ?? null,
          // The runner keeps a label's step in a rollout it did not store: a stepIndex without an episode.
          stepIndex: from ? rng.int(from.steps) : rng.next() < 0.5 ? rng.int(1000) : null,
        }
      })
      const answered = rng.int(n + 1)
      log.commitRound({
        labels: batch,
        queries: Array.from({ length: answered }, (_, i) => ({
          labelIndex: i,
          query: {
            issuedAt: 1000 * round + i,
            firstInputAt: rng.next() < 0.5 ? null : 1000 * round + i + 1,
            committedAt: 1000 * round + i + 2,
            abandonedAt: null,
            proposedAction: vector(rng, shape.actDim),
            answer: vector(rng, shape.actDim),
            disagreement: rng.uniform(0, 5),
            operator: rng.next() < 0.5 ? null : 'ana',
          },
        })),
        checkpoint: null,
      })
      labels += n
      log.addEvaluation({
        labels,
        cost: labels * config.costRatio,
        humanSeconds: rng.uniform(0, 100),
        returns: vector(rng, 1 + rng.int(5)),
      })
      if (rng.next() < 0.5)
        log.savePolicy({ labels, backend: 'cpu', weights: { w: vector(rng, 3), layers: [rng.int(64)] } })
    }
    log.setStatus(pick(rng, ['created', 'running', 'paused', 'finished', 'failed', 'cancelled'] as const))
  }
}

const tables = (dir: string) => Object.fromEntries(EXPORT_FILES.map((f) => [f, readFileSync(join(dir, f), 'utf8')]))

describe('export and import round trip (property)', () => {
  it(`${WORKSPACES} seeded random workspaces export and import back to the same content`, () => {
    for (let seed = 1; seed <= WORKSPACES; seed++) {
      const src = openWorkspace(tmp.path(`src-${seed}.db`))
      build(src, createRng(seed))
      exportWorkspace(src, tmp.path(`a-${seed}`))
      src.close()
      const dst = openWorkspace(tmp.path(`dst-${seed}.db`))
      importExport(dst, tmp.path(`a-${seed}`), { tasks: shapes })
      exportWorkspace(dst, tmp.path(`b-${seed}`))
      dst.close()
      const a = tables(tmp.path(`a-${seed}`))
      expect(a['sessions.jsonl'].length, `seed ${seed} made sessions`).toBeGreaterThan(0)
      expect({ seed, ...tables(tmp.path(`b-${seed}`)) }).toEqual({ seed, ...a })
    }
  })
})
