// A LeRobot folder's Parquet files are checked against what its meta files declare before a row is decoded, and
// meta files that are JSON but not objects are refused in one line (issue #27). Decoding is watched through
// hyparquet's parquetReadObjects, the one call that decodes rows.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import {
  readLerobotV21 as readLerobot,
  writeLerobotV21 as writeLerobot,
} from '../../../../src/main/store/datasets/lerobot-v21'
import type { Dataset, DatasetTask } from '../../../../src/main/store/datasets/types'
import { StoreError } from '../../../../src/main/store/errors'

const decoded = vi.hoisted(() => ({ calls: 0 }))
vi.mock('hyparquet', async (importOriginal) => {
  const real = await importOriginal<typeof import('hyparquet')>()
  return {
    ...real,
    parquetReadObjects: (...args: Parameters<typeof real.parquetReadObjects>) => {
      decoded.calls++
      return real.parquetReadObjects(...args)
    },
  }
})

const TASK: DatasetTask = { taskId: 'tiny', obsDim: 2, actDim: 1, stateSize: 3, controlHz: 50, model: 'tiny.xml' }
const TASKS = new Map([[TASK.taskId, TASK]])
const EPISODE = 'data/chunk-000/episode_000000.parquet'

/** One episode of `steps` steps, its observations `obsDim` wide. */
function dataset(steps: number, obsDim = TASK.obsDim): Dataset {
  const episode = {
    sourceId: 0,
    operator: null,
    createdAt: null,
    observations: Array.from({ length: steps }, (_, i) => new Float64Array(obsDim).fill(i)),
    actions: Array.from({ length: steps }, (_, i) => Float64Array.of(i / steps)),
    states: Array.from({ length: steps }, (_, i) => Float64Array.of(i, 0, 1)),
    rewards: new Float64Array(steps),
  }
  return { task: { ...TASK, obsDim }, episodes: [episode] }
}

let top: string
beforeAll(() => {
  top = mkdtempSync(join(tmpdir(), 'iwb-lerobot-bounds-'))
  writeLerobot(dataset(5), join(top, 'plain')) // meta/episodes.jsonl declares 5 steps
  writeLerobot(dataset(20_000), join(top, 'long'))
  writeLerobot(dataset(5, 1000), join(top, 'wide'))
})
afterAll(() => rmSync(top, { recursive: true, force: true }))
beforeEach(() => {
  decoded.calls = 0
})

let copies = 0
/** The plain dataset with `damage` done to a copy; resolves to readLerobot's one-line error. */
async function refusal(damage: (dir: string) => void): Promise<string> {
  const dir = join(top, `copy-${++copies}`)
  cpSync(join(top, 'plain'), dir, { recursive: true })
  damage(dir)
  const err = await readLerobot(dir, TASKS).then(
    () => null,
    (e: unknown) => e,
  )
  expect(err).toBeInstanceOf(StoreError)
  const message = (err as StoreError).message
  expect(message).not.toContain('\n')
  return message
}

describe('LeRobot Parquet rows are bounded by what the meta files declare', () => {
  it('decodes a plain episode', async () => {
    const { episodes } = await readLerobot(join(top, 'plain'), TASKS)
    expect(episodes[0].actions).toHaveLength(5)
    expect(decoded.calls).toBe(1)
  })

  it('refuses 20,000 rows where meta/episodes.jsonl declares 5, from the footer, decoding nothing', async () => {
    const message = await refusal((d) => cpSync(join(top, 'long', EPISODE), join(d, EPISODE)))
    expect(message).toMatch(/episode_000000\.parquet holds 20000 rows by its footer, meta\/episodes\.jsonl says 5;/)
    expect(decoded.calls).toBe(0)
  })

  it('refuses a column holding more values than its rows can (1000-wide vectors for 2), decoding nothing', async () => {
    const message = await refusal((d) => cpSync(join(top, 'wide', EPISODE), join(d, EPISODE)))
    expect(message).toMatch(/column observation\.state holds 5000 values, more than 10 for its 5 rows;/)
    expect(decoded.calls).toBe(0)
  })
})

describe('LeRobot meta files that are JSON but not objects', () => {
  it('refuses info.json holding null or a list in one line', async () => {
    expect(await refusal((d) => writeFileSync(join(d, 'meta/info.json'), 'null\n'))).toMatch(
      /: meta\/info\.json is null, not a JSON object; nothing was imported$/,
    )
    expect(await refusal((d) => writeFileSync(join(d, 'meta/info.json'), '[1, 2]'))).toMatch(
      /meta\/info\.json is a list, not a JSON object/,
    )
  })

  it('refuses a null row of episodes.jsonl or tasks.jsonl by its number', async () => {
    expect(await refusal((d) => writeFileSync(join(d, 'meta/episodes.jsonl'), 'null\n'))).toMatch(
      /meta\/episodes\.jsonl row 1 is null, not a JSON object/,
    )
    const noTask = (d: string): void => {
      const info = join(d, 'meta/info.json')
      writeFileSync(info, readFileSync(info, 'utf8').replace(/"workbench": \{[^}]*\}/, '"workbench": {}'))
      writeFileSync(join(d, 'meta/tasks.jsonl'), '{"task_index": 0, "task": "tiny"}\n7\n')
    }
    expect(await refusal(noTask)).toMatch(/meta\/tasks\.jsonl row 2 is a number, not a JSON object/)
  })
})
