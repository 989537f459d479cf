// What the workspace stores, bounded once (issue 27, item 2: shared/stored-values.ts): an operator of at most 100
// characters, a person's seconds of at most a day, timestamps that parse as dates. Every way in refuses a bad value
// in one line naming the field and stores nothing: the API's queries.answer and teleop.record, the person's oracle,
// the robomimic and LeRobot importers, the recorder and the workbench's own export format.
import { describe, expect, it, beforeAll, afterAll } from 'vitest'
import { ContractError, parseInput } from '../../../src/shared/contract'
import type { TaskInfo } from '../../../src/shared/contract'
import { HumanOracle } from '../../../src/main/learn/human-oracle'
import { command as importCmd } from '../../../src/main/cli/commands/import'
import type { CommandIO } from '../../../src/main/cli/command'
import { datasetTasks } from '../../../src/main/cli/task-shapes'
import { openWorkspace } from '../../../src/main/store/workspace'
import { StoreError } from '../../../src/main/store/errors'
import { rowSchemas } from '../../../src/main/store/export-format'
import { writeRobomimic } from '../../../src/main/store/datasets/robomimic'
import { writeLerobotV3 as writeLerobot } from '../../../src/main/store/datasets/lerobot-v3'
import type { Dataset, DatasetEpisode, DatasetTask } from '../../../src/main/store/datasets/types'
import { sha256, tempDir } from './helpers'

let tmp: ReturnType<typeof tempDir>
let cartpole: DatasetTask
beforeAll(async () => {
  tmp = tempDir()
  cartpole = (await datasetTasks()).get('cartpole')!
})
afterAll(() => tmp.cleanup())

const LONG = 'x'.repeat(2_000_000)

function oneLine(fn: () => unknown, field: RegExp): string {
  let message = ''
  try {
    fn()
  } catch (err) {
    message = (err as Error).message
  }
  expect(message).toMatch(field)
  expect(message.split('\n')).toHaveLength(1)
  expect(message.length).toBeLessThan(300)
  return message
}

describe("the API's ways in", () => {
  const answer = { queryId: 1, action: [0.5], firstInputMs: 300, commitMs: 2500, operator: 'ada' }

  it('queries.answer takes at most a day of milliseconds and a 100-character operator', () => {
    expect(parseInput('queries.answer', answer)).toEqual(answer)
    expect(parseInput('queries.answer', { ...answer, commitMs: 86_400_000, operator: 'o'.repeat(100) })).toBeTruthy()
    for (const [bad, field] of [
      [{ commitMs: 1e308 }, /^invalid input for queries\.answer: .*commitMs/],
      [{ firstInputMs: 86_400_001 }, /^invalid input for queries\.answer: .*firstInputMs/],
      [{ operator: 'o'.repeat(101) }, /^invalid input for queries\.answer: .*operator/],
    ] as const) {
      expect(() => parseInput('queries.answer', { ...answer, ...bad })).toThrow(ContractError)
      oneLine(() => parseInput('queries.answer', { ...answer, ...bad }), field)
    }
    oneLine(() => parseInput('teleop.record', { command: 'start', operator: LONG }), /operator/)
  })

  it("the person's oracle refuses such an answer and keeps the query open", async () => {
    const task = { id: 'stub', actDim: 1, actionLow: [-1], actionHigh: [1] } as unknown as TaskInfo
    const oracle = new HumanOracle({ sessionId: 1, task, publish: () => {}, nextQueryId: () => 7 })
    const pending = oracle.answer({
      taskId: 'stub',
      observation: Float64Array.of(0),
      state: Float64Array.of(0),
      proposedAction: Float64Array.of(0),
      step: 0,
    })
    oneLine(() => oracle.commit(7, { action: [0], commitMs: 1e308, firstInputMs: null }), /^commitMs: 1e\+308; /)
    oneLine(() => oracle.commit(7, { action: [0], commitMs: 5, firstInputMs: null, operator: LONG }), /^operator: /)
    expect(oracle.prompts()).toHaveLength(1)
    oracle.commit(7, { action: [0], commitMs: 86_400_000, firstInputMs: null, operator: 'ada' })
    expect(await pending).toMatchObject({ humanSeconds: 86_400, operator: 'ada' })
  })
})

