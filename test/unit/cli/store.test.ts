import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { closeSync, openSync, writeSync } from 'node:fs'
import { command as db } from '../../../src/main/cli/commands/db'
import { command as exportCmd } from '../../../src/main/cli/commands/export'
import { command as importCmd } from '../../../src/main/cli/commands/import'
import { UsageError, type CommandIO } from '../../../src/main/cli/command'
import { openWorkspace } from '../../../src/main/store/workspace'
import { SCHEMA_VERSION } from '../../../src/main/store/migrations'
import { cartpoleStep, sampleConfig, tempDir } from '../store/helpers'

let tmp: ReturnType<typeof tempDir>
beforeEach(() => (tmp = tempDir()))
afterEach(() => tmp.cleanup())

function capture(): CommandIO & { lines: string[]; last: () => Record<string, unknown> } {
  const lines: string[] = []
  return {
    lines,
    out: (l) => lines.push(l),
    err: () => {},
    tty: false,
    last: () => JSON.parse(lines[lines.length - 1]) as Record<string, unknown>,
  }
}

function makeWorkspace(name: string): { file: string; session: number } {
  const file = tmp.path(name)
  const ws = openWorkspace(file)
  const log = ws.createSession(sampleConfig({ taskId: 'cartpole' }))
  const rec = ws.startEpisode({ taskId: 'cartpole', sessionId: log.sessionId, kind: 'rollout' })
  for (let i = 0; i < 20; i++) rec.append({ ...cartpoleStep(1, i), source: 'policy' })
  const ep = rec.finish({ keep: true }).episodeId
  log.addLabel({
    source: 'query',
    cost: 2,
    observation: [1, 2, 3, 4],
    state: null,
    action: [1],
    humanSeconds: null,
    episodeId: ep,
    stepIndex: 2,
  })
  ws.close()
  return { file, session: log.sessionId }
}

describe('iwb db / export / import', () => {
  it('db check prints ok and exits 0 on a sound file, lists problems and exits 1 on a damaged one', async () => {
    const { file } = makeWorkspace('a.db')
    const io = capture()
    expect(await db.run(['check', file], io)).toBe(0)
    expect(io.lines).toEqual([`ok (schema version ${SCHEMA_VERSION})`])
    const fd = openSync(file, 'r+')
    writeSync(fd, Buffer.alloc(16, 0x41), 0, 16, 0)
    closeSync(fd)
    const bad = capture()
    expect(await db.run(['check', file, '--json'], bad)).toBe(1)
    expect(bad.last()).toMatchObject({ ok: false })
    await expect(db.run(['check'], capture())).rejects.toBeInstanceOf(UsageError)
  })

  it('db info reports schema version and row counts', async () => {
    const { file } = makeWorkspace('b.db')
    const io = capture()
    expect(await db.run(['info', file, '--json'], io)).toBe(0)
    expect(io.last()).toMatchObject({
      schemaVersion: SCHEMA_VERSION,
      workbench: true,
      rows: { sessions: 1, episodes: 1, steps: 20 },
    })
  })

  it('export then import moves a session into another workspace', async () => {
    const { file, session } = makeWorkspace('src.db')
    const { file: target } = makeWorkspace('dst.db')
    const out = tmp.path('out')
    const e = capture()
    expect(await exportCmd.run(['--db', file, '--session', String(session), '--out', out, '--json'], e)).toBe(0)
    expect(e.last()).toMatchObject({ scope: 'sessions', rows: { sessions: 1, episodes: 1, steps: 20, labels: 1 } })
    const i = capture()
    expect(await importCmd.run(['--db', target, '--from', out, '--json'], i)).toBe(0)
    expect(i.last()).toMatchObject({ sessions: { [session]: 2 }, rows: { steps: 20 } })
    const ws = openWorkspace(target)
    expect(ws.listSessions().map((s) => s.labels)).toEqual([1, 1])
    expect(ws.openSession(2).labels()[0].episodeId).toBe(2)
    ws.close()
    await expect(importCmd.run(['--db', target], capture())).rejects.toBeInstanceOf(UsageError)
  })
})
