import { describe, expect, it, vi } from 'vitest'
import { ContractError } from '../../../src/shared/contract'
import { dispatch, SCAN_CHARS, toWireError, UNSHOWN_MESSAGE } from '../../../src/main/api/dispatch'
import { createSceneService } from '../../../src/main/api/services/scene'
import { ECHO_CHARS, ERROR_MESSAGE_CHARS } from '../../../src/shared/limits'
import { connectInProcess } from '../../../src/main/api/in-process'
import { createWorkbench } from '../../../src/main/api/compose'
import type { ServiceFactory } from '../../../src/main/api/service-types'
import { testHandlers, VERSIONS } from './fixtures'

const client = { id: 't', emit: () => {}, onClose: () => {} }

async function failure(p: Promise<unknown>): Promise<ContractError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  )
  expect(err).toBeInstanceOf(ContractError)
  return err as ContractError
}

describe('dispatch', () => {
  const handlers = testHandlers()

  it('returns the validated output of a valid call', async () => {
    await expect(dispatch(handlers, 'app.version', {}, client)).resolves.toEqual(VERSIONS)
  })

  it('rejects an unknown method by name', async () => {
    const e = await failure(dispatch(handlers, 'app.explode', {}, client))
    expect(e.code).toBe('unknown-method')
    expect(e.message).toContain("'app.explode'")
    expect((await failure(dispatch(handlers, 42, {}, client))).message).toContain('of type number')
  })

  it('names the method and every bad field of invalid input', async () => {
    const e = await failure(dispatch(handlers, 'teleop.open', { taskId: 7, seed: 1.5 }, client))
    expect(e.code).toBe('invalid-input')
    expect(e.message).toMatch(/^invalid input for teleop.open: /)
    expect(e.message).toContain('taskId')
    expect(e.message).toContain('seed')
    const extra = await failure(dispatch(handlers, 'app.version', { x: 1 }, client))
    expect(extra.code).toBe('invalid-input')
    const notObject = await failure(dispatch(handlers, 'jobs.cancel', 'job-1', client))
    expect(notObject.message).toContain('(payload)')
  })

  it('refuses a handler output that breaks the contract', async () => {
    const e = await failure(dispatch(handlers, 'tasks.list', {}, client))
    expect(e.code).toBe('invalid-output')
    expect(e.message).toContain('invalid output from tasks.list')
  })

  it('reports a method no service provides as not available', async () => {
    const e = await failure(dispatch(handlers, 'sessions.list', {}, client))
    expect(e.code).toBe('failed')
    expect(e.message).toContain('sessions.list is not available')
  })

  it('wraps a handler exception as failed with its message', async () => {
    const e = await failure(dispatch(handlers, 'jobs.cancel', { jobId: 'throw' }, client))
    expect(e.code).toBe('failed')
    expect(e.message).toBe('jobs.cancel failed: no such job: throw')
    expect(toWireError(e)).toEqual({ code: 'failed', message: e.message })
    expect(toWireError('boom')).toEqual({ code: 'failed', message: 'boom' })
  })
})

