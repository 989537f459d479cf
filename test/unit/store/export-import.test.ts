import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { execFileSync } from 'node:child_process'
import { readFileSync, readdirSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { exportWorkspace } from '../../../src/main/store/export'
import { EXPORT_VERSION } from '../../../src/main/store/export-format'
import { importExport } from '../../../src/main/store/import'
import { openWorkspace, type Workspace } from '../../../src/main/store/workspace'
import { StoreError } from '../../../src/main/store/errors'
import { CARTPOLE, cartpoleStep, sampleConfig, sha256, tempDir } from './helpers'

/** The sizes the import checks vectors against (the CLI passes every task's, from the registry). */
const tasks = new Map([['cartpole', CARTPOLE]])

let tmp: ReturnType<typeof tempDir>
beforeEach(() => (tmp = tempDir()))
afterEach(() => tmp.cleanup())

/** Two sessions, a shared demonstration, rollouts, labels pointing at steps, queries, policies, evaluations. */
function populate(ws: Workspace): { a: number; b: number; demo: number } {
  ws.updateSettings({ costRatio: 2, operators: ['ana'] })
  ws.recordTaskUse('cartpole', 'h1', '3.3.7')
  const demoRec = ws.startEpisode({ taskId: 'cartpole', kind: 'demonstration' })
  for (let i = 0; i < 40; i++) demoRec.append(cartpoleStep(1, i))
  const demo = demoRec.finish({ keep: true }).episodeId
  const ids: number[] = []
  for (const seed of [1, 2]) {
    const log = ws.createSession(sampleConfig({ seed, taskId: 'cartpole' }))
    log.setStatus('running')
    const roll = ws.startEpisode({
      taskId: 'cartpole',
      sessionId: log.sessionId,
      kind: 'rollout',
    })
    for (let i = 0; i < 30; i++)
      roll.append({
        ...cartpoleStep(10 + seed, i),
        source: i % 2 ? 'policy' : 'query',
      })
    const rollout = roll.finish({ keep: true }).episodeId
    const offline = log.addLabel({
      source: 'offline',
      cost: 1,
      observation: [seed, 1, 0, 0],
      state: [1, 2, 3, 4, 5],
      action: [0.1],
      humanSeconds: null,
      episodeId: demo,
      stepIndex: 3,
    })
    const queried = log.addLabel({
      source: 'query',
      cost: 2,
      observation: [seed, 2, 0, 0],
      state: null,
      action: [0.3],
      humanSeconds: 1.25,
      episodeId: rollout,
      stepIndex: 4,
    })
    log.addQuery({
      labelId: queried,
      issuedAt: 10,
      firstInputAt: 11,
      committedAt: 12,
      abandonedAt: null,
      proposedAction: [0],
      answer: [0.3],
      disagreement: 0.5,
      operator: 'ana',
    })
    log.addQuery({
      labelId: null,
      issuedAt: 20,
      firstInputAt: null,
      committedAt: null,
      abandonedAt: 25,
      proposedAction: [1],
      answer: null,
      disagreement: null,
      operator: null,
    })
    log.addEvaluation({
      labels: 2,
      cost: 3,
      humanSeconds: 1.25,
      returns: [seed, seed + 2],
      successRate: 0.5,
      coverage: 0.25,
    })
    log.savePolicy({
      labels: 2,
      backend: 'cpu',
      weights: { w: [seed, offline] },
    })
    ids.push(log.sessionId)
  }
  return { a: ids[0], b: ids[1], demo }
}

function snapshot(ws: Workspace): unknown {
  const tables = ['settings', 'tasks', 'sessions', 'episodes', 'steps', 'labels', 'queries', 'policies', 'evaluations']
  return Object.fromEntries(
    tables.map((t) => [t, (ws.db.prepare(`SELECT count(*) AS n FROM ${t}`).get() as { n: number }).n]),
  )
}

describe('export and import', () => {
  it('reads a version 1 export (no task_files.jsonl); a version 2 export without it is refused', () => {
    const src = openWorkspace(tmp.path('src.db'))
    populate(src)
    const out = tmp.path('export-v1')
    exportWorkspace(src, out)
    src.close()
    const manifestPath = join(out, 'manifest.json')
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as {
      version: number
      files: Record<string, unknown>
    }
    delete manifest.files['task_files.jsonl']
    rmSync(join(out, 'task_files.jsonl'))
    writeFileSync(manifestPath, JSON.stringify(manifest))
    const dst = openWorkspace(tmp.path('dst.db'))
    try {
      expect(() => importExport(dst, out, { tasks })).toThrow(/files lists no task_files\.jsonl/)
      writeFileSync(manifestPath, JSON.stringify({ ...manifest, version: 1 }))
      expect(importExport(dst, out, { tasks }).sessions.size).toBe(2)
    } finally {
      dst.close()
    }
  })

  it('reads evaluations exported before success rates and coverage were stored (fields absent) as NULL', () => {
    const src = openWorkspace(tmp.path('src.db'))
    const { a } = populate(src)
    const out = tmp.path('export-old-evaluations')
    exportWorkspace(src, out, { sessionIds: [a] })
    src.close()
    expect(readFileSync(join(out, 'evaluations.jsonl'), 'utf8')).toContain('"coverage":0.25')
    editRows(out, 'evaluations.jsonl', ({ successRate: _s, coverage: _c, ...row }) => row)
    const dst = openWorkspace(tmp.path('dst.db'))
    try {
      const id = importExport(dst, out, { tasks }).sessions.get(a)!
      expect(dst.openSession(id).evaluations()).toMatchObject([{ returns: [1, 3], successRate: null, coverage: null }])
    } finally {
      dst.close()
    }
  })

  it('exports a session and imports it into another workspace with ids remapped', () => {
    const src = openWorkspace(tmp.path('src.db'))
    const { b, demo } = populate(src)
    const out = tmp.path('export-b')
    const { manifest } = exportWorkspace(src, out, { sessionIds: [b] })
    expect(manifest).toMatchObject({
      format: 'imitation-workbench-export',
      version: EXPORT_VERSION,
      scope: 'sessions',
      sessionIds: [b],
    })
    expect(manifest.files['sessions.jsonl'].rows).toBe(1)
    expect(manifest.files['episodes.jsonl'].rows).toBe(2) // its rollout and the demonstration it labelled from
    expect(manifest.files['steps.jsonl'].rows).toBe(70)
    expect(manifest.files['labels.jsonl'].rows).toBe(2)
    expect(manifest.files['settings.jsonl']).toBeUndefined()
    expect(readdirSync(out).sort()).toContain('manifest.json')

    // The destination already has rows, so fresh ids cannot equal the exported ones.
    const dst = openWorkspace(tmp.path('dst.db'))
    populate(dst)
    populate(dst)
    const result = importExport(dst, out, { tasks })
    const newSession = result.sessions.get(b)!
    expect(newSession).not.toBe(b)
    const newDemo = result.episodes.get(demo)!
    expect(newDemo).not.toBe(demo)

    const before = src.openSession(b)
    const after = dst.openSession(newSession)
    expect(after.config).toEqual(before.config)
    const labels = after.labels()
    expect(labels.map((l) => l.episodeId)).toEqual([newDemo, result.episodes.get(before.labels()[1].episodeId!)!])
    expect(labels.map((l) => Array.from(l.action))).toEqual(before.labels().map((l) => Array.from(l.action)))
    expect(after.evaluations()).toEqual(before.evaluations())
    expect(after.latestPolicy()).toEqual(before.latestPolicy())
    const q = dst.db.prepare('SELECT label_id FROM queries WHERE session_id = ? ORDER BY id').all(newSession) as {
      label_id: number | null
    }[]
    expect(q.map((r) => r.label_id)).toEqual([labels[1].id, null])
    const steps = dst.loadEpisode(newDemo).steps
    expect(Array.from(steps[5].state)).toEqual(cartpoleStep(1, 5).state)
    expect(dst.episodeInfo(newDemo)).toMatchObject({
      sessionId: null,
      complete: true,
      steps: 40,
    })
    expect(dst.sessionInfo(newSession)).toMatchObject({
      labels: 2,
      cost: 3,
      humanSeconds: 1.25,
      lastReturn: 3,
    })
    src.close()
    dst.close()
  })

  it('round-trips a whole workspace', () => {
    const src = openWorkspace(tmp.path('src.db'))
    populate(src)
    exportWorkspace(src, tmp.path('all'))
    const dst = openWorkspace(tmp.path('dst.db'))
    dst.updateSettings({ costRatio: 5 })
    importExport(dst, tmp.path('all'), { tasks })
    expect(snapshot(dst)).toEqual(snapshot(src))
    expect(dst.settings()).toEqual({ costRatio: 5, operators: ['ana'] }) // its own settings win
    expect(dst.listSessions().map((s) => s.labels)).toEqual([2, 2])
    expect(() => exportWorkspace(src, tmp.path('all'))).toThrow(/not empty/)
    src.close()
    dst.close()
  })

  describe('rejects a malformed export as a whole, leaving the workspace unchanged', () => {
    const cases: [string, (dir: string) => void, RegExp][] = [
      ['a missing manifest', (d) => rmSync(join(d, 'manifest.json')), /no manifest/],
      ['a wrong format name', (d) => editManifest(d, (m) => (m.format = 'something-else')), /format/],
      ['a newer format version', (d) => editManifest(d, (m) => (m.version = 99)), /newer/],
      ['an edited file (hash)', (d) => replaceInFile(d, 'labels.jsonl', '"cost":2', '"cost":9'), /sha256/],
      ['a missing row (count)', (d) => dropLastLine(d, 'steps.jsonl'), /rows, the manifest says/],
      [
        'a row that breaks the schema',
        (d) =>
          rewrite(d, 'steps.jsonl', (l, i) =>
            i === 7 ? l.replace('"source":"demonstration"', '"source":"robot"') : l,
          ),
        /steps\.jsonl:8/,
      ],
      [
        'a dangling reference',
        (d) => rewrite(d, 'labels.jsonl', (l, i) => (i === 3 ? l.replace(/"episodeId":\d+/, '"episodeId":999') : l)),
        /episode 999/,
      ],
      [
        'a file that is not JSON lines',
        (d) => rewrite(d, 'evaluations.jsonl', (l, i) => (i === 0 ? '{oops' : l)),
        /not valid JSON/,
      ],
      ['a missing file', (d) => rmSync(join(d, 'queries.jsonl')), /missing/],
      // Rows that would poison the workspace: each is refused by the schema the running code uses.
      [
        'a session with budget 0',
        (d) => editRows(d, 'sessions.jsonl', (r) => ({ ...r, budget: 0 })),
        /sessions\.jsonl:1: budget/,
      ],
      [
        'a session with cost ratio -1',
        (d) => editRows(d, 'sessions.jsonl', (r) => ({ ...r, costRatio: -1 })),
        /costRatio/,
      ],
      [
        'a warm fraction on a STAGGER session',
        (d) => editRows(d, 'sessions.jsonl', (r) => ({ ...r, warmFraction: 0.5 })),
        /warmFraction is set for warm-stagger sessions/,
      ],
      [
        "a parameter STAGGER does not take (an export's algoParams go through the algorithm's schema)",
        (d) => editRows(d, 'sessions.jsonl', (r) => ({ ...r, algoParams: { fraction: 0.5 } })),
        /algoParams: stagger takes no parameters/,
      ],
      [
        'a session of a task this workbench does not run',
        (d) => editRows(d, 'sessions.jsonl', (r, i) => (i === 0 ? { ...r, taskId: 'reacher' } : r)),
        /task 'reacher' is not one this workbench runs/,
      ],
      [
        'labels costing 1e308 each',
        (d) => editRows(d, 'labels.jsonl', (r) => ({ ...r, cost: 1e308 })),
        /labels\.jsonl:1: cost/,
      ],
      [
        'an observation of 2,000,000 values for a 4-value task',
        (d) =>
          editRows(d, 'labels.jsonl', (r, i) => (i === 0 ? { ...r, observation: new Array(2_000_000).fill(0) } : r)),
        /labels\.jsonl:1: observation/,
      ],
      [
        'an observation of 3 values for a 4-value task',
        (d) => editRows(d, 'steps.jsonl', (r, i) => (i === 2 ? { ...r, observation: [1, 2, 3] } : r)),
        /steps\.jsonl:3: observation has 3 values, the task's has 4/,
      ],
      [
        'a stepIndex pointing at no step',
        (d) => editRows(d, 'labels.jsonl', (r, i) => (i === 1 ? { ...r, stepIndex: 9999 } : r)),
        /labels\.jsonl:2: stepIndex 9999 is not a step of episode/,
      ],
      [
        'a state holding NaN',
        (d) => editRows(d, 'steps.jsonl', (r, i) => (i === 5 ? { ...r, state: [0, 'NaN', 0, 0, 0] } : r)),
        /steps\.jsonl:6: state holds a value that is not a finite number/,
      ],
      [
        'settings.costRatio "abc"',
        (d) => editRows(d, 'settings.jsonl', (r) => (r.key === 'costRatio' ? { ...r, value: 'abc' } : r)),
        /settings\.jsonl:1: value: .*expected number/,
      ],
      ['a manifest of schema version 99', (d) => editManifest(d, (m) => (m.schemaVersion = 99)), /schema version 99/],
      ['a manifest listing no files', (d) => editManifest(d, (m) => (m.files = {})), /files lists no settings\.jsonl/],
      [
        'a file that is a symbolic link out of the folder',
        (d) => {
          const outside = join(d, '..', 'queries-outside.jsonl')
          renameSync(join(d, 'queries.jsonl'), outside)
          symlinkSync(outside, join(d, 'queries.jsonl'))
        },
        /queries\.jsonl is a symbolic link; refused/,
      ],
      [
        'a file that is a FIFO (it would hang a read)',
        (d) => {
          rmSync(join(d, 'evaluations.jsonl'))
          execFileSync('mkfifo', [join(d, 'evaluations.jsonl')])
        },
        /evaluations\.jsonl is not a regular file; refused/,
      ],
    ]
    for (const [what, damage, message] of cases) {
      it(what, () => {
        const src = openWorkspace(tmp.path('src.db'))
        populate(src)
        const dir = tmp.path('exp')
        exportWorkspace(src, dir)
        src.close()
        damage(dir)
        const file = tmp.path('target.db')
        const dst = openWorkspace(file)
        populate(dst)
        const counts = snapshot(dst)
        dst.close()
        const hash = sha256(file)
        const again = openWorkspace(file)
        let error: StoreError | undefined
        try {
          importExport(again, dir, { tasks })
        } catch (err) {
          error = err as StoreError
        }
        expect(error).toBeInstanceOf(StoreError)
        expect(error?.code).toBe('invalid-export')
        expect(error?.message).toMatch(message)
        expect(snapshot(again)).toEqual(counts)
        again.close()
        expect(sha256(file)).toBe(hash)
      })
    }
  })
})

function editManifest(dir: string, edit: (m: Record<string, unknown>) => void): void {
  const path = join(dir, 'manifest.json')
  const m = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>
  edit(m)
  writeFileSync(path, JSON.stringify(m))
}

function replaceInFile(dir: string, name: string, from: string, to: string): void {
  const path = join(dir, name)
  const text = readFileSync(path, 'utf8')
  expect(text).toContain(from)
  writeFileSync(path, text.replace(from, to))
}

function dropLastLine(dir: string, name: string): void {
  const path = join(dir, name)
  const lines = readFileSync(path, 'utf8').split('\n').filter(Boolean)
  writeFileSync(path, lines.slice(0, -1).join('\n') + '\n')
  rehash(dir, name) // only the count is wrong now
}

/** Change lines and fix the manifest's hash, so only the content check can catch it. */
function rewrite(dir: string, name: string, edit: (line: string, i: number) => string): void {
  const path = join(dir, name)
  const lines = readFileSync(path, 'utf8').split('\n').filter(Boolean)
  writeFileSync(path, lines.map(edit).join('\n') + '\n')
  rehash(dir, name)
}

function rehash(dir: string, name: string): void {
  editManifest(dir, (m) => {
    const files = m.files as Record<string, { sha256: string; bytes: number }>
    files[name].sha256 = sha256(join(dir, name))
  })
}

/** Change rows as objects and fix the manifest's hash, so only the content checks can catch it. */
function editRows(
  dir: string,
  name: string,
  edit: (row: Record<string, unknown>, i: number) => Record<string, unknown>,
): void {
  rewrite(dir, name, (line, i) => JSON.stringify(edit(JSON.parse(line) as Record<string, unknown>, i)))
}