describe('the recorder', () => {
  it('refuses an operator over 100 characters before an episode exists', () => {
    const ws = openWorkspace(tmp.path('rec.iwb'))
    try {
      let err: unknown
      try {
        ws.startEpisode({ taskId: 'cartpole', kind: 'demonstration', operator: 'o'.repeat(101) })
      } catch (e) {
        err = e
      }
      expect(err).toBeInstanceOf(StoreError)
      expect((err as StoreError).code).toBe('invalid-value')
      expect((err as Error).message).toBe(
        'operator: a text of 101 characters; too long (at most 100 characters); nothing was recorded',
      )
      expect(ws.db.prepare('SELECT count(*) AS n FROM episodes').get()).toEqual({ n: 0 })
      ws.startEpisode({ taskId: 'cartpole', kind: 'demonstration', operator: 'o'.repeat(100) }).finish({ keep: false })
    } finally {
      ws.close()
    }
  })
})

describe('dataset imports', () => {
  function dataset(meta: Partial<Pick<DatasetEpisode, 'operator' | 'createdAt'>>): Dataset {
    const n = 3
    const vecs = (w: number) => Array.from({ length: n }, (_, i) => new Float64Array(w).fill(i / 10))
    const good = {
      sourceId: 1,
      operator: 'ada',
      createdAt: '2026-11-26T00:30:00.000Z',
      observations: vecs(cartpole.obsDim),
      actions: vecs(cartpole.actDim),
      states: vecs(cartpole.stateSize),
      rewards: new Float64Array(n).fill(1),
    }
    return { task: cartpole, episodes: [good, { ...good, sourceId: 2, ...meta }] }
  }

  const io = (): CommandIO => ({ out: () => {}, err: () => {}, tty: false })

  /** `iwb import` refuses in one line naming the field, and the workspace file is byte for byte what it was. */
  async function refused(from: string, field: RegExp): Promise<void> {
    const target = tmp.path('target.iwb')
    const before = sha256(target)
    let message = ''
    await importCmd.run(['--db', target, '--from', from], io()).catch((e: Error) => (message = e.message))
    expect(message).toMatch(field)
    expect(message).toMatch(/; nothing was imported$/)
    expect(message.split('\n')).toHaveLength(1)
    expect(message.length).toBeLessThan(500)
    expect(sha256(target)).toBe(before)
  }

  it('robomimic: a created_at that is not a date, an operator of 2,000,000 characters', async () => {
    const ok = tmp.path('ok.hdf5')
    await writeRobomimic(dataset({}), ok)
    expect(await importCmd.run(['--db', tmp.path('target.iwb'), '--from', ok], io())).toBe(0)

    const notDate = tmp.path('not-a-date.hdf5')
    await writeRobomimic(dataset({ createdAt: 'not a date' }), notDate)
    await refused(notDate, /not-a-date\.hdf5: episode 1: created_at: "not a date"; not a date; nothing/)

    const long = tmp.path('long-operator.hdf5')
    await writeRobomimic(dataset({ operator: LONG }), long)
    await refused(
      long,
      /long-operator\.hdf5: episode 1: operator: a text of 2000000 characters; too long \(at most 100/,
    )
  })

  it('LeRobot: the same', async () => {
    const notDate = tmp.path('lerobot-not-a-date')
    writeLerobot(dataset({ createdAt: 'not a date' }), notDate)
    await refused(notDate, /lerobot-not-a-date: episode 1: created_at: "not a date"; not a date/)

    const long = tmp.path('lerobot-long')
    writeLerobot(dataset({ operator: LONG }), long)
    await refused(long, /lerobot-long: episode 1: operator: a text of 2000000 characters/)
  })
})

describe("the workbench's own export format", () => {
  it('reads back timestamps that parse as dates and 100-character operators, and nothing else', () => {
    const episode = {
      id: 1,
      taskId: 'cartpole',
      sessionId: null,
      kind: 'demonstration',
      complete: true,
      interrupted: false,
      ret: 1,
      steps: 1,
      operator: 'o'.repeat(100),
      createdAt: '2026-11-26T00:30:00.000Z',
      finishedAt: '2026-11-26T00:31:00.000Z',
    }
    const schema = rowSchemas['episodes.jsonl']
    expect(schema.safeParse(episode).success).toBe(true)
    expect(schema.safeParse({ ...episode, createdAt: 'not a date' }).success).toBe(false)
    expect(schema.safeParse({ ...episode, finishedAt: 'not a date' }).success).toBe(false)
    expect(schema.safeParse({ ...episode, operator: 'o'.repeat(101) }).success).toBe(false)
    const query = {
      id: 1,
      sessionId: 1,
      labelId: null,
      issuedAt: 0,
      firstInputAt: null,
      committedAt: 1,
      abandonedAt: null,
      proposedAction: [0],
      answer: [0],
      disagreement: 0,
      operator: 'o'.repeat(100),
    }
    expect(rowSchemas['queries.jsonl'].safeParse(query).success).toBe(true)
    expect(rowSchemas['queries.jsonl'].safeParse({ ...query, operator: 'o'.repeat(101) }).success).toBe(false)
  })
})
