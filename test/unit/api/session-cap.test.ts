// The workbench runs at most limits.sessions learning sessions at once: a start or resume beyond the cap is
// refused in one line and stores nothing. Real session workers on a real workspace; a person's sessions, so
// each waits on its first query without using the cores.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createWorkbench, type Workbench } from '../../../src/main/api/compose'
import { connectInProcess, type InProcessApi } from '../../../src/main/api/in-process'
import { queriesService } from '../../../src/main/api/services/queries'
import { makeSessionsService } from '../../../src/main/api/services/sessions'
import { waitFor } from '../../wait-for'
import { PERSON_SESSION } from './fixtures'

const START = PERSON_SESSION

describe('the running-sessions cap', () => {
  let dir: string
  let wb: Workbench
  let api: InProcessApi

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'iwb-cap-'))
    wb = await createWorkbench({ workspaceFile: join(dir, 'ws.sqlite'), limits: { sessions: 1 } }, [
      makeSessionsService({ evalWorkers: 0 }),
      queriesService,
    ])
    api = connectInProcess(wb.handlers, wb.broadcaster)
  })
  afterEach(async () => {
    api.close()
    await wb.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('refuses a start and a resume beyond the cap, storing nothing, and takes them once one stopped', async () => {
    const first = await api.call('sessions.start', { ...START, seed: 1 })
    await waitFor(async () => (await api.call('queries.pending', {})).length === 1, {
      message: 'the first query',
      timeoutMs: 60_000,
    })

    const refused = await api.call('sessions.start', { ...START, seed: 2 }).catch((e: Error) => e)
    expect(refused).toBeInstanceOf(Error)
    expect((refused as Error).message).toBe(
      'sessions.start failed: 1 sessions are running on this workbench, the most it runs at once; pause or cancel one first',
    )
    expect((await api.call('sessions.list', {})).map((s) => s.id)).toEqual([first.id])

    await api.call('sessions.control', { sessionId: first.id, command: 'pause' })
    const second = await api.call('sessions.start', { ...START, seed: 2 })
    expect(second.status).toBe('running')
    await expect(api.call('sessions.control', { sessionId: first.id, command: 'resume' })).rejects.toThrow(
      /1 sessions are running on this workbench/,
    )
    await api.call('sessions.control', { sessionId: second.id, command: 'cancel' })
    expect((await api.call('sessions.control', { sessionId: first.id, command: 'resume' })).status).toBe('running')
    await api.call('sessions.control', { sessionId: first.id, command: 'cancel' })
  })

  it('refuses limits beyond their bounds when the workbench starts', async () => {
    await expect(
      createWorkbench({ workspaceFile: join(dir, 'other.sqlite'), limits: { sessions: 1000 } }, [
        makeSessionsService({ evalWorkers: 0 }),
      ]),
    ).rejects.toThrow(/^workbench limits: sessions: /)
  })
})
