// advice.plan / advice.run on a real workspace: the plan is `iwb advise`'s (BC once, STAGGER and WARM-STAGGER at
// C/2, C, 2C) and writes nothing; bad input is refused in one line before a session is stored; a run takes its
// lanes from the workbench's running-session cap, so it is refused while a person's session fills the cap. With a
// simulated person as the oracle (the page's "Answered by: you") they plan, run and read that person's sessions,
// not the expert's, and the advice starts with the "for you" line of `iwb advise --person`.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createWorkbench, type Workbench } from '../../../src/main/api/compose'
import { connectInProcess, type InProcessApi } from '../../../src/main/api/in-process'
import { adviceService } from '../../../src/main/api/services/advice'
import { jobsService } from '../../../src/main/api/services/jobs'
import { queriesService } from '../../../src/main/api/services/queries'
import { makeSessionsService } from '../../../src/main/api/services/sessions'
import { adviceSessionConfigs } from '../../../src/main/session/advice-plan'
import { ADVICE_RUN_DEFAULTS, forYouLine } from '../../../src/shared/advice'
import type { Progress } from '../../../src/shared/contract'
import { parsePersonText, personText } from '../../../src/shared/person-model'
import { waitFor } from '../../wait-for'
import { PERSON_SESSION } from './fixtures'

