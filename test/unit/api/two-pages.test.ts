// Two pages answer one DAgger session's queries through the real session manager (worker thread, SQLite file):
// both try every prompt at once and one answer wins, the other is refused in one line; the page holding a prompt
// closes and the other page gets it; every label carries the operator of the page that answered (and every skip the
// operator of the page that skipped), and `iwb person --json` gives a figure per operator.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { QueryPrompt } from '../../../src/shared/contract'
import { createWorkbench, type Workbench } from '../../../src/main/api/compose'
import { connectInProcess, type InProcessApi } from '../../../src/main/api/in-process'
import { queriesService } from '../../../src/main/api/services/queries'
import { makeSessionsService } from '../../../src/main/api/services/sessions'
import { command as person } from '../../../src/main/cli/commands/person'
import { expertFor } from '../../../src/main/experts/registry'
import { policyFromSpec } from '../../../src/main/sim/policy-spec'
import { openWorkspace } from '../../../src/main/store'
import { waitFor } from '../../wait-for'
import { capture } from '../cli/capture'

const TASK = 'reacher-arm'
const expert = policyFromSpec(expertFor(TASK))

interface Page {
  name: string
  api: InProcessApi
  got: QueryPrompt[]
}

function page(wb: Workbench, name: string): Page {
  const api = connectInProcess(wb.handlers, wb.broadcaster)
  const p: Page = { name, api, got: [] }
  api.on('query.prompt', (q) => p.got.push(q))
  return p
}

/** What a page does every few seconds: call in, keeping its lease, and take what it holds. */
async function callIn(p: Page): Promise<void> {
  for (const q of await p.api.call('queries.pending', { operator: p.name }))
    if (!p.got.some((x) => x.queryId === q.queryId)) p.got.push(q)
}

const answer = (p: Page, q: QueryPrompt) =>
  p.api.call('queries.answer', {
    queryId: q.queryId,
    action: Array.from(expert.act(Float64Array.from(q.observation))),
    firstInputMs: 100,
    commitMs: p.name === 'ana' ? 1000 : 2000,
    operator: p.name,
  })

