// Two people answer one DAgger session's queries in two browser contexts against one browser-mode server: each
// prompt goes to one page, every label carries the operator of the page that answered it, both pages get
// prompts, and the page holding a prompt that closes hands it to the other page.
import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { openWorkspace } from '../../src/main/store'
import { useWorkbenchPage } from './helpers/use-page'
import { screenshot, shownErrors } from './support/workbench'
import { waitFor } from '../wait-for'

const wb = useWorkbenchPage()

const named = (operator: string) => async (page: Page) => {
  await page.addInitScript((name) => window.localStorage.setItem('iwb.operator', name), operator)
}

/** The query id the page shows, or null. */
async function shownQuery(page: Page): Promise<number | null> {
  const badge = page.getByTestId('query-id')
  if (!(await badge.count())) return null
  const m = /query #(\d+)/.exec((await badge.textContent()) ?? '')
  return m ? Number(m[1]) : null
}

describe('two pages answering one session', () => {
  it('gives each prompt to one page and attributes every label to its page operator', async () => {
    const ana = await wb.open('sessions', named('ana'))
    const bo = await wb.open('query', named('bo'))
    const { page } = ana
    await page.getByTestId('session-task').selectOption('reacher-arm')
    await page.getByTestId('session-algo').selectOption('dagger')
    await page.getByTestId('oracle-human').check()
    await page.getByTestId('session-budget').fill('6')
    await page.getByTestId('session-cost-ratio').fill('1')
    await page.getByTestId('session-eval-every').fill('6')
    await page.getByTestId('session-start').click()

    const pages = [
      { name: 'ana', ...ana },
      { name: 'bo', ...bo },
    ]
    const answered = new Map<number, string>()
    /** Wait until one page shows a query not answered yet; it must be the only page showing it. */
    const nextPrompt = () =>
      waitFor(
        async () => {
          const shown = await Promise.all(pages.map(async (p) => ({ p, id: await shownQuery(p.page) })))
          const fresh = shown.filter((s) => s.id !== null && !answered.has(s.id))
          if (!fresh.length) return null
          expect(fresh.filter((s) => s.id === fresh[0].id)).toHaveLength(1)
          return fresh[0]
        },
        { timeoutMs: 90_000, intervalMs: 100, message: 'a query at one of the pages' },
      )
    const commit = async (p: (typeof pages)[number], id: number): Promise<void> => {
      await p.page.getByTestId('query-commit').click()
      answered.set(id, p.name)
      const count = [...answered.values()].filter((n) => n === p.name).length
      await waitFor(
        async () => (await p.page.getByTestId('query-answered').textContent())?.includes(`here: ${count}`),
        {
          timeoutMs: 30_000,
          message: `${p.name}'s answer ${count}`,
        },
      )
    }

    for (let i = 0; i < 4; i++) {
      const { p, id } = await nextPrompt()
      await commit(p, id!)
    }
    expect(new Set(answered.values())).toEqual(new Set(['ana', 'bo']))
    const fifth = await nextPrompt()
    await screenshot(fifth.p.page, `two-pages-${fifth.p.name}-holds`)
    const other = pages.find((p) => p !== fifth.p)!
    await screenshot(other.page, `two-pages-${other.name}-waits`)
    // the page holding it closes: the other page gets it
    await fifth.p.page.close()
    pages.splice(pages.indexOf(fifth.p), 1)
    await waitFor(async () => (await shownQuery(other.page)) === fifth.id, {
      timeoutMs: 30_000,
      message: 'the released prompt at the other page',
    })
    await commit(other, fifth.id!)
    const last = await nextPrompt()
    expect(last.p).toBe(other)
    await commit(other, last.id!)
    // the figures per operator (DAgger stores its round's labels at the round's end): both names, their answers
    const count = (name: string) => String([...answered.values()].filter((n) => n === name).length)
    const figures = other.page.getByTestId('operator-figures')
    await waitFor(async () => (await figures.locator('tbody tr').count()) === 2, {
      timeoutMs: 120_000,
      intervalMs: 250,
      message: 'both operators in the figures',
    })
    for (const name of ['ana', 'bo'])
      expect(await figures.locator(`tr[data-operator="${name}"] td`).nth(1).textContent()).toBe(count(name))
    await screenshot(other.page, `two-pages-${other.name}-alone`)
    expect(await shownErrors(other.page)).toEqual([])
    expect(other.errors).toEqual([])

    const ws = openWorkspace(wb.db, { readonly: true })
    try {
      await waitFor(() => ws.listSessions()[0]?.status === 'finished', {
        timeoutMs: 120_000,
        intervalMs: 250,
        message: 'the session to finish',
      })
      const rows = ws
        .prepare(
          `SELECT q.id, q.operator, q.committed_at, (SELECT count(*) FROM labels l WHERE l.id = q.label_id) AS labels
           FROM queries q ORDER BY q.id`,
        )
        .all() as { operator: string | null; labels: number }[]
      // six queries, each answered once, each label with the operator of the page that answered it
      expect(rows.map((r) => r.labels)).toEqual([1, 1, 1, 1, 1, 1])
      expect(rows.map((r) => r.operator)).toEqual([...answered.values()])
    } finally {
      ws.close()
    }
    await other.page.close()
  })
})
