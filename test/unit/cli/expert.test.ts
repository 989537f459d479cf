import { describe, expect, it } from 'vitest'
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
    expect(list.find((t) => t.id === 'hopper')).toMatchObject({ obsDim: 11, actDim: 3, controlHz: 125, horizon: 1000, operator: false })
    expect(list.filter((t) => t.operator).length).toBeGreaterThanOrEqual(3)
    await expect(tasks.run(['--bogus'], io)).rejects.toThrow(UsageError)
  })
})

describe('iwb expert eval', () => {
  it('ends with a JSON line holding task, episodes, meanReturn and stdReturn', async () => {
    const { lines, io } = capture()
    expect(await expert.run(['eval', '--task', 'cartpole', '--episodes', '4', '--seed', '3', '--json'], io)).toBe(0)
    const r = JSON.parse(lines.at(-1)!)
    expect(r).toMatchObject({ task: 'cartpole', episodes: 4, seed: 3, kind: 'scripted', meanReturn: 1000, stdReturn: 0 })
  })

  it('rejects bad arguments with a usage error', async () => {
    const { io } = capture()
    await expect(expert.run(['eval'], io)).rejects.toThrow(/--task is required/)
    await expect(expert.run(['train', '--task', 'cartpole'], io)).rejects.toThrow(/operator task/)
    await expect(expert.run(['fly', '--task', 'hopper'], io)).rejects.toThrow(UsageError)
  })
})