describe('advice.plan and advice.run', () => {
  let dir: string
  let wb: Workbench
  let api: InProcessApi
  const sessions = async (): Promise<number> => (await api.call('sessions.list', {})).length

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'iwb-advice-run-'))
    wb = await createWorkbench({ workspaceFile: join(dir, 'ws.sqlite'), limits: { sessions: 1 } }, [
      makeSessionsService({ evalWorkers: 0 }),
      queriesService,
      adviceService,
      jobsService,
    ])
    api = connectInProcess(wb.handlers, wb.broadcaster)
  })
  afterAll(async () => {
    api.close()
    await wb?.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it("plans iwb advise's sessions without storing any, and refuses bad input in one line", async () => {
    const plan = await api.call('advice.plan', { taskId: 'reacher-arm', costRatio: 2 })
    const expected = adviceSessionConfigs({ taskId: 'reacher-arm', costRatio: 2, ...ADVICE_RUN_DEFAULTS })
    expect(plan).toEqual({
      taskId: 'reacher-arm',
      costRatio: 2,
      ratios: [1, 2, 4],
      total: expected.configs.length,
      finished: 0,
      unfinished: 0,
      missing: expected.configs.length,
    })
    const seeds = (x: string): string[] => Array<string>(ADVICE_RUN_DEFAULTS.seeds).fill(x)
    // BC's labels cost 1 whatever C is: its sessions once, at the first ratio
    expect(expected.configs.map((c) => `${c.algo}@${c.costRatio}`)).toEqual([
      ...seeds('bc@1'),
      ...[1, 2, 4].flatMap((c) => seeds(`stagger@${c}`)),
      ...[1, 2, 4].flatMap((c) => seeds(`warm-stagger@${c}`)),
    ])

    const refusal = (input: Record<string, unknown>): Promise<string> =>
      api.call('advice.run', input as never).then(
        () => 'started',
        (e: Error) => e.message,
      )
    expect(await refusal({ taskId: 'no-such-task', costRatio: 2 })).toMatch(/^advice\.run failed: .*no-such-task/)
    expect(await refusal({ taskId: 'reacher-arm', costRatio: 5000 })).toMatch(
      /^invalid input for advice\.run: costRatio: /,
    )
    // STAGGER at C/2 would ask 10000 / 0.01 queries: more than a session may
    expect(await refusal({ taskId: 'reacher-arm', costRatio: 0.01, budget: 10_000 })).toMatch(
      /^advice\.run failed: session config: costRatio: /,
    )
    for (const m of [
      await refusal({ taskId: 'no-such-task', costRatio: 2 }),
      await refusal({ taskId: 'reacher-arm', costRatio: 0.01, budget: 10_000 }),
    ])
      expect(m).not.toContain('\n')
    expect(await sessions()).toBe(0)
  })

  it('is refused while a running session fills the cap, storing nothing', async () => {
    const person = await api.call('sessions.start', PERSON_SESSION)
    await waitFor(async () => (await api.call('queries.pending', {})).length === 1, {
      message: 'the first query',
      timeoutMs: 60_000,
    })
    await expect(api.call('advice.run', { taskId: 'reacher-arm', costRatio: 2, budget: 4, seeds: 1 })).rejects.toThrow(
      'advice.run failed: 1 sessions are running on this workbench, the most it runs at once; pause or cancel one first',
    )
    expect(await sessions()).toBe(1)
    await api.call('sessions.control', { sessionId: person.id, command: 'cancel' })
  })

  it("plans, runs and reads a simulated person's sessions, not the expert's, and says whom it is for", async () => {
    // the cap's one lane is free once the cancelled person's session of the test above has settled
    await waitFor(async () => (await api.call('sessions.list', {})).every((s) => s.status !== 'running'), {
      message: 'the cancelled session to settle',
    })
    const before = new Set((await api.call('sessions.list', {})).map((s) => s.id))
    const me = personText(parsePersonText('person:noise=0.1,query=0.5,demo=0.05'))
    const request = { taskId: 'reacher-arm', costRatio: 2, budget: 6, seeds: 1, evalEvery: 3, evalEpisodes: 1 }
    const mine = { ...request, oracle: me }
    const total = adviceSessionConfigs(mine).configs.length
    expect(await api.call('advice.plan', mine)).toMatchObject({ total, missing: total })

    const progress: Progress[] = []
    const off = api.on('progress', (p) => progress.push(p))
    const run = await api.call('advice.run', mine)
    expect(run).toMatchObject({ missing: total, parallel: 1 })
    const end = await waitFor(() => progress.find((p) => p.jobId === run.jobId && p.finished), {
      message: "the person's advice sessions",
      timeoutMs: 120_000,
    })
    off()
    expect(end.error).toBeUndefined()

    // the person's sessions are stored and finished; the expert's are still all missing
    const stored = (await api.call('sessions.list', {})).filter((s) => !before.has(s.id))
    expect(stored.map((s) => [s.oracle, s.status])).toEqual(Array(total).fill([me, 'finished']))
    expect(await api.call('advice.plan', mine)).toMatchObject({ finished: total, missing: 0 })
    expect(await api.call('advice.plan', request)).toMatchObject({ finished: 0, missing: total })

    const advice = await api.call('advice.get', { taskId: 'reacher-arm', costRatio: 2, oracle: me })
    expect(advice?.sessions).toBe(total)
    expect(advice?.explanation[0]).toBe(forYouLine(parsePersonText(me), 2))
    expect(advice?.explanation[1]).toMatch(/^Target: /)
    expect(await api.call('advice.get', { taskId: 'reacher-arm', costRatio: 2 })).toBeNull()

    // an oracle the advice cannot use is refused in one line, before anything is stored
    const refusal = (oracle: string): Promise<string> =>
      api.call('advice.get', { taskId: 'reacher-arm', costRatio: 2, oracle }).then(
        () => 'answered',
        (e: Error) => e.message,
      )
    expect(await refusal('person:noise=7')).toMatch(/^invalid input for advice\.get: oracle: person model: noise: /)
    expect(await refusal('someone')).toMatch(/^invalid input for advice\.get: oracle: 'someone' is not /)
    expect(await refusal('human')).toMatch(/^invalid input for advice\.get: oracle: .*not 'human'/)
    for (const m of [await refusal('person:noise=7'), await refusal('human')]) expect(m).not.toContain('\n')
    expect(await sessions()).toBe(before.size + total)
  }, 180_000)
})
