// A seeded fuzz of the contract over the real WebSocket server with the real services on a real workspace:
// random and mutated payloads for every method of src/shared/contract.ts. Each call must get its own reply, either
// a result the contract accepts or a one-line error with a contract code, and the server must still answer a
// valid call afterwards. Bounded: FUZZ_CALLS calls, a few seconds.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { WebSocket } from 'ws'
import { methods, parseOutput, type MethodName } from '../../../src/shared/contract'
import { ERROR_MESSAGE_CHARS } from '../../../src/shared/limits'
import { createRng, type Rng } from '../../../src/shared/rng'
import { createWorkbench, type Workbench } from '../../../src/main/api/compose'
import { startServer, type RunningServer } from '../../../src/main/server/index'
import { waitFor } from '../../wait-for'

const FUZZ_CALLS = 300
const SEED = 20261129
const CODES = ['unknown-method', 'invalid-input', 'invalid-output', 'failed', 'unauthorized']

/** A valid input for each method: what mutations start from. A person's session, so a valid start only waits. */
const BASE: { [M in MethodName]: unknown } = {
  'app.version': {},
  'tasks.list': {},
  'tasks.geometry': { taskId: 'cartpole' },
  // a folder without task.json: refused in one line, nothing stored
  'tasks.add': { files: [{ path: 'model.xml', base64: '' }] },
  // an expert-only task: refused before a worker starts (the fuzz socket's one simulation is opened up front)
  'teleop.open': { taskId: 'hopper', seed: 1 },
  'teleop.action': { action: [0.1] },
  'teleop.control': { command: 'pause' },
  'teleop.record': { command: 'stop' },
  'demos.list': { taskId: 'cartpole' },
  'cost.measure': { taskId: 'cartpole' },
  'demos.replay': { episodeId: 1 },
  'datasets.list': { taskId: 'cartpole' },
  'datasets.episode': { episodeId: 1 },
  'datasets.tag': { episodeId: 1, tags: ['good'] },
  'datasets.delete': { episodeId: 1 },
  'datasets.edit': { kind: 'trim', episodeId: 1, start: 1, end: 2 },
  'datasets.undo': {},
  'datasets.edits': {},
  // unconfirmed: says what it would remove
  'datasets.purge': { confirm: false },
  'sessions.start': { taskId: 'reacher-arm', algo: 'stagger', oracle: 'human', budget: 5, costRatio: 1 },
  'sessions.list': {},
  'sessions.control': { sessionId: 1, command: 'pause' },
  'sessions.curves': { sessionIds: [1] },
  // session 1 is of reacher-arm: refused in one line for another task
  'sessions.expert': { taskId: 'cartpole', sessionIds: [1] },
  'queries.answer': { queryId: 1, action: [0], firstInputMs: 1, commitMs: 2 },
  'queries.skip': { queryId: 1 },
  'queries.pending': {},
  'queries.operators': { sessionId: 1 },
  'takeover.steer': { sessionId: 1, held: true, action: [0.2, -0.1] },
  'takeover.episodes': { sessionId: 1 },
  'advice.get': { taskId: 'reacher-arm', costRatio: 2 },
  'advice.plan': { taskId: 'reacher-arm', costRatio: 2, budget: 4, seeds: 1 },
  // an unknown task: refused in one line before any session is stored (a mutated task id runs tiny sessions)
  'advice.run': { taskId: 'no-such-task', costRatio: 2, budget: 2, seeds: 1, evalEvery: 1, evalEpisodes: 1 },
  'jobs.cancel': { jobId: 'session-1' },
}

function pick<T>(rng: Rng, xs: readonly T[]): T {
  return xs[rng.int(xs.length)]
}

/** A random JSON value, sometimes large or deep, sometimes with the nasty numbers JSON allows. */
function randomValue(rng: Rng, depth = 0): unknown {
  switch (rng.int(depth > 2 ? 7 : 10)) {
    case 0:
      return null
    case 1:
      return rng.next() < 0.5
    case 2:
      return pick(rng, [0, -1, 1e308, -1e308, 2 ** 53, 0.5, -0, 4294967296, 2147483648])
    case 3:
      return rng.int(1000) - 500
    case 4:
      return pick(rng, ['', 'walker2d', 'hopper', '../../etc/passwd', '\u0000', 'é'.repeat(3), 'x'.repeat(100_000)])
    case 5:
      return 'k'.repeat(rng.int(50))
    case 6:
      return pick(rng, ['pause', 'start', 'keep', 'stagger', 'human', 'expert', 'session-1', 'reset', 'seek'])
    case 7:
      return Array.from({ length: rng.int(6) }, () => randomValue(rng, depth + 1))
    case 8:
      return rng.next() < 0.2 ? new Array(20_000).fill(1) : [rng.next(), rng.next()]
    default: {
      const o: Record<string, unknown> = {}
      for (let i = rng.int(4); i > 0; i--)
        o[pick(rng, ['taskId', 'seed', 'action', 'command', 'x', '__proto__'])] = randomValue(rng, depth + 1)
      return o
    }
  }
}