describe('two pages answering one session', () => {
  let dir: string
  let file: string
  let wb: Workbench

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'iwb-two-pages-'))
    file = join(dir, 'ws.sqlite')
    wb = await createWorkbench({ workspaceFile: file }, [makeSessionsService({ evalWorkers: 0 }), queriesService])
  })
  afterEach(async () => {
    await wb.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('answers each prompt once, with its page operator, and hands a closing page its prompt to the other', async () => {
    const pages = [page(wb, 'ana'), page(wb, 'bo')]
    for (const p of pages) expect(await p.api.call('queries.pending', { operator: p.name })).toEqual([])
    const session = await pages[0].api.call('sessions.start', {
      taskId: TASK,
      algo: 'dagger',
      oracle: 'human',
      budget: 7,
      costRatio: 1,
      seed: 5,
      evalEvery: 7,
      evalEpisodes: 1,
    })
    const answeredBy = new Map<number, string>()
    const holderOf = async (): Promise<{ holder: Page; q: QueryPrompt }> => {
      const found = await waitFor(
        async () => {
          for (const p of pages) await callIn(p)
          for (const p of pages) {
            const q = p.got.find((x) => !answeredBy.has(x.queryId))
            if (q) return { holder: p, q }
          }
          return null
        },
        { timeoutMs: 60_000, intervalMs: 200, message: 'a prompt at one of the pages' },
      )
      // it went to one page only
      expect(pages.filter((p) => p.got.some((x) => x.queryId === found.q.queryId))).toHaveLength(1)
      return found
    }

    for (let i = 0; i < 5; i++) {
      const { holder, q } = await holderOf()
      // both pages answer at once: one label, one clear refusal
      const other = pages.find((p) => p !== holder)!
      const [mine, theirs] = await Promise.allSettled([answer(holder, q), answer(other, q)])
      expect(mine.status).toBe('fulfilled')
      expect(theirs.status).toBe('rejected')
      expect(String((theirs as PromiseRejectedResult).reason.message)).toMatch(
        new RegExp(
          `^queries.answer failed: query ${q.queryId} (is with another page \\(${holder.name}\\)|was answered already by ${holder.name})$`,
        ),
      )
      answeredBy.set(q.queryId, holder.name)
    }
    // the next prompt's page closes before answering: the other page gets it at once
    const { holder, q } = await holderOf()
    holder.api.close()
    pages.splice(pages.indexOf(holder), 1)
    const rest = pages.find((p) => p !== holder)!
    await waitFor(() => rest.got.some((x) => x.queryId === q.queryId), { message: 'the released prompt' })
    await answer(rest, q)
    answeredBy.set(q.queryId, rest.name)
    // and answers the last one alone
    const last = await holderOf()
    expect(last.holder).toBe(rest)
    await answer(rest, last.q)
    answeredBy.set(last.q.queryId, rest.name)

    await waitFor(
      async () => (await rest.api.call('sessions.list', {})).find((s) => s.id === session.id)?.status === 'finished',
      { timeoutMs: 60_000, message: 'the session to finish' },
    )
    rest.api.close()

    const ws = openWorkspace(file, { readonly: true })
    let rows: { id: number; operator: string | null; labels: number }[]
    try {
      rows = ws
        .prepare(
          `SELECT q.id, q.operator, (SELECT count(*) FROM labels l WHERE l.id = q.label_id) AS labels
           FROM queries q WHERE q.session_id = ? ORDER BY q.id`,
        )
        .all(session.id) as typeof rows
    } finally {
      ws.close()
    }
    expect(rows).toHaveLength(7) // seven queries, seven labels: none answered twice
    expect(rows.every((r) => r.labels === 1)).toBe(true)
    expect(rows.map((r) => r.operator)).toEqual([...answeredBy.values()])
    expect(new Set(answeredBy.values())).toEqual(new Set(['ana', 'bo']))

    const io = capture()
    expect(await person.run(['--db', file, '--task', TASK, '--json'], io)).toBe(0)
    const out = JSON.parse(io.stdout[0]) as {
      operators: { operator: string; answered: number; seconds: number; fit: { measured: { queries: number } } }[]
    }
    const count = (name: string) => [...answeredBy.values()].filter((n) => n === name).length
    expect(out.operators.map((o) => [o.operator, o.answered, o.seconds])).toEqual([
      ['ana', count('ana'), count('ana') * 1],
      ['bo', count('bo'), count('bo') * 2],
    ])
    expect(out.operators.map((o) => o.fit.measured.queries)).toEqual([count('ana'), count('bo')])
  }, 180_000)

  it('resumes a session whose pages all closed from the labels they stored, to the budget', async () => {
    const config = {
      taskId: TASK,
      algo: 'dagger' as const,
      oracle: 'human',
      budget: 4,
      costRatio: 1,
      seed: 9,
      evalEvery: 4,
      evalEpisodes: 1,
    }
    const seen = new Set<number>()
    const next = (ps: Page[]) =>
      waitFor(
        async () => {
          for (const p of ps) await callIn(p)
          for (const p of ps) {
            const q = p.got.find((x) => !seen.has(x.queryId))
            if (q) return { p, q }
          }
          const s = (await ps[0].api.call('sessions.list', {})).find((x) => x.id === session.id)
          return s?.status === 'finished' ? 'finished' : null
        },
        { timeoutMs: 60_000, intervalMs: 200, message: 'a prompt or the end' },
      )
    const labels = () => {
      const ws = openWorkspace(file, { readonly: true })
      try {
        const rows = ws
          .prepare(
            `SELECT l.observation, l.action, q.operator FROM labels l JOIN queries q ON q.label_id = l.id
             WHERE l.session_id = ? ORDER BY l.id`,
          )
          .all(session.id) as { observation: Buffer; action: Buffer; operator: string }[]
        return rows.map((r) => ({ label: r.observation.toString('hex') + r.action.toString('hex'), by: r.operator }))
      } finally {
        ws.close()
      }
    }

    // two pages answer two queries, then both close while the third waits: the session pauses
    const pages = [page(wb, 'ana'), page(wb, 'bo')]
    for (const p of pages) await callIn(p)
    const session = await pages[0].api.call('sessions.start', config)
    for (let i = 0; i < 2; i++) {
      const got = await next(pages)
      if (got === 'finished') throw new Error('finished early')
      await answer(got.p, got.q)
      seen.add(got.q.queryId)
    }
    await next(pages)
    for (const p of pages) p.api.close()
    const cy = page(wb, 'cy')
    await waitFor(
      async () => (await cy.api.call('sessions.list', {})).find((s) => s.id === session.id)?.status === 'paused',
      { timeoutMs: 60_000, message: 'the session to pause' },
    )
    const kept = labels()
    expect(kept.every((l) => l.by === 'ana' || l.by === 'bo')).toBe(true)

    // another page resumes it (at once, while the paused run winds down) and answers to the end
    await callIn(cy)
    expect((await cy.api.call('sessions.control', { sessionId: session.id, command: 'resume' })).status).toBe('running')
    for (;;) {
      const got = await next([cy])
      if (got === 'finished') break
      await answer(cy, got.q)
      seen.add(got.q.queryId)
    }
    cy.api.close()
    const all = labels()
    expect(all).toHaveLength(4)
    expect(all.slice(0, kept.length)).toEqual(kept) // what the closed pages gave stays as it was
    expect(all.slice(kept.length).every((l) => l.by === 'cy')).toBe(true)
  }, 180_000)

  it('keeps the operator of a page that skips with its query, and `iwb person` counts it in that operator', async () => {
    const ana = page(wb, 'ana')
    await callIn(ana)
    const session = await ana.api.call('sessions.start', {
      taskId: TASK,
      algo: 'dagger',
      oracle: 'human',
      budget: 2,
      costRatio: 1,
      seed: 3,
      evalEvery: 2,
      evalEpisodes: 1,
    })
    // the first prompt is skipped by the named page, the second by a skip that names no one, the rest answered
    const done = new Set<number>()
    let skips = 0
    for (;;) {
      const got = await waitFor(
        async () => {
          await callIn(ana)
          const q = ana.got.find((x) => !done.has(x.queryId))
          if (q) return q
          const s = (await ana.api.call('sessions.list', {})).find((x) => x.id === session.id)
          return s?.status === 'finished' ? 'finished' : null
        },
        { timeoutMs: 60_000, intervalMs: 200, message: 'a prompt or the end' },
      )
      if (got === 'finished') break
      done.add(got.queryId)
      if (skips === 0)
        expect(await ana.api.call('queries.skip', { queryId: got.queryId, operator: 'ana' })).toEqual({ ok: true })
      else if (skips === 1) expect(await ana.api.call('queries.skip', { queryId: got.queryId })).toEqual({ ok: true })
      else await answer(ana, got)
      skips++
    }
    ana.api.close()

    const ws = openWorkspace(file, { readonly: true })
    let rows: { operator: string | null; abandoned: number; label: number | null }[]
    try {
      rows = ws
        .prepare(
          `SELECT operator, abandoned_at IS NOT NULL AS abandoned, label_id AS label FROM queries
           WHERE session_id = ? ORDER BY id`,
        )
        .all(session.id) as typeof rows
    } finally {
      ws.close()
    }
    expect(rows.slice(0, 2)).toEqual([
      { operator: 'ana', abandoned: 1, label: null },
      { operator: null, abandoned: 1, label: null },
    ])
    expect(rows.slice(2).every((r) => r.operator === 'ana' && r.abandoned === 0 && r.label !== null)).toBe(true)
    const answered = rows.length - 2
    expect(answered).toBe(2) // the budget: two labels at cost 1

    type Measured = { queries: number; skipped: number; skipRate: number | null }
    const io = capture()
    expect(await person.run(['--db', file, '--task', TASK, '--json'], io)).toBe(0)
    const all = JSON.parse(io.stdout[0]) as {
      measured: Measured
      operators: { operator: string; fit: { measured: Measured } }[]
    }
    expect(all.measured).toMatchObject({ queries: answered, skipped: 2 })
    // ana's own figure counts her skip, not the unnamed one
    expect(all.operators.map((o) => [o.operator, o.fit.measured.queries, o.fit.measured.skipped])).toEqual([
      ['ana', answered, 1],
    ])
    expect(all.operators[0].fit.measured.skipRate).toBeCloseTo(1 / (answered + 1))
    const one = capture()
    expect(await person.run(['--db', file, '--task', TASK, '--operator', 'ana', '--json'], one)).toBe(0)
    expect((JSON.parse(one.stdout[0]) as { measured: Measured }).measured).toMatchObject({
      queries: answered,
      skipped: 1,
    })
  }, 180_000)
})
