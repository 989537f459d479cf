// The prompt desk: which page answers which prompt when several pages answer. Driven with a clock of its own and
// the sessions' waiting prompts as a plain list (what the hosts report), so claims race exactly as written.
import { describe, expect, it } from 'vitest'
import type { QueryPrompt } from '../../../src/shared/contract'
import { PromptDesk, type DeskPage } from '../../../src/main/api/prompt-desk'

const LEASE = 1000

function prompt(queryId: number): QueryPrompt {
  const frame = { t: 0, step: 0, xpos: [], xquat: [] }
  return {
    queryId,
    sessionId: 1,
    taskId: 'reacher-arm',
    frame,
    lead: [],
    observation: [0],
    proposedAction: [0],
    issuedAt: 0,
  }
}

function setup() {
  let t = 0
  const live: QueryPrompt[] = []
  const broadcast: number[] = []
  const desk = new PromptDesk({
    live: () => live,
    broadcast: (p) => broadcast.push(p.queryId),
    leaseMs: LEASE,
    now: () => t,
  })
  const got = new Map<string, number[]>()
  const page = (id: string): DeskPage => ({ id, send: (p) => got.set(id, [...(got.get(id) ?? []), p.queryId]) })
  return {
    desk,
    page,
    got: (id: string) => got.get(id) ?? [],
    broadcast,
    tick: (ms: number) => (t += ms),
    /** a session asks: the host lists it, then relays it */
    ask(id: number) {
      live.push(prompt(id))
      desk.offer(prompt(id))
    },
    /** the session's worker settled it (the host dropped it from its list) */
    settle(id: number) {
      live.splice(
        live.findIndex((p) => p.queryId === id),
        1,
      )
    },
  }
}

describe('PromptDesk', () => {
  it('gives each prompt to one free page, the one free longest, and to the other page next', () => {
    const s = setup()
    const a = s.page('a')
    const b = s.page('b')
    s.desk.call(a, 'ana')
    s.tick(10)
    s.desk.call(b, 'bo')
    s.ask(1)
    expect(s.got('a')).toEqual([1]) // a joined first: free longest
    expect(s.got('b')).toEqual([])
    s.ask(2) // a holds 1: 2 goes to b
    expect(s.got('b')).toEqual([2])
    s.ask(3) // nobody is free: it waits
    expect(s.desk.holderOf(3)).toBeNull()
    s.desk.take('a', 1)
    s.settle(1)
    s.desk.done(1)
    expect(s.got('a')).toEqual([1, 3]) // a is free again and takes the waiting one
    expect(s.desk.call(a)).toEqual([expect.objectContaining({ queryId: 3 })])
    expect(s.desk.call(b)).toEqual([expect.objectContaining({ queryId: 2 })])
    expect(s.broadcast).toEqual([])
  })

  it('alternates between two pages when a session asks one query at a time', () => {
    const s = setup()
    s.desk.call(s.page('a'), 'ana')
    s.tick(1)
    s.desk.call(s.page('b'), 'bo')
    const holders: string[] = []
    for (let q = 1; q <= 6; q++) {
      s.ask(q)
      const holder = s.desk.holderOf(q)!
      holders.push(holder)
      s.tick(5)
      s.desk.take(holder, q)
      s.settle(q)
      s.desk.done(q)
    }
    expect(holders).toEqual(['a', 'b', 'a', 'b', 'a', 'b'])
  })

  it('refuses a second answer in one line naming who answered, and the other page while one holds it', () => {
    const s = setup()
    s.desk.call(s.page('a'), 'ana')
    s.desk.call(s.page('b'), 'bo')
    s.ask(7)
    expect(s.desk.holderOf(7)).toBe('a')
    expect(() => s.desk.take('b', 7)).toThrow(/^query 7 is with another page \(ana\)$/)
    // concurrent claims: the first take wins, the second is refused before anything is stored
    s.desk.take('a', 7)
    expect(() => s.desk.take('b', 7)).toThrow(/^query 7 was answered already by ana$/)
    expect(() => s.desk.take('a', 7, 'skip')).toThrow(/^query 7 was answered already on this page$/)
    s.settle(7)
    s.desk.done(7)
    expect(() => s.desk.take('b', 7)).toThrow(/^query 7 was answered already by ana$/)
    expect(() => s.desk.take('b', 99)).toThrow(/^query 99 is not waiting for an answer/)
  })

  it('gives a refused answer (a bad action) back to its page', () => {
    const s = setup()
    s.desk.call(s.page('a'), 'ana')
    s.desk.call(s.page('b'), 'bo')
    s.ask(1)
    s.desk.take('a', 1)
    s.desk.undo(1)
    expect(s.desk.holderOf(1)).toBe('a')
    expect(() => s.desk.take('b', 1)).toThrow(/with another page/)
    s.desk.take('a', 1)
  })

  it('releases the prompt of a page that closes to another page at once', () => {
    const s = setup()
    s.desk.call(s.page('a'), 'ana')
    s.desk.call(s.page('b'), 'bo')
    s.ask(1)
    expect(s.desk.holderOf(1)).toBe('a')
    s.desk.leave('a')
    expect(s.desk.holderOf(1)).toBe('b')
    expect(s.got('b')).toEqual([1])
    s.desk.take('b', 1)
    // the last page closing leaves it waiting for whoever calls in
    const t = setup()
    t.desk.call(t.page('a'))
    t.ask(2)
    t.desk.leave('a')
    expect(t.desk.holderOf(2)).toBeNull()
    expect(t.desk.call(t.page('c'))).toEqual([expect.objectContaining({ queryId: 2 })])
  })

  it('moves the prompt of a page silent past the lease to a free page, and keeps it while nobody else is free', () => {
    const s = setup()
    const a = s.page('a')
    const b = s.page('b')
    s.desk.call(a, 'ana')
    s.ask(1)
    s.tick(LEASE + 1)
    s.desk.call(b, 'bo') // a is silent, but b was not free before: a keeps it until b is there
    expect(s.desk.holderOf(1)).toBe('b')
    expect(s.got('b')).toEqual([]) // b called in: it gets it in the reply, not twice
    expect(s.desk.call(a)).toEqual([]) // a comes back: it no longer holds it (its page drops it)
    expect(() => s.desk.take('a', 1)).toThrow(/^query 1 is with another page \(bo\)$/)

    // within the lease the holder keeps it, however long the person thinks, as long as the page calls in
    const t = setup()
    t.desk.call(t.page('a'), 'ana')
    t.ask(2)
    t.desk.call(t.page('b'), 'bo')
    for (let i = 0; i < 5; i++) {
      t.tick(LEASE - 1)
      t.desk.call(t.page('a'))
      t.desk.call(t.page('b'))
    }
    expect(t.desk.holderOf(2)).toBe('a')
    // a lone page that lapsed keeps its prompt and can still answer it
    const u = setup()
    u.desk.call(u.page('a'))
    u.ask(3)
    u.tick(LEASE * 10)
    u.desk.take('a', 3)
  })

  it('broadcasts while no page has joined, and follows the sessions: a stopped session frees its page', () => {
    const s = setup()
    s.ask(1)
    expect(s.broadcast).toEqual([1])
    expect(s.desk.call(s.page('a'))).toEqual([expect.objectContaining({ queryId: 1 })])
    expect(s.got('a')).toEqual([])
    s.settle(1) // the session paused: its prompt is gone
    expect(s.desk.call(s.page('a'))).toEqual([])
    s.ask(2)
    expect(s.got('a')).toEqual([2])
  })
})
