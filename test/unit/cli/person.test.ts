// `iwb person`: a model fitted to a simulated person's stored session gives back the person it simulated (within
// what 80 labels can tell), and its JSON is a model file `--oracle person:FILE` reads.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { command as person } from '../../../src/main/cli/commands/person'
import { parseRunArgs } from '../../../src/main/cli/commands/run'
import { expertFor } from '../../../src/main/experts/registry'
import { PersonOracle } from '../../../src/main/learn/simulated-person'
import { runSession } from '../../../src/main/learn/session-runner'
import { makeEnv, taskInfo } from '../../../src/main/sim/registry'
import { openWorkspace } from '../../../src/main/store'
import { parsePersonText, personText, PERSON_DEFAULTS } from '../../../src/shared/person-model'
import { sessionConfig } from '../../../src/shared/session-config'
import { capture } from './capture'

const dir = mkdtempSync(join(tmpdir(), 'iwb-person-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const TASK = 'reacher-arm'
const PERSON = personText(parsePersonText('person:noise=0.04,bias=0.03,skip=0.2,query=5,querySpread=0.3'))

describe('iwb person', () => {
  it('fits the person a simulated session was answered by, and writes a model file --oracle reads', async () => {
    const db = join(dir, 'w.sqlite')
    const ws = openWorkspace(db)
    try {
      const config = sessionConfig({
        taskId: TASK,
        algo: 'stagger',
        oracle: PERSON,
        budget: 80,
        seed: 2,
        evalEvery: 80,
        evalEpisodes: 1,
      })
      const log = ws.createSession(config)
      const expert = expertFor(TASK)
      const oracle = new PersonOracle(parsePersonText(PERSON), taskInfo(TASK), expert)
      const r = await runSession({ log, oracle, expert, makeEnv })
      expect(r.status).toBe('finished')
    } finally {
      ws.close()
    }
    const io = capture()
    expect(await person.run(['--db', db, '--task', TASK, '--oracle', PERSON, '--json'], io)).toBe(0)
    const out = JSON.parse(io.stdout[0]) as {
      model: { noise: number[]; bias: number[]; skip: number; query: number; querySpread: number }
      measured: { actionLabels: number; queries: number; skipped: number; secondsPerQuery: { lo: number; hi: number } }
    }
    expect(out.measured.actionLabels).toBe(80)
    expect(out.measured.queries).toBe(80)
    // the action's range clips a few answers, which only narrows the spread and pulls the bias in
    for (const b of out.model.bias) expect(Math.abs(b - 0.03)).toBeLessThan(0.015)
    for (const s of out.model.noise) expect(Math.abs(s - 0.04)).toBeLessThan(0.015)
    expect(out.model.skip).toBeGreaterThan(0.08)
    expect(out.model.skip).toBeLessThan(0.35)
    expect(out.measured.secondsPerQuery.lo).toBeLessThan(5)
    expect(out.measured.secondsPerQuery.hi).toBeGreaterThan(5)
    expect(Math.abs(out.model.querySpread - 0.3)).toBeLessThan(0.1)
    // the human-readable form says the same in lines
    const text = capture()
    await person.run(['--db', db, '--task', TASK, '--oracle', PERSON], text)
    expect(text.stdout.join('\n')).toMatch(/80 answered, \d+ skipped/)
    // its JSON is a model file
    const file = join(dir, 'me.json')
    writeFileSync(file, io.stdout[0])
    const oracle = parseRunArgs(['--task', TASK, '--oracle', `person:${file}`]).config.oracle
    expect(parsePersonText(oracle)).toEqual(out.model)
  })

  it("gives the defaults' model for a workspace without a person's labels", async () => {
    const db = join(dir, 'empty.sqlite')
    openWorkspace(db).close()
    const io = capture()
    expect(await person.run(['--db', db, '--task', TASK, '--json'], io)).toBe(0)
    const out = JSON.parse(io.stdout[0]) as { model: unknown; measured: { actionLabels: number } }
    expect(out.model).toEqual(PERSON_DEFAULTS)
    expect(out.measured.actionLabels).toBe(0)
  })
})
