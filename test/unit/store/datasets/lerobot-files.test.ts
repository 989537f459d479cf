// A LeRobot folder is read by the rule the workbench's own import follows (store/plain-file.ts): only regular
// files inside it, through no symbolic link (file or folder), each read to a byte bound (issue #27).
import { execFileSync } from 'node:child_process'
import { cpSync, mkdtempSync, openSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  readLerobotV21 as readLerobot,
  writeLerobotV21 as writeLerobot,
} from '../../../../src/main/store/datasets/lerobot-v21'
import type { Dataset, DatasetTask } from '../../../../src/main/store/datasets/types'
import { StoreError } from '../../../../src/main/store/errors'
import { openRegular, readAtMost } from '../../../../src/main/store/plain-file'

const TASK: DatasetTask = { taskId: 'tiny', obsDim: 2, actDim: 1, stateSize: 3, controlHz: 50, model: 'tiny.xml' }
const TASKS = new Map([[TASK.taskId, TASK]])
const EPISODE = 'data/chunk-000/episode_000001.parquet'

/** Two episodes of 5 steps with small, exact values. */
function tinyDataset(): Dataset {
  const episode = (e: number) => ({
    sourceId: e,
    operator: null,
    createdAt: null,
    observations: Array.from({ length: 5 }, (_, i) => Float64Array.of(i, e)),
    actions: Array.from({ length: 5 }, (_, i) => Float64Array.of(i / 4)),
    states: Array.from({ length: 5 }, (_, i) => Float64Array.of(i, e, 1)),
    rewards: Float64Array.of(0, 1, 0, 1, 0),
  })
  return { task: TASK, episodes: [episode(0), episode(1)] }
}

let top: string
let plain: string
beforeAll(() => {
  top = mkdtempSync(join(tmpdir(), 'iwb-lerobot-files-'))
  plain = join(top, 'plain')
  writeLerobot(tinyDataset(), plain)
})
afterAll(() => rmSync(top, { recursive: true, force: true }))

let copies = 0
/** A copy of the plain dataset changed by `damage`; resolves to readLerobot's one-line error. */
async function refusal(damage: (dir: string) => void): Promise<string> {
  const dir = join(top, `copy-${++copies}`)
  cpSync(plain, dir, { recursive: true })
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

/** Move `rel` out of the dataset and leave a symlink to it in its place. */
const linkOut = (dir: string, rel: string): void => {
  const outside = join(top, `outside-${copies}-${rel.replace(/\//g, '_')}`)
  renameSync(join(dir, rel), outside)
  symlinkSync(outside, join(dir, rel))
}

describe('LeRobot files come only from inside the folder', () => {
  it('reads the plain folder', async () => {
    const { episodes } = await readLerobot(plain, TASKS)
    expect(episodes.map((e) => e.actions.length)).toEqual([5, 5])
  })

  it('refuses a symlinked meta file, even one to a valid copy', async () => {
    expect(await refusal((d) => linkOut(d, 'meta/info.json'))).toMatch(
      /: meta\/info\.json is a symbolic link; refused; nothing was imported$/,
    )
    expect(await refusal((d) => linkOut(d, 'meta/episodes.jsonl'))).toMatch(/meta\/episodes\.jsonl is a symbolic link/)
    const passwd = await refusal((d) => {
      rmSync(join(d, 'meta/tasks.jsonl'))
      symlinkSync('/etc/passwd', join(d, 'meta/tasks.jsonl'))
    })
    expect(passwd).toMatch(/meta\/tasks\.jsonl is a symbolic link/)
    expect(passwd).not.toContain('root:')
  })

  it('refuses a symlinked folder on the way to a file', async () => {
    expect(await refusal((d) => linkOut(d, 'meta'))).toMatch(/: meta is a symbolic link; refused/)
    expect(await refusal((d) => linkOut(d, 'data/chunk-000'))).toMatch(/: data\/chunk-000 is a symbolic link; refused/)
    expect(await refusal((d) => linkOut(d, 'data'))).toMatch(/: data is a symbolic link; refused/)
  })

  it('refuses an episode file that links to /dev/zero or is a FIFO, without reading it', async () => {
    const zero = await refusal((d) => {
      rmSync(join(d, EPISODE))
      symlinkSync('/dev/zero', join(d, EPISODE))
    })
    expect(zero).toMatch(/data\/chunk-000\/episode_000001\.parquet is a symbolic link; refused/)
    const fifo = await refusal((d) => {
      rmSync(join(d, EPISODE))
      execFileSync('mkfifo', [join(d, EPISODE)])
    })
    expect(fifo).toMatch(/data\/chunk-000\/episode_000001\.parquet is not a regular file; refused/)
  })

  it('still says which file is missing', async () => {
    expect(await refusal((d) => rmSync(join(d, EPISODE)))).toMatch(
      /: no data\/chunk-000\/episode_000001\.parquet; nothing was imported$/,
    )
  })
})

describe('plain-file reads', () => {
  it('stop one byte past the bound, whatever stat says (a device reports size 0 and never ends)', () => {
    expect(() => readAtMost(openSync('/dev/zero', 'r'), 1 << 20, 'zero')).toThrow(/^zero is larger than 1048576 bytes$/)
    const file = join(top, 'ten.bin')
    writeFileSync(file, Buffer.alloc(10, 7))
    expect(readAtMost(openRegular(file, 'ten'), 10, 'ten')).toEqual(Buffer.alloc(10, 7))
    expect(() => readAtMost(openRegular(file, 'ten'), 9, 'ten')).toThrow(/^ten is larger than 9 bytes$/)
  })

  it('refuse a device opened by name', () => {
    expect(() => openRegular('/dev/zero', 'zero')).toThrow(/^zero is not a regular file; refused$/)
  })
})
