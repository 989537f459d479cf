// What a person did travels with a dataset both ways (issue 26 item 3): per step the source, LeRobot's
// `intervention`, the operator and the person's seconds; robomimic masks per operator and per tag; a session's
// answered queries as one-step episodes. Real cartpole steps (MuJoCo), exported through the CLI, read by independent
// readers (parquet-wasm + apache-arrow; Debian's h5py) and imported back.
import { execFileSync } from 'node:child_process'
import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import * as parquetWasm from 'parquet-wasm/node'
import { tableFromIPC } from 'apache-arrow'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { command as exportCmd } from '../../../../src/main/cli/commands/export'
import { command as importCmd } from '../../../../src/main/cli/commands/import'
import type { CommandIO } from '../../../../src/main/cli/command'
import { makeEnv } from '../../../../src/main/sim/registry'
import { openWorkspace, type StepSource } from '../../../../src/main/store'
import { sampleConfig, tempDir } from '../helpers'

const PYTHON = '/usr/bin/python3'
const N = 20
/** the takeover episode: the learner drives the first half, the person the second */
const TAKEOVER_SOURCES: StepSource[] = Array.from({ length: N }, (_, i) => (i < N / 2 ? 'policy' : 'intervention'))
const HELD = 0.04

let tmp: ReturnType<typeof tempDir>
let db: string
let demoId: number
let takeoverId: number
let demoSeconds: number
let querySession: number
const queryTimes = [
  { issued: Date.parse('2025-03-01T10:00:00Z'), committed: Date.parse('2025-03-01T10:00:02.5Z') },
  { issued: Date.parse('2025-03-01T10:01:00Z'), committed: Date.parse('2025-03-01T10:01:01.25Z') },
]

