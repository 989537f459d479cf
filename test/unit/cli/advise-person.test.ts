// `iwb advise --person`: the advice reads the sessions the simulated person answered (not the expert's), and the
// person's own cost ratio (seconds per query over seconds per demonstrated state) is C when none is given.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { command as advise } from '../../../src/main/cli/commands/advise'
import { adviceSessionConfigs } from '../../../src/main/session/advice-plan'
import { openWorkspace } from '../../../src/main/store'
import { parsePersonText, personText } from '../../../src/shared/person-model'
import { capture } from './capture'

const dir = mkdtempSync(join(tmpdir(), 'iwb-advise-person-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('iwb advise --person', () => {
  it("plans the person's sessions and reads only those", async () => {
    const me = personText(parsePersonText('person:noise=0.2,query=4.8,demo=0.048'))
    const { configs } = adviceSessionConfigs({
      taskId: 'reacher-arm',
      costRatio: 100,
      budget: 20,
      seeds: 1,
      evalEvery: 10,
      evalEpisodes: 2,
      oracle: me,
    })
    expect(configs.every((c) => c.oracle === me)).toBe(true)
    const file = join(dir, 'me.json')
    writeFileSync(file, JSON.stringify({ model: parsePersonText(me) }))
    const db = join(dir, 'w.sqlite')
    openWorkspace(db).close()
    const io = capture()
    // no --cost-ratio: the person's 4.8 s / 0.048 s = C 100; nothing stored for this person yet
    await expect(advise.run(['--task', 'reacher-arm', '--db', db, '--person', file, '--no-run'], io)).rejects.toThrow(
      /no finished simulated person's sessions of reacher-arm/,
    )
    await expect(
      advise.run(['--task', 'reacher-arm', '--db', db, '--cost-ratio', '100', '--no-run'], io),
    ).rejects.toThrow(/no finished expert sessions/)
  })
})
