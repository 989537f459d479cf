import { describe, expect, it } from 'vitest'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { command as expert } from '../../../src/main/cli/commands/expert'
import { command as tasks } from '../../../src/main/cli/commands/tasks'
import { UsageError } from '../../../src/main/cli/command'

const capture = (): { lines: string[]; io: { out: (l: string) => void; err: (l: string) => void; tty: boolean } } => {
  const lines: string[] = []
  return { lines, io: { out: (l) => lines.push(l), err: () => {}, tty: false } }
}

describe('iwb tasks', () => {
  it('prints a JSON array with id, obsDim, actDim, controlHz, horizon and operator', async () => {
    const { lines, io } = capture()
    expect(await tasks.run(['--json'], io)).toBe(0)
    const list = JSON.parse(lines.at(-1)!) as Record<string, unknown>[]
    expect(list.find((t) => t.id === 'hopper')).toMatchObject({
      obsDim: 11,
      actDim: 3,
      controlHz: 125,
      horizon: 1000,
      operator: false,
    })
    expect(list.filter((t) => t.operator).length).toBeGreaterThanOrEqual(3)
    await expect(tasks.run(['--bogus'], io)).rejects.toThrow(UsageError)
  })
})

describe('iwb expert eval', () => {
  it('ends with a JSON line holding task, episodes, meanReturn and stdReturn', async () => {
    const { lines, io } = capture()
    expect(await expert.run(['eval', '--task', 'cartpole', '--episodes', '4', '--seed', '3', '--json'], io)).toBe(0)
    const r = JSON.parse(lines.at(-1)!)
    expect(r).toMatchObject({
      task: 'cartpole',
      episodes: 4,
      seed: 3,
      kind: 'scripted',
      meanReturn: 1000,
      stdReturn: 0,
      // cart-pole reports no success flag
      successRate: null,
    })
  })

  it('gives the success rate for tasks with a success condition', async () => {
    const { lines, io } = capture()
    expect(await expert.run(['eval', '--task', 'push-t', '--episodes', '2', '--seed', '5', '--json'], io)).toBe(0)
    const r = JSON.parse(lines.at(-1)!)
    expect(r).toMatchObject({ task: 'push-t', episodes: 2, kind: 'scripted', successRate: 1 })
    // a success ends an episode before the 300-step horizon
    expect(r.meanLength).toBeLessThan(300)
  })

  it('rejects bad arguments with a usage error', async () => {
    const { io } = capture()
    await expect(expert.run(['eval'], io)).rejects.toThrow(/--task is required/)
    await expect(expert.run(['train', '--task', 'cartpole'], io)).rejects.toThrow(/operator task/)
    await expect(expert.run(['fly', '--task', 'hopper'], io)).rejects.toThrow(UsageError)
    // Numbers are bounded where they enter: a negative count is a usage error (exit 2), not a run of nothing.
    await expect(expert.run(['eval', '--task', 'cartpole', '--episodes', '-1'], io)).rejects.toThrow(
      "--episodes must be a whole number between 1 and 10000, got '-1'",
    )
    await expect(expert.run(['train', '--task', 'hopper', '--iterations', '-3'], io)).rejects.toThrow(
      "--iterations must be a whole number between 1 and 1000000, got '-3'",
    )
  })

  it('names an expert file it cannot parse', async () => {
    const { io } = capture()
    const dir = mkdtempSync(join(tmpdir(), 'iwb-expert-'))
    try {
      const bad = join(dir, 'hopper.json')
      writeFileSync(bad, '{"kind": "linear", oops')
      await expect(expert.run(['eval', '--task', 'hopper', '--file', bad, '--episodes', '1'], io)).rejects.toThrow(
        `${bad}: not a readable expert file`,
      )
      writeFileSync(bad, 'null')
      await expect(expert.run(['eval', '--task', 'hopper', '--file', bad, '--episodes', '1'], io)).rejects.toThrow(
        `${bad}: not a linear expert file`,
      )
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
