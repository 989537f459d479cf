// Datasets in the field's formats, end to end through the CLI: real cartpole episodes (MuJoCo) exported as
// robomimic HDF5 and LeRobot Parquet, checked with independent readers (Debian's h5py; parquet-wasm + apache-arrow),
// imported back (same episodes; the physics states replay the recording exactly) and bad files refused whole.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { execFileSync } from 'node:child_process'
import { readFileSync, truncateSync, writeFileSync, copyFileSync, cpSync, existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import * as parquetWasm from 'parquet-wasm/node'
import { tableFromIPC } from 'apache-arrow'
import { command as exportCmd } from '../../../../src/main/cli/commands/export'
import { command as importCmd } from '../../../../src/main/cli/commands/import'
import type { CommandIO } from '../../../../src/main/cli/command'
import { makeEnv } from '../../../../src/main/sim/registry'
import { openWorkspace, resolveDemonstrations, type StoredEpisode } from '../../../../src/main/store'
import { trainValidSplit } from '../../../../src/main/store/datasets'
import { sampleConfig, sha256, tempDir } from '../helpers'

/** Debian's python with python3-h5py (.ci/run installs it); the pyenv `python3` on PATH has no h5py. */
const PYTHON = '/usr/bin/python3'
const LENGTHS = [30, 31, 32]

let tmp: ReturnType<typeof tempDir>
let db: string
let recorded: StoredEpisode[]

function io(): CommandIO & { lines: string[]; json: () => Record<string, unknown> } {
  const lines: string[] = []
  return {
    lines,
    out: (l) => lines.push(l),
    err: () => {},
    tty: false,
    json: () => JSON.parse(lines[lines.length - 1]) as Record<string, unknown>,
  }
}

const run = async (cmd: typeof exportCmd, args: string[]) => {
  const out = io()
  expect(await cmd.run([...args, '--json'], out)).toBe(0)
  return out.json()
}

/** Import must fail with one line and leave the workspace file exactly as it was. */
async function refused(from: string, pattern: RegExp, extra: string[] = []): Promise<void> {
  const target = join(tmp.dir, 'target.iwb')
  const before = sha256(target)
  await expect(importCmd.run(['--db', target, '--from', from, ...extra], io())).rejects.toThrow(pattern)
  expect(sha256(target)).toBe(before)
}

beforeAll(async () => {
  tmp = tempDir()
  db = tmp.path('source.iwb')
  const ws = openWorkspace(db)
  const env = await makeEnv('cartpole')
  try {
    LENGTHS.forEach((n, e) => {
      const rec = ws.startEpisode({ taskId: 'cartpole', kind: 'demonstration', operator: `op${e}` })
      let obs = env.reset(e + 1)
      for (let i = 0; i < n; i++) {
        const state = env.getState()
        const action = [Math.sin(i / 4 + e)]
        const r = env.step(action)
        rec.append({ state, observation: obs, action, reward: r.reward, source: 'demonstration' })
        obs = r.observation
      }
      rec.finish({ keep: true })
    })
    // a session whose labels carry no physics states
    const log = ws.createSession(sampleConfig({ taskId: 'cartpole' }))
    for (let i = 0; i < 5; i++)
      log.addLabel({
        source: 'query',
        cost: 2,
        observation: [i, 1, 2, 3],
        state: null,
        action: [i / 10],
        humanSeconds: null,
        episodeId: null,
        stepIndex: null,
      })
    recorded = ws
      .listEpisodes()
      .reverse()
      .map((e) => ws.loadEpisode(e.episodeId))
  } finally {
    env.close()
    ws.close()
  }
  // a target workspace that already holds something an import must not disturb
  openWorkspace(join(tmp.dir, 'target.iwb')).close()
})
afterAll(() => tmp.cleanup())

function loadAll(file: string): StoredEpisode[] {
  const ws = openWorkspace(file, { readonly: true })
  try {
    return ws
      .listEpisodes()
      .reverse()
      .map((e) => ws.loadEpisode(e.episodeId))
  } finally {
    ws.close()
  }
}

describe('robomimic HDF5', () => {
  it('exports every demonstration of a task with the layout robomimic reads (checked with h5py)', async () => {
    const out = tmp.path('demos.hdf5')
    expect(
      await run(exportCmd, ['--db', db, '--format', 'robomimic', '--task', 'cartpole', '--out', out]),
    ).toMatchObject({
      episodes: 3,
      steps: LENGTHS.reduce((a, b) => a + b),
    })
    const script = `
import h5py, json, sys
f = h5py.File(sys.argv[1], 'r')
d = f['data']
demos = {k: {'num_samples': int(d[k].attrs['num_samples']), 'operator': d[k].attrs['operator'],
  'shapes': {p: list(d[k][p].shape) for p in ['obs/state', 'next_obs/state', 'actions', 'rewards', 'dones', 'states']},
  'dones': d[k]['dones'][:].tolist(), 'state0': d[k]['states'][0].tolist(), 'action3': d[k]['actions'][3].tolist()}
  for k in d.keys()}
print(json.dumps({'total': int(d.attrs['total']), 'env_args': json.loads(d.attrs['env_args']), 'demos': demos,
  'train': [x.decode() for x in f['mask/train'][:]], 'valid': [x.decode() for x in f['mask/valid'][:]]}))
`
    const seen = JSON.parse(execFileSync(PYTHON, ['-c', script, out], { encoding: 'utf8' })) as {
      total: number
      env_args: { env_name: string; env_kwargs: { control_freq: number; state_size: number } }
      demos: Record<
        string,
        {
          num_samples: number
          operator: string
          shapes: Record<string, number[]>
          dones: number[]
          state0: number[]
          action3: number[]
        }
      >
      train: string[]
      valid: string[]
    }
    expect(seen.total).toBe(LENGTHS.reduce((a, b) => a + b))
    expect(seen.env_args.env_name).toBe('cartpole')
    expect(seen.env_args.env_kwargs.control_freq).toBe(50)
    const stateSize = recorded[0].steps[0].state.length
    expect(seen.env_args.env_kwargs.state_size).toBe(stateSize)
    expect(Object.keys(seen.demos).sort()).toEqual(['demo_0', 'demo_1', 'demo_2'])
    recorded.slice(0, 3).forEach((ep, i) => {
      const demo = seen.demos[`demo_${i}`]
      const n = ep.steps.length
      expect(demo.num_samples).toBe(n)
      expect(demo.operator).toBe(`op${i}`)
      expect(demo.shapes).toEqual({
        'obs/state': [n, 4],
        'next_obs/state': [n, 4],
        actions: [n, 1],
        rewards: [n],
        dones: [n],
        states: [n, stateSize],
      })
      expect(demo.dones).toEqual([...new Array<number>(n - 1).fill(0), 1])
      expect(demo.state0).toEqual(Array.from(ep.steps[0].state))
      expect(demo.action3).toEqual(Array.from(ep.steps[3].action))
    })
    const split = trainValidSplit(3)
    expect(seen.train).toEqual(split.train.map((i) => `demo_${i}`))
    expect(seen.valid).toEqual(split.valid.map((i) => `demo_${i}`))
    expect([...seen.train, ...seen.valid].sort()).toEqual(['demo_0', 'demo_1', 'demo_2'])
  })

  it('imports back the same episodes, bit for bit, and their states replay the recording in MuJoCo', async () => {
    const back = tmp.path('robomimic-back.iwb')
    const r = await run(importCmd, ['--db', back, '--from', tmp.path('demos.hdf5')])
    expect(r).toMatchObject({ format: 'robomimic', taskId: 'cartpole' })
    const got = loadAll(back)
    expect(got.map((e) => e.info.operator)).toEqual(['op0', 'op1', 'op2'])
    got.forEach((ep, i) => {
      expect(ep.info.kind).toBe('demonstration')
      expect(ep.info.ret).toBe(recorded[i].info.ret)
      expect(
        ep.steps.map(({ state, observation, action, reward }) => ({ state, observation, action, reward })),
      ).toEqual(
        recorded[i].steps.map(({ state, observation, action, reward }) => ({ state, observation, action, reward })),
      )
    })
    // a session can draw its offline labels from them, like demonstrations recorded here
    const ws = openWorkspace(back, { readonly: true })
    try {
      expect(resolveDemonstrations(ws, 'cartpole', { kind: 'demos', episodes: null, operator: null })).toEqual(
        got.map((e) => e.info.episodeId),
      )
    } finally {
      ws.close()
    }
    // replay: from each stored state, the stored action leads to the next stored state
    const env = await makeEnv('cartpole')
    try {
      const steps = got[1].steps
      for (let i = 0; i + 1 < steps.length; i++) {
        env.setState(steps[i].state)
        env.step(steps[i].action)
        expect(env.getState()).toEqual(steps[i + 1].state)
      }
    } finally {
      env.close()
    }
  })

  it("exports a session's labels as one demonstration without physics states", async () => {
    const out = tmp.path('labels.hdf5')
    expect(await run(exportCmd, ['--db', db, '--format', 'robomimic', '--session', '1', '--out', out])).toMatchObject({
      episodes: 1,
      steps: 5,
    })
    const shapes = execFileSync(
      PYTHON,
      [
        '-c',
        "import h5py,sys; d=h5py.File(sys.argv[1])['data/demo_0']; print(list(d['obs/state'].shape), list(d['actions'].shape), 'states' in d)",
        out,
      ],
      { encoding: 'utf8' },
    ).trim()
    expect(shapes).toBe('[5, 4] [5, 1] False')
    // without states it cannot be replayed, so an import refuses it
    await refused(out, /no physics states/)
    const folder = tmp.path('labels-lerobot')
    await run(exportCmd, ['--db', db, '--format', 'lerobot', '--session', '1', '--out', folder])
    const features = (JSON.parse(readFileSync(join(folder, 'meta/info.json'), 'utf8')) as { features: object }).features
    expect(Object.keys(features)).not.toContain('physics.state')
    await refused(folder, /no physics states/)
  })
})

describe('LeRobot v2.1 (--format lerobot-v2.1)', () => {
  it('exports chosen episodes as Parquet that a second reader (parquet-wasm + apache-arrow) reads back', async () => {
    const out = tmp.path('lerobot')
    const ids = [recorded[0].info.episodeId, recorded[2].info.episodeId]
    expect(
      await run(exportCmd, ['--db', db, '--format', 'lerobot-v2.1', '--episodes', ids.join(','), '--out', out]),
    ).toMatchObject({
      episodes: 2,
    })
    const info = JSON.parse(readFileSync(join(out, 'meta/info.json'), 'utf8')) as Record<string, unknown> & {
      features: Record<string, { dtype: string; shape: number[] }>
    }
    expect(info).toMatchObject({
      codebase_version: 'v2.1',
      fps: 50,
      total_episodes: 2,
      total_frames: LENGTHS[0] + LENGTHS[2],
    })
    expect(info.features['observation.state']).toMatchObject({ dtype: 'float32', shape: [4] })
    expect(info.features.action).toMatchObject({ dtype: 'float32', shape: [1] })
    expect(readdirSync(join(out, 'data/chunk-000'))).toEqual(['episode_000000.parquet', 'episode_000001.parquet'])
    let index = 0
    ;[recorded[0], recorded[2]].forEach((ep, e) => {
      const bytes = readFileSync(join(out, `data/chunk-000/episode_00000${e}.parquet`))
      const table = tableFromIPC(parquetWasm.readParquet(new Uint8Array(bytes)).intoIPCStream())
      expect(table.numRows).toBe(ep.steps.length)
      ep.steps.forEach((s, i) => {
        const row = table.get(i)!.toJSON() as Record<string, { toArray(): ArrayLike<number> } & unknown>
        expect(Array.from(row['observation.state'].toArray())).toEqual(Array.from(Float32Array.from(s.observation)))
        expect(Array.from(row.action.toArray())).toEqual(Array.from(Float32Array.from(s.action)))
        expect(Array.from(row['physics.state'].toArray())).toEqual(Array.from(s.state))
        expect(Number(row.frame_index)).toBe(i)
        expect(Number(row.episode_index)).toBe(e)
        expect(Number(row.index)).toBe(index + i)
        expect(row['next.done']).toBe(i === ep.steps.length - 1)
      })
      index += ep.steps.length
    })
    const stats = readFileSync(join(out, 'meta/episodes_stats.jsonl'), 'utf8').trim().split('\n')
    const first = JSON.parse(stats[0]) as { stats: Record<string, { max: number[]; count: number[] }> }
    expect(first.stats.action.max[0]).toBe(Math.max(...recorded[0].steps.map((s) => Math.fround(s.action[0]))))
    expect(first.stats.action.count).toEqual([LENGTHS[0]])
  })

  it('imports back the same episodes (observations and actions at float32, states exact)', async () => {
    const back = tmp.path('lerobot-back.iwb')
    await run(importCmd, ['--db', back, '--from', tmp.path('lerobot')])
    const got = loadAll(back)
    expect(got.map((e) => e.steps.length)).toEqual([LENGTHS[0], LENGTHS[2]])
    ;[recorded[0], recorded[2]].forEach((ep, e) => {
      expect(got[e].info.operator).toBe(ep.info.operator)
      got[e].steps.forEach((s, i) => {
        expect(s.state).toEqual(ep.steps[i].state)
        expect(s.observation).toEqual(Float64Array.from(Float32Array.from(ep.steps[i].observation)))
        expect(s.action).toEqual(Float64Array.from(Float32Array.from(ep.steps[i].action)))
        expect(s.reward).toBe(Math.fround(ep.steps[i].reward))
      })
    })
  })
})

/** A Parquet file's rows through the independent reader (parquet-wasm + apache-arrow), as plain JSON. */
function arrowRows(file: string): Record<string, unknown>[] {
  const table = tableFromIPC(parquetWasm.readParquet(new Uint8Array(readFileSync(file))).intoIPCStream())
  return Array.from({ length: table.numRows }, (_, i) => table.get(i)!.toJSON() as Record<string, unknown>)
}
const values = (v: unknown): number[] => Array.from((v as { toArray(): ArrayLike<number> }).toArray(), Number)

describe('LeRobot v3.0 (--format lerobot, the default)', () => {
  it("exports every demonstration in LeRobot's published v3.0 layout, read back by parquet-wasm + apache-arrow", async () => {
    const out = tmp.path('lerobot-v3')
    expect(await run(exportCmd, ['--db', db, '--format', 'lerobot', '--task', 'cartpole', '--out', out])).toMatchObject(
      {
        episodes: 3,
      },
    )
    const info = JSON.parse(readFileSync(join(out, 'meta/info.json'), 'utf8')) as Record<string, unknown> & {
      features: Record<string, { dtype: string; shape: number[] }>
    }
    // LeRobot's own templates (lerobot/datasets/utils.py DEFAULT_DATA_PATH) and info keys
    expect(info).toMatchObject({
      codebase_version: 'v3.0',
      fps: 50,
      total_episodes: 3,
      total_frames: LENGTHS[0] + LENGTHS[1] + LENGTHS[2],
      total_tasks: 1,
      chunks_size: 1000,
      data_files_size_in_mb: 100,
      splits: { train: '0:3' },
      data_path: 'data/chunk-{chunk_index:03d}/file-{file_index:03d}.parquet',
      video_path: null,
    })
    for (const f of ['timestamp', 'frame_index', 'episode_index', 'index', 'task_index'])
      expect(info.features[f]).toMatchObject({ shape: [1] })
    expect(readdirSync(join(out, 'data'))).toEqual(['chunk-000'])
    expect(readdirSync(join(out, 'data/chunk-000'))).toEqual(['file-000.parquet'])
    expect(readdirSync(join(out, 'meta')).sort()).toEqual(['episodes', 'info.json', 'stats.json', 'tasks.parquet'])

    // every step of every episode in one file, in order, equal to what was recorded (float32 where LeRobot's is)
    const frames = arrowRows(join(out, 'data/chunk-000/file-000.parquet'))
    expect(frames).toHaveLength(info.total_frames as number)
    let index = 0
    recorded.forEach((ep, e) => {
      ep.steps.forEach((s, i) => {
        const row = frames[index + i]
        expect(values(row['observation.state'])).toEqual(Array.from(Float32Array.from(s.observation)))
        expect(values(row.action)).toEqual(Array.from(Float32Array.from(s.action)))
        expect(values(row['physics.state'])).toEqual(Array.from(s.state))
        expect(Number(row.frame_index)).toBe(i)
        expect(Number(row.episode_index)).toBe(e)
        expect(Number(row.index)).toBe(index + i)
        expect(Number(row.task_index)).toBe(0)
        expect(row['next.done']).toBe(i === ep.steps.length - 1)
      })
      index += ep.steps.length
    })

    // meta/episodes: each episode's place and rows, its statistics, and who recorded it
    const metas = arrowRows(join(out, 'meta/episodes/chunk-000/file-000.parquet'))
    expect(metas.map((m) => Number(m.episode_index))).toEqual([0, 1, 2])
    expect(metas.map((m) => Number(m.length))).toEqual(LENGTHS)
    expect(metas.map((m) => [Number(m['dataset_from_index']), Number(m['dataset_to_index'])])).toEqual([
      [0, 30],
      [30, 61],
      [61, 93],
    ])
    expect(metas.map((m) => [Number(m['data/chunk_index']), Number(m['data/file_index'])])).toEqual([
      [0, 0],
      [0, 0],
      [0, 0],
    ])
    expect(metas.map((m) => (m.tasks as { toArray(): string[] }).toArray())).toEqual([
      ['cartpole'],
      ['cartpole'],
      ['cartpole'],
    ])
    expect(metas.map((m) => m['workbench/operator'])).toEqual(['op0', 'op1', 'op2'])
    const actions0 = recorded[0].steps.map((s) => Math.fround(s.action[0]))
    expect(values(metas[0]['stats/action/max'])).toEqual([Math.max(...actions0)])
    expect(values(metas[0]['stats/action/min'])).toEqual([Math.min(...actions0)])
    expect(values(metas[0]['stats/action/count'])).toEqual([LENGTHS[0]])
    const sorted = [...actions0].sort((a, b) => a - b)
    expect(values(metas[0]['stats/action/q50'])[0]).toBeCloseTo((sorted[14] + sorted[15]) / 2, 12)

    // meta/tasks.parquet: the task text and its index, with pandas' index metadata as LeRobot's has it
    expect(arrowRows(join(out, 'meta/tasks.parquet')).map((r) => [r.task, Number(r.task_index)])).toEqual([
      ['cartpole', 0],
    ])
    const pandas = parquetWasm.readParquet(new Uint8Array(readFileSync(join(out, 'meta/tasks.parquet'))))
    const schema = tableFromIPC(pandas.intoIPCStream()).schema.metadata.get('pandas')
    expect(JSON.parse(schema!)).toMatchObject({ index_columns: ['task'] })

    const stats = JSON.parse(readFileSync(join(out, 'meta/stats.json'), 'utf8')) as Record<
      string,
      Record<string, number[]>
    >
    const allActions = recorded.flatMap((ep) => ep.steps.map((s) => Math.fround(s.action[0])))
    expect(stats.action.max).toEqual([Math.max(...allActions)])
    expect(stats.action.count).toEqual([allActions.length])
    expect(stats.action.mean[0]).toBeCloseTo(allActions.reduce((a, x) => a + x, 0) / allActions.length, 12)
    expect(Object.keys(stats.action).sort()).toEqual(
      ['count', 'max', 'mean', 'min', 'q01', 'q10', 'q50', 'q90', 'q99', 'std'].sort(),
    )
  })

  it('imports back the same episodes (observations and actions at float32, states exact, operators kept)', async () => {
    const back = tmp.path('lerobot-v3-back.iwb')
    expect(await run(importCmd, ['--db', back, '--from', tmp.path('lerobot-v3')])).toMatchObject({
      format: 'lerobot',
      taskId: 'cartpole',
    })
    const got = loadAll(back)
    expect(got.map((e) => e.steps.length)).toEqual(LENGTHS)
    recorded.forEach((ep, e) => {
      expect(got[e].info.operator).toBe(ep.info.operator)
      expect(got[e].info.createdAt).toBe(ep.info.createdAt)
      got[e].steps.forEach((s, i) => {
        expect(s.state).toEqual(ep.steps[i].state)
        expect(s.observation).toEqual(Float64Array.from(Float32Array.from(ep.steps[i].observation)))
        expect(s.action).toEqual(Float64Array.from(Float32Array.from(ep.steps[i].action)))
        expect(s.reward).toBe(Math.fround(ep.steps[i].reward))
      })
    })
  })

  it('imports a v2.0 folder as it imports v2.1', async () => {
    const v20 = tmp.path('lerobot-v2.0')
    cpSync(tmp.path('lerobot'), v20, { recursive: true })
    const infoFile = join(v20, 'meta/info.json')
    writeFileSync(infoFile, readFileSync(infoFile, 'utf8').replace('"v2.1"', '"v2.0"'))
    const back = tmp.path('lerobot-v2.0-back.iwb')
    expect(await run(importCmd, ['--db', back, '--from', v20])).toMatchObject({ format: 'lerobot-v2.1', steps: 62 })
    await refused(
      (() => {
        const v1 = tmp.path('lerobot-v1.6')
        cpSync(v20, v1, { recursive: true })
        writeFileSync(join(v1, 'meta/info.json'), readFileSync(infoFile, 'utf8').replace('"v2.0"', '"v1.6"'))
        return v1
      })(),
      /codebase_version 'v1\.6' is not one this workbench reads \(v2\.0, v2\.1, v3\.0\)/,
    )
  })
})

describe('bad files change nothing', () => {
  it('refuses a file that is not HDF5, a truncated HDF5 file, an unknown task and the wrong shapes', async () => {
    const notHdf5 = tmp.path('not.hdf5')
    writeFileSync(notHdf5, 'hello, not a dataset\n')
    await refused(notHdf5, /is not .*an HDF5 file/)
    const cut = tmp.path('cut.hdf5')
    copyFileSync(tmp.path('demos.hdf5'), cut)
    truncateSync(cut, Math.floor(readFileSync(cut).length / 2))
    await refused(cut, /cut\.hdf5: not a readable HDF5 file \(truncated file/)
    // the same file read as another task: its vectors have the wrong sizes
    await refused(tmp.path('demos.hdf5'), /data\/demo_0\/actions has shape \[30, 1\], expected \[n, 3\]/, [
      '--task',
      'hopper',
    ])
    const lerobot = tmp.path('lerobot-unknown')
    cpSync(tmp.path('lerobot'), lerobot, { recursive: true })
    const infoFile = join(lerobot, 'meta/info.json')
    const info = JSON.parse(readFileSync(infoFile, 'utf8')) as { workbench: { task_id: string } }
    info.workbench.task_id = 'no-such-task'
    writeFileSync(infoFile, JSON.stringify(info))
    await refused(lerobot, /unknown task 'no-such-task'/)
  })

  it('refuses a truncated Parquet file and a NaN in a vector, importing none of the other episodes', async () => {
    const cut = tmp.path('lerobot-cut')
    cpSync(tmp.path('lerobot'), cut, { recursive: true })
    const file = join(cut, 'data/chunk-000/episode_000001.parquet')
    truncateSync(file, Math.floor(readFileSync(file).length / 2))
    await refused(cut, /episode_000001\.parquet is not a readable Parquet file/)
    expect(existsSync(join(cut, 'data/chunk-000/episode_000000.parquet'))).toBe(true)
    // a NaN written by another program into an HDF5 file
    const nan = tmp.path('nan.hdf5')
    copyFileSync(tmp.path('demos.hdf5'), nan)
    execFileSync(PYTHON, [
      '-c',
      "import h5py,sys; f=h5py.File(sys.argv[1],'a'); f['data/demo_2/actions'][4,0]=float('nan'); f.close()",
      nan,
    ])
    await refused(nan, /episode 2 step 4: action holds NaN/)
    expect(loadAll(join(tmp.dir, 'target.iwb'))).toEqual([])
  })
})