function io(): CommandIO & { json: () => Record<string, unknown> } {
  const lines: string[] = []
  return {
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

beforeAll(async () => {
  tmp = tempDir()
  db = tmp.path('people.iwb')
  const ws = openWorkspace(db)
  const env = await makeEnv('cartpole')
  try {
    const record = (
      options: { kind: 'demonstration' | 'rollout'; operator: string; sessionId?: number },
      sources: StepSource[],
    ) => {
      const rec = ws.startEpisode({ taskId: 'cartpole', ...options })
      let obs = env.reset(rec.episodeId)
      sources.forEach((source, i) => {
        const state = env.getState()
        const action = [Math.cos(i / 3)]
        const r = env.step(action)
        rec.append({ state, observation: obs, action, reward: r.reward, source })
        obs = r.observation
      })
      rec.finish({ keep: true })
      return rec.episodeId
    }
    demoId = record({ kind: 'demonstration', operator: 'alice' }, new Array<StepSource>(N).fill('demonstration'))
    ws.setEpisodeTags(demoId, ['good', 'slow'])
    const info = ws.episodeInfo(demoId)
    demoSeconds = (Date.parse(info.finishedAt!) - Date.parse(info.createdAt)) / 1000 / N

    // a takeover session: its episode, and a label of each step the person held, with the held seconds
    const takeover = ws.createSession(sampleConfig({ taskId: 'cartpole' }))
    takeoverId = record({ kind: 'rollout', operator: 'bob', sessionId: takeover.sessionId }, TAKEOVER_SOURCES)
    const steps = ws.loadEpisode(takeoverId).steps
    for (const s of steps.filter((st) => st.source === 'intervention'))
      takeover.addLabel({
        source: 'intervention',
        cost: 2,
        observation: s.observation,
        state: s.state,
        action: s.action,
        humanSeconds: HELD,
        episodeId: takeoverId,
        stepIndex: s.index,
      })

    // a session with two answered queries and one abandoned
    const queries = ws.createSession(sampleConfig({ taskId: 'cartpole' }))
    querySession = queries.sessionId
    queryTimes.forEach((t, q) => {
      const s = steps[q]
      const labelId = queries.addLabel({
        source: 'query',
        cost: 2,
        observation: s.observation,
        state: s.state,
        action: [0.5 + q],
        humanSeconds: (t.committed - t.issued) / 1000,
        episodeId: null,
        stepIndex: null,
      })
      queries.addQuery({
        labelId,
        issuedAt: t.issued,
        firstInputAt: t.issued + 100,
        committedAt: t.committed,
        abandonedAt: null,
        proposedAction: [0],
        answer: [0.5 + q],
        disagreement: 0.5,
        operator: 'carol',
      })
    })
    queries.addQuery({
      labelId: null,
      issuedAt: queryTimes[1].committed + 1000,
      firstInputAt: null,
      committedAt: null,
      abandonedAt: queryTimes[1].committed + 5000,
      proposedAction: [0],
      answer: null,
      disagreement: null,
      operator: 'carol',
    })
  } finally {
    env.close()
    ws.close()
  }
})
afterAll(() => tmp.cleanup())

const arrowRows = (file: string) => {
  const table = tableFromIPC(parquetWasm.readParquet(new Uint8Array(readFileSync(file))).intoIPCStream())
  return Array.from({ length: table.numRows }, (_, i) => table.get(i)!.toJSON() as Record<string, unknown>)
}

/** The stored episodes of a workspace, oldest first: sources, operator, tags, seconds of recording. */
function stored(file: string) {
  const ws = openWorkspace(file, { readonly: true })
  try {
    return ws
      .listEpisodes()
      .reverse()
      .map((e) => ({
        info: e,
        sources: ws.loadEpisode(e.episodeId).steps.map((s) => s.source),
        tags: ws.episodeTags().get(e.episodeId) ?? [],
        seconds: e.finishedAt === null ? null : (Date.parse(e.finishedAt) - Date.parse(e.createdAt)) / 1000,
      }))
  } finally {
    ws.close()
  }
}

describe('what a person did, in LeRobot', () => {
  it('writes source, intervention, operator and human_seconds per frame, read back by parquet-wasm', async () => {
    const out = tmp.path('people-v3')
    await run(exportCmd, ['--db', db, '--format', 'lerobot', '--episodes', `${demoId},${takeoverId}`, '--out', out])
    const info = JSON.parse(readFileSync(join(out, 'meta/info.json'), 'utf8')) as {
      features: Record<string, { dtype: string }>
    }
    expect(info.features).toMatchObject({
      source: { dtype: 'string' },
      intervention: { dtype: 'bool' },
      operator: { dtype: 'string' },
      human_seconds: { dtype: 'float64' },
    })
    expect(info.features.expert_action).toBeUndefined() // no step has one
    const frames = arrowRows(join(out, 'data/chunk-000/file-000.parquet'))
    expect(frames.map((f) => f.source)).toEqual([...new Array<string>(N).fill('demonstration'), ...TAKEOVER_SOURCES])
    expect(frames.map((f) => f.intervention)).toEqual(frames.map((f) => f.source === 'intervention'))
    expect(frames.map((f) => f.operator)).toEqual([
      ...new Array<string>(N).fill('alice'),
      ...TAKEOVER_SOURCES.map((s) => (s === 'policy' ? null : 'bob')),
    ])
    frames.slice(0, N).forEach((f) => expect(f.human_seconds).toBeCloseTo(demoSeconds, 12))
    expect(frames.slice(N).map((f) => f.human_seconds)).toEqual(
      TAKEOVER_SOURCES.map((s) => (s === 'policy' ? null : HELD)),
    )
    const metas = arrowRows(join(out, 'meta/episodes/chunk-000/file-000.parquet'))
    expect(metas.map((m) => Array.from((m['workbench/tags'] as { toArray(): string[] }).toArray()))).toEqual([
      ['good', 'slow'],
      [],
    ])
  })

  it.each(['lerobot', 'lerobot-v2.1', 'robomimic'])(
    '%s: an import keeps sources, operators, tags and seconds',
    async (format) => {
      const out = tmp.path(`people-${format}${format === 'robomimic' ? '.hdf5' : ''}`)
      await run(exportCmd, ['--db', db, '--format', format, '--episodes', `${demoId},${takeoverId}`, '--out', out])
      const back = tmp.path(`people-${format}-back.iwb`)
      await run(importCmd, ['--db', back, '--from', out])
      const [demo, takeover] = stored(back)
      expect(demo.sources).toEqual(new Array<string>(N).fill('demonstration'))
      expect(takeover.sources).toEqual(TAKEOVER_SOURCES)
      expect([demo.info.operator, takeover.info.operator]).toEqual(['alice', 'bob'])
      expect([demo.tags, takeover.tags]).toEqual([['good', 'slow'], []])
      // a demonstration's recording time comes back as the sum of its steps' seconds (ms resolution of the dates)
      expect(demo.seconds).toBeCloseTo(demoSeconds * N, 2)
      // not every step has seconds: no recording time is made up (the cost measure leaves the episode out)
      expect(takeover.info.finishedAt).toBeNull()
    },
  )
})

describe('what a person did, in robomimic', () => {
  it('writes source, intervention and human_seconds per demo, and a filter mask per operator and per tag', async () => {
    const out = tmp.path('people.hdf5')
    await run(exportCmd, ['--db', db, '--format', 'robomimic', '--episodes', `${demoId},${takeoverId}`, '--out', out])
    const script = `
import h5py, json, sys
f = h5py.File(sys.argv[1], 'r')
d = f['data']
print(json.dumps({
  'demos': {k: {'source': [x.decode() for x in d[k]['source'][:]], 'intervention': d[k]['intervention'][:].tolist(),
    'human_seconds': [None if x != x else x for x in d[k]['human_seconds'][:].tolist()],
    'tags': json.loads(d[k].attrs['tags']) if 'tags' in d[k].attrs else None} for k in d.keys()},
  'masks': {k: sorted(x.decode() for x in f['mask'][k][:]) for k in f['mask'].keys()}}))
`
    const seen = JSON.parse(execFileSync(PYTHON, ['-c', script, out], { encoding: 'utf8' })) as {
      demos: Record<
        string,
        { source: string[]; intervention: number[]; human_seconds: (number | null)[]; tags: string[] }
      >
      masks: Record<string, string[]>
    }
    expect(seen.demos.demo_1.source).toEqual(TAKEOVER_SOURCES)
    expect(seen.demos.demo_1.intervention).toEqual(TAKEOVER_SOURCES.map((s) => (s === 'intervention' ? 1 : 0)))
    expect(seen.demos.demo_1.human_seconds).toEqual(TAKEOVER_SOURCES.map((s) => (s === 'policy' ? null : HELD)))
    expect(seen.demos.demo_0.tags).toEqual(['good', 'slow'])
    expect(seen.masks).toMatchObject({ alice: ['demo_0'], bob: ['demo_1'], good: ['demo_0'], slow: ['demo_0'] })
    expect([...seen.masks.train, ...(seen.masks.valid ?? [])].sort()).toEqual(['demo_0', 'demo_1'])
  })
})

describe("a session's queries as one-step episodes", () => {
  it('exports each answered query with its operator and seconds, and imports them back', async () => {
    const out = tmp.path('queries-v3')
    expect(
      await run(exportCmd, [
        '--db',
        db,
        '--format',
        'lerobot',
        '--session',
        String(querySession),
        '--queries',
        '--out',
        out,
      ]),
    ).toMatchObject({ episodes: 2, steps: 2 })
    const frames = arrowRows(join(out, 'data/chunk-000/file-000.parquet'))
    expect(frames.map((f) => [f.source, f.operator, f.human_seconds, Number(f.episode_index)])).toEqual([
      ['query', 'carol', 2.5, 0],
      ['query', 'carol', 1.25, 1],
    ])
    expect(frames.map((f) => Array.from((f.action as { toArray(): ArrayLike<number> }).toArray()))).toEqual([
      [0.5],
      [1.5],
    ])
    expect(readdirSync(join(out, 'data/chunk-000'))).toEqual(['file-000.parquet'])

    const back = tmp.path('queries-back.iwb')
    await run(importCmd, ['--db', back, '--from', out])
    const got = stored(back)
    expect(got.map((e) => [e.sources, e.info.operator, e.info.steps])).toEqual([
      [['query'], 'carol', 1],
      [['query'], 'carol', 1],
    ])
    expect(got.map((e) => e.info.createdAt)).toEqual(queryTimes.map((t) => new Date(t.issued).toISOString()))
    expect(got.map((e) => e.seconds)).toEqual([2.5, 1.25])
  })

  it('asks for one session and a dataset format', async () => {
    await expect(
      exportCmd.run(['--db', db, '--format', 'lerobot', '--queries', '--out', tmp.path('no-session')], io()),
    ).rejects.toThrow(/--queries exports one session's answered queries/)
  })
})
