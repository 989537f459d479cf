// `iwb run --oracle person:...`: a simulated person answers a session stored in a real workspace file; its labels
// carry the expert's action in the file, and the JSON line gives the human-effort measures.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { command as run, parseRunArgs } from '../../../src/main/cli/commands/run'
import { UsageError } from '../../../src/main/cli/command'
import { openWorkspace } from '../../../src/main/store'
import { parsePersonText, personText } from '../../../src/shared/person-model'
import { capture } from './capture'

const dir = mkdtempSync(join(tmpdir(), 'iwb-run-person-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const SMALL = ['--task', 'reacher-arm', '--budget', '12', '--eval-every', '6', '--eval-episodes', '2', '--json']

describe('iwb run --oracle', () => {
  it('takes a person as parameters or as a fitted model file, and refuses anything else in one line', () => {
    const text = 'person:noise=0.2,query=3'
    expect(parseRunArgs([...SMALL, '--oracle', text]).config.oracle).toBe(personText(parsePersonText(text)))
    expect(parseRunArgs(SMALL).config.oracle).toBe('expert')
    const file = join(dir, 'me.json')
    writeFileSync(file, JSON.stringify({ task: 'reacher-arm', model: { noise: [0.1, 0.05], query: 5.5 } }))
    expect(parseRunArgs([...SMALL, '--oracle', `person:${file}`]).config.oracle).toBe(
      personText(parsePersonText('person:noise=0.1/0.05,query=5.5')),
    )
    const bad: [string, RegExp][] = [
      ['robot', /--oracle must be expert, person:/],
      ['human', /--oracle human: a person answers in the page/],
      ['person:noise=3', /--oracle person model: noise|--oracle person: .*noise/],
      [`person:${join(dir, 'none.json')}`, /no such file/],
    ]
    for (const [value, re] of bad) {
      expect(() => parseRunArgs([...SMALL, '--oracle', value])).toThrow(UsageError)
      expect(() => parseRunArgs([...SMALL, '--oracle', value])).toThrow(re)
    }
  })

  it('stores the person in the session and its expert actions in the file; the line gives the human effort', async () => {
    const db = join(dir, 'w.sqlite')
    const io = capture()
    const code = await run.run(
      [...SMALL, '--algo', 'stagger', '--oracle', 'person:noise=0.2,query=3,querySpread=0', '--db', db],
      io,
    )
    expect(code, io.stderr.join('\n')).toBe(0)
    const line = JSON.parse(io.stdout[io.stdout.length - 1]) as Record<string, number | string | null>
    expect(line.oracle).toMatch(/^person:noise=0.2,/)
    expect(line.labels).toBe(12)
    // every answer took exactly 3 s (no spread): 12 labels, 36 s
    expect(line.humanSeconds).toBeCloseTo(36, 9)
    expect(line.contextSwitches).toBe(0)
    expect(typeof line.rohe).toBe('number')
    const ws = openWorkspace(db)
    try {
      const labels = ws.openSession(Number(line.sessionId)).labels()
      expect(labels).toHaveLength(12)
      expect(labels.every((l) => l.expertAction && l.expertAction.length === l.action.length)).toBe(true)
      expect(labels.some((l) => Array.from(l.action).join() !== Array.from(l.expertAction!).join())).toBe(true)
    } finally {
      ws.close()
    }
  })
})