describe('error shaping of huge messages (issue #27)', () => {
  const SIX_MB = 6_000_000

  it('answers a 6 MB task id with a short error, one honest count, and keeps answering', async () => {
    const handlers = { ...testHandlers(), ...createSceneService() }
    const api = connectInProcess(handlers)
    for (const hidePaths of [false, true]) {
      const e = await failure(api.callRaw('tasks.geometry', { taskId: 't'.repeat(SIX_MB) }))
      const wire = toWireError(e, { hidePaths })
      expect(wire.code).toBe('failed')
      expect(wire.message.length).toBeLessThanOrEqual(ERROR_MESSAGE_CHARS + 40)
      expect(wire.message).not.toContain('t'.repeat(ECHO_CHARS + 1))
      // what is shown is the message's start, and what is left out of it is counted once, in full
      expect(wire.message).toMatch(/^tasks\.geometry failed: unknown task 't+… \(\d+ more characters\)$/)
      const shown = wire.message.indexOf('…')
      expect(e.message.startsWith(wire.message.slice(0, shown))).toBe(true)
      const counts = [...wire.message.matchAll(/\((\d+) more characters\)/g)].map((m) => Number(m[1]))
      expect(counts).toEqual([e.message.length - shown])
    }
    await expect(api.call('app.version', {})).resolves.toEqual(VERSIONS)
    api.close()
  })

  it('bounds messages of many short words and many lines as well', () => {
    const words = toWireError(new Error(`bad: ${'ab '.repeat(SIX_MB / 3)}`), { hidePaths: true })
    expect(words.message.length).toBeLessThanOrEqual(ERROR_MESSAGE_CHARS + 40)
    expect(words.message).toMatch(/^bad: ab ab .*… \(\d+ more characters\)$/)
    const lines = toWireError(new Error(`/a/b/c\n`.repeat(SIX_MB / 7)), { hidePaths: true })
    expect(lines.message).not.toContain('\n')
    expect(lines.message).not.toContain('/a/b/')
    const short = toWireError(new Error(`x ${'y'.repeat(SCAN_CHARS)}`))
    expect(short.message).toBe(`x ${'y'.repeat(ECHO_CHARS)}… (${SCAN_CHARS - ECHO_CHARS} more characters)`)
  })

  it('answers a generic one-line error when shaping the error itself fails', () => {
    const broken = Object.create(Error.prototype, {
      message: {
        get() {
          throw new RangeError('Maximum call stack size exceeded')
        },
      },
    }) as Error
    expect(toWireError(broken)).toEqual({ code: 'failed', message: UNSHOWN_MESSAGE })
    const contract = new ContractError('x', 'invalid-input')
    Object.defineProperty(contract, 'message', {
      get() {
        throw new Error('no message')
      },
    })
    expect(toWireError(contract)).toEqual({ code: 'invalid-input', message: UNSHOWN_MESSAGE })
  })
})

describe('in-process transport', () => {
  it('validates like every transport and delivers events to on() handlers', async () => {
    const api = connectInProcess(testHandlers())
    const seen: unknown[] = []
    const off = api.on('progress', (p) => seen.push(p.jobId))
    await expect(api.call('jobs.cancel', { jobId: 'a' })).resolves.toEqual({ ok: true })
    expect(seen).toEqual(['a'])
    off()
    await api.call('jobs.cancel', { jobId: 'b' })
    expect(seen).toEqual(['a'])
    const e = await failure(api.callRaw('teleop.action', { action: ['x'] }))
    expect(e.message).toContain('action.0')
    api.close()
    await expect(api.call('app.version', {})).rejects.toThrow(/closed/)
  })

  it('runs the client close hooks once', () => {
    const api = connectInProcess({})
    let closed = 0
    api.client.onClose(() => closed++)
    api.close()
    api.close()
    expect(closed).toBe(1)
  })
})

describe('createWorkbench', () => {
  it('merges factories, shares resources and disposes them at close', async () => {
    const log: string[] = []
    const a: ServiceFactory = async (ctx) => {
      const r = await ctx.resource(
        'db',
        () => ({ name: 'db' }),
        () => void log.push('dispose db'),
      )
      return { 'jobs.cancel': () => ({ ok: r.name === 'db' }) }
    }
    const b: ServiceFactory = async (ctx) => {
      const r = await ctx.resource('db', () => ({ name: 'other' }))
      ctx.onClose(() => void log.push('close b'))
      return { 'demos.list': () => (r.name === 'db' ? [] : (null as never)) }
    }
    const wb = await createWorkbench({}, [a, b])
    const api = connectInProcess(wb.handlers, wb.broadcaster)
    await expect(api.call('jobs.cancel', { jobId: 'x' })).resolves.toEqual({ ok: true })
    await expect(api.call('demos.list', {})).resolves.toEqual([])
    const seen: string[] = []
    api.on('progress', (p) => seen.push(p.jobId))
    wb.broadcaster.broadcast('progress', { jobId: 'all', kind: 'k', done: 0, total: 1 })
    expect(seen).toEqual(['all'])
    await wb.close()
    await wb.close()
    expect(log).toEqual(['close b', 'dispose db'])
  })

  it('keeps broadcasting to the other clients when one fails, and refuses a payload that breaks the contract', async () => {
    const wb = await createWorkbench({}, [])
    const a = connectInProcess(wb.handlers, wb.broadcaster)
    const b = connectInProcess(wb.handlers, wb.broadcaster)
    const seen: string[] = []
    a.on('progress', () => {
      throw new Error('a broken listener')
    })
    b.on('progress', (p) => seen.push(p.jobId))
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    wb.broadcaster.broadcast('progress', { jobId: 'ok', kind: 'k', done: 0, total: 1 })
    wb.broadcaster.broadcast('progress', { jobId: 'bad', kind: 'k', done: 'x' } as never)
    expect(seen).toEqual(['ok'])
    expect(warn.mock.calls.map((c) => String(c[0]))).toEqual([
      expect.stringContaining('a broken listener'),
      expect.stringContaining('invalid progress event'),
      expect.stringContaining('invalid progress event'),
    ])
    warn.mockRestore()
    await wb.close()
  })

  it('refuses two services providing one method', async () => {
    const f: ServiceFactory = () => ({ 'jobs.cancel': () => ({ ok: true }) })
    await expect(createWorkbench({}, [f, f])).rejects.toThrow('two services provide jobs.cancel')
  })

  it('serves app.version with every version field from the default services', async () => {
    const wb = await createWorkbench()
    const api = connectInProcess(wb.handlers, wb.broadcaster)
    const v = await api.call('app.version', {})
    expect(v.workbench).toMatch(/^\d+\.\d+\.\d+/)
    expect(v.sqlite).toMatch(/^3\.\d+/)
    expect(v.mujoco).toMatch(/^\d+\.\d+/)
    expect(typeof v.tfjsBackend).toBe('string')
    await wb.close()
  })
})