/** The method's valid input with one field replaced, dropped or added. */
function mutate(rng: Rng, base: unknown): unknown {
  const o = { ...(base as Record<string, unknown>) }
  const keys = Object.keys(o)
  const r = rng.int(4)
  if (r === 0 && keys.length) delete o[pick(rng, keys)]
  else if (r === 1) o[pick(rng, ['extra', 'constructor', 'toString'])] = randomValue(rng)
  else if (keys.length) o[pick(rng, keys)] = randomValue(rng)
  else return randomValue(rng)
  return o
}

interface Reply {
  id: unknown
  result?: unknown
  error?: { code: string; message: string }
}

describe('contract fuzz over the WebSocket', () => {
  let dir: string
  let wb: Workbench
  let server: RunningServer

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'iwb-fuzz-'))
    wb = await createWorkbench({ workspaceFile: join(dir, 'ws.sqlite'), limits: { simulations: 1, sessions: 1 } })
    server = await startServer({ handlers: wb.handlers, pageDir: dir, port: 0, token: 'fuzz-token' })
  })
  afterAll(async () => {
    await server?.close()
    await wb?.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it(`answers ${FUZZ_CALLS} seeded random and mutated calls clearly and keeps serving`, async () => {
    const rng = createRng(SEED)
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/api?token=fuzz-token`)
    const replies = new Map<unknown, Reply>()
    ws.on('message', (data) => {
      const msg = JSON.parse(String(data)) as Reply & { event?: string }
      if (msg.event === undefined) replies.set(msg.id, msg)
    })
    await new Promise((resolve, reject) => {
      ws.once('open', resolve)
      ws.once('error', reject)
    })

    // One live simulation to fuzz teleop.action / control / record against, and the versions loaded once.
    ws.send(JSON.stringify({ id: 'open', method: 'teleop.open', input: { taskId: 'cartpole' } }))
    ws.send(JSON.stringify({ id: 'version', method: 'app.version', input: {} }))
    await waitFor(() => replies.get('open') && replies.get('version'), { message: 'the setup', timeoutMs: 60_000 })
    expect(replies.get('open')?.result).toBeDefined()
    replies.clear()

    const names = Object.keys(methods) as MethodName[]
    const sent: { id: number; method: unknown }[] = []
    const counts = { tried: 0, refused: 0, valid: 0, crashed: 0 }
    for (let id = 1; id <= FUZZ_CALLS; id++) {
      const kind = rng.int(10)
      // mostly mutated valid payloads (they reach the services); some random ones and unknown methods
      const method = kind === 0 ? pick(rng, ['nope', '', 'teleop.', 'x'.repeat(1000), '__proto__']) : pick(rng, names)
      const input = kind < 3 ? randomValue(rng) : mutate(rng, BASE[method as MethodName] ?? {})
      ws.send(JSON.stringify({ id, method, input }))
      sent.push({ id, method })
      counts.tried++
      // a few in flight at once, as a page sends them
      if (id % 10 === 0) await waitFor(() => replies.size >= id, { message: `replies up to ${id}`, timeoutMs: 30_000 })
    }
    await waitFor(() => replies.size >= FUZZ_CALLS, { message: 'every reply', timeoutMs: 30_000 })

    for (const { id, method } of sent) {
      const r = replies.get(id)
      if (r?.error && CODES.includes(r.error.code) && typeof r.error.message === 'string') {
        const m = r.error.message
        const clear = m.length > 0 && m.length <= ERROR_MESSAGE_CHARS + 40 && !/[\r\n]/.test(m) && !m.includes(dir)
        if (clear) counts.refused++
        else counts.crashed++
        expect(clear, `${String(method)} #${id}: ${m.slice(0, 300)}`).toBe(true)
      } else if (r && 'result' in r) {
        counts.valid++
        expect(() => parseOutput(method as MethodName, r.result)).not.toThrow()
      } else {
        counts.crashed++
        expect.fail(`${String(method)} #${id} got no proper reply: ${JSON.stringify(r)?.slice(0, 300)}`)
      }
    }
    console.log(
      `contract fuzz: ${counts.tried} calls, ${counts.refused} refused clearly, ${counts.valid} valid replies, ${counts.crashed} crashed`,
    )
    expect(counts.refused).toBeGreaterThan(FUZZ_CALLS / 2)
    expect(counts.valid).toBeGreaterThan(0)

    ws.send(JSON.stringify({ id: 'after', method: 'app.version', input: {} }))
    const after = await waitFor(() => replies.get('after'), { message: 'a valid call after the fuzz' })
    expect(() => parseOutput('app.version', after.result)).not.toThrow()
    ws.close()
  })
})
