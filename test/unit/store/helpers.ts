// Shared helpers for the store tests: temp dirs with real files, a sample session config, file hashes.
import { createHash } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync, existsSync, chmodSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { SessionConfig } from '../../../src/main/learn/session-log'
import { ALGO_VERSIONS } from '../../../src/shared/session-config'

export function tempDir(): {
  dir: string
  path: (name: string) => string
  cleanup: () => void
} {
  const dir = mkdtempSync(join(tmpdir(), 'iwb-store-'))
  return {
    dir,
    path: (name) => join(dir, name),
    cleanup: () => {
      chmodSync(dir, 0o755)
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

export function sha256(file: string): string {
  return existsSync(file) ? createHash('sha256').update(readFileSync(file)).digest('hex') : 'absent'
}

export function sampleConfig(overrides: Partial<SessionConfig> = {}): SessionConfig {
  return {
    taskId: 'reacher',
    algo: 'stagger',
    algoParams: {},
    oracle: 'expert',
    budget: 200,
    seed: 7,
    epochs: null,
    offline: { kind: 'expert' },
    fallAngle: null,
    costRatio: 2,
    schedule: 'incremental',
    loss: 'nll',
    standardise: 'data',
    policy: { id: 'mlp', params: {} },
    evalEvery: 20,
    evalEpisodes: 5,
    algoVersion: ALGO_VERSIONS[overrides.algo ?? 'stagger'],
    ...overrides,
  }
}

/** A step whose values encode (episode tag, index) so tests can check exactly what came back. */
export function fakeStep(tag: number, i: number) {
  return {
    state: [tag, i, i * 0.5, -i],
    observation: [tag + i / 1000, i],
    action: [Math.sin(i), Math.cos(i)],
    reward: i % 3,
    source: 'demonstration' as const,
  }
}

/** cartpole's sizes (obs 4, action 1, full physics state 5), which an import checks vectors against. */
export const CARTPOLE = { obsDim: 4, actDim: 1, stateSize: 5 }

/** A cartpole-sized step whose values encode (episode tag, index). */
export function cartpoleStep(tag: number, i: number) {
  return {
    state: [i * 0.01, tag, i * 0.5, -i, 0.25],
    observation: [tag + i / 1000, i, -i, 0.5],
    action: [Math.sin(i)],
    reward: i % 3,
    source: 'demonstration' as const,
  }
}
