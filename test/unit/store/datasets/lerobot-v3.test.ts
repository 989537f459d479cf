// LeRobot v3.0 packs episodes into shared data files up to a size limit, one row group per episode, and an import
// reads them back by meta/episodes' placement; a folder whose files disagree with it is refused in one line.
import { cpSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parquetMetadata } from 'hyparquet'
import * as parquetWasm from 'parquet-wasm/node'
import { tableFromIPC } from 'apache-arrow'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readLerobotV3, writeLerobotV3 } from '../../../../src/main/store/datasets/lerobot-v3'
import type { Dataset, DatasetTask } from '../../../../src/main/store/datasets/types'
import { StoreError } from '../../../../src/main/store/errors'

const TASK: DatasetTask = { taskId: 'tiny', obsDim: 2, actDim: 1, stateSize: 3, controlHz: 50, model: 'tiny.xml' }
const TASKS = new Map([[TASK.taskId, TASK]])
const LENGTHS = [40, 7, 60, 1, 33, 50]

/** Episodes of the given lengths with exact values that name their episode and step. */
function dataset(): Dataset {
  return {
    task: TASK,
    episodes: LENGTHS.map((n, e) => ({
      sourceId: 100 + e,
      operator: e % 2 ? `op${e}` : null,
      createdAt: e % 2 ? null : '2025-01-02T03:04:05.000Z',
      observations: Array.from({ length: n }, (_, i) => Float64Array.of(i, e)),
      actions: Array.from({ length: n }, (_, i) => Float64Array.of(i / 4)),
      states: Array.from({ length: n }, (_, i) => Float64Array.of(i, e, Math.PI * i)),
      rewards: Float64Array.from({ length: n }, (_, i) => i % 3),
    })),
  }
}

let top: string
let packed: string
beforeAll(() => {
  top = mkdtempSync(join(tmpdir(), 'iwb-lerobot-v3-'))
  packed = join(top, 'packed')
  // a 2 KiB limit: a file is closed after the episode that reaches it
  expect(writeLerobotV3(dataset(), packed, { dataFileBytes: 2048 })).toMatchObject({ episodes: 6, steps: 191 })
})
afterAll(() => rmSync(top, { recursive: true, force: true }))

const arrow = (file: string) =>
  tableFromIPC(parquetWasm.readParquet(new Uint8Array(readFileSync(file))).intoIPCStream())

describe('LeRobot v3.0 data files', () => {
  it('packs consecutive episodes into files up to the size limit, one row group per episode', () => {
    const files = readdirSync(join(packed, 'data/chunk-000'))
    expect(files.length).toBeGreaterThan(1)
    expect(files).toEqual(files.map((_, i) => `file-${String(i).padStart(3, '0')}.parquet`))
    const metas = arrow(join(packed, 'meta/episodes/chunk-000/file-000.parquet'))
    const placed = Array.from({ length: metas.numRows }, (_, i) => metas.get(i)!.toJSON())
    let seen = 0
    files.forEach((name, f) => {
      const bytes = readFileSync(join(packed, 'data/chunk-000', name))
      const mine = placed.filter((m) => Number(m['data/file_index']) === f)
      const groups = parquetMetadata(
        bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength),
      ).row_groups.map((g) => Number(g.num_rows))
      expect(groups).toEqual(mine.map((m) => Number(m.length)))
      // the rows are those episodes', in order, their global index running on from the file before
      const table = arrow(join(packed, 'data/chunk-000', name))
      expect(Array.from({ length: table.numRows }, (_, i) => Number(table.get(i)!.toJSON().index))).toEqual(
        Array.from({ length: table.numRows }, (_, i) => seen + i),
      )
      expect(Number(mine[0].dataset_from_index)).toBe(seen)
      seen += table.numRows
      // every file but the last reached the limit
      if (f < files.length - 1) expect(bytes.length).toBeGreaterThanOrEqual(2048)
    })
    expect(seen).toBe(191)
  })

  it('reads every episode back with its values, operator and date', async () => {
    const { episodes } = await readLerobotV3(packed, TASKS)
    const want = dataset().episodes
    expect(episodes.map((e) => e.actions.length)).toEqual(LENGTHS)
    episodes.forEach((ep, e) => {
      expect(ep).toMatchObject({ sourceId: want[e].sourceId, operator: want[e].operator, createdAt: want[e].createdAt })
      expect(ep.states).toEqual(want[e].states)
      expect(ep.observations).toEqual(want[e].observations)
      expect(Array.from(ep.rewards)).toEqual(Array.from(want[e].rewards))
    })
  })

  it('refuses a write limit out of bounds', () => {
    expect(() => writeLerobotV3(dataset(), join(top, 'tiny-limit'), { dataFileBytes: 10 })).toThrow(
      /dataFileBytes must be an integer of 1024\.\./,
    )
  })
})

let copies = 0
async function refusal(damage: (dir: string) => void): Promise<string> {
  const dir = join(top, `copy-${++copies}`)
  cpSync(packed, dir, { recursive: true })
  damage(dir)
  const err = await readLerobotV3(dir, TASKS).then(
    () => null,
    (e: unknown) => e,
  )
  expect(err).toBeInstanceOf(StoreError)
  expect((err as StoreError).message).not.toContain('\n')
  return (err as StoreError).message
}

const editInfo = (dir: string, edit: (info: Record<string, unknown>) => void) => {
  const file = join(dir, 'meta/info.json')
  const info = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>
  edit(info)
  writeFileSync(file, JSON.stringify(info))
}

describe('a v3.0 folder that disagrees with itself is refused whole', () => {
  it('a data file with fewer rows than meta/episodes places there', async () => {
    const message = await refusal((dir) => {
      // the second data file in place of the first: other episodes, other counts
      const d = join(dir, 'data/chunk-000')
      renameSync(join(d, 'file-001.parquet'), join(d, 'file-000.parquet'))
    })
    expect(message).toMatch(/data\/chunk-000\/file-000\.parquet holds \d+ rows by its footer, meta\/episodes says \d+/)
  })

  it('a data_path that leads out of the folder', async () => {
    const message = await refusal((dir) =>
      editInfo(dir, (info) => (info.data_path = '../outside/file-{file_index:03d}.parquet')),
    )
    expect(message).toMatch(/data_path gives '\.\.\/outside\/file-000\.parquet', not a path inside the dataset/)
  })

  it('a symlinked episodes folder', async () => {
    const message = await refusal((dir) => {
      const outside = join(top, `outside-${copies}`)
      renameSync(join(dir, 'meta/episodes/chunk-000'), outside)
      symlinkSync(outside, join(dir, 'meta/episodes/chunk-000'))
    })
    expect(message).toMatch(/meta\/episodes\/chunk-000 is not a plain folder/)
  })

  it('another codebase version, and no tasks table', async () => {
    expect(await refusal((dir) => editInfo(dir, (info) => (info.codebase_version = 'v3.1')))).toMatch(
      /codebase_version 'v3\.1' is not one this workbench reads/,
    )
    expect(await refusal((dir) => rmSync(join(dir, 'meta/tasks.parquet')))).toMatch(/no meta\/tasks\.parquet/)
  })
})
