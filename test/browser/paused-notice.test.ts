// A person's session paused because its page closed is said when a page comes back (issue 27, item 19), on the
// view a page opens with (Teleop), not only in the Query view; the notice takes the person to where it resumes.
// Chromium against the real browser mode, a real STAGGER session with the person as the oracle.
import { describe, expect, it } from 'vitest'
import { openWorkspace } from '../../src/main/store'
import { SessionConfig } from '../../src/shared/session-config'
import { useWorkbenchPage } from './helpers/use-page'
import { screenshot, shownErrors } from './support/workbench'

const wb = useWorkbenchPage()

describe('a session paused by its page closing', () => {
  it('is named on the page that comes back, which goes to Query to resume it', { timeout: 240_000 }, async () => {
    const first = await wb.open('sessions')
    await first.page.getByTestId('session-task').selectOption('reacher-arm')
    await first.page.getByTestId('session-algo').selectOption('stagger')
    await first.page.getByTestId('oracle-human').check()
    await first.page.getByTestId('session-budget').fill('2')
    await first.page.getByTestId('session-cost-ratio').fill('1')
    await first.page.getByTestId('session-start').click()
    // the session asks its first query (the page goes to Query by itself)
    await first.page.getByTestId('query-id').waitFor({ timeout: 90_000 })
    const sessionId = /session (\d+)/.exec((await first.page.getByTestId('query-id').textContent()) ?? '')?.[1]
    expect(sessionId).toBeDefined()
    await first.page.close() // the person's page goes away with a query waiting: the session pauses

    const { page, errors } = await wb.open('teleop')
    const notice = page.getByTestId('paused-notice')
    await expect.poll(() => notice.count(), { timeout: 60_000, interval: 500 }).toBe(1)
    expect(await notice.textContent()).toContain(`session #${sessionId} (stagger on reacher-arm`)
    expect(await notice.textContent()).toContain('paused, waiting for you')
    await screenshot(page, 'paused-notice')
    await page.getByTestId('paused-notice-go').click()
    // the Query view lists it with Resume, and the notice gives way there
    await page.getByTestId(`resume-${sessionId}`).waitFor({ timeout: 30_000 })
    expect(await notice.count()).toBe(0)
    expect(await shownErrors(page)).toEqual([])
    expect(errors).toEqual([])
    await page.close()
  })

  it('a paused takeover session resumes in Takeover: the Query view offers no Resume for it', async () => {
    // two sessions of a person, paused as a closed page leaves them: STAGGER (Query) and HG-DAgger (Takeover)
    const ws = openWorkspace(wb.db)
    const made = (algo: 'stagger' | 'hg-dagger'): number => {
      const log = ws.createSession(SessionConfig.parse({ taskId: 'reacher-arm', algo, oracle: 'human', budget: 10 }))
      log.setStatus('paused')
      return log.sessionId
    }
    let stagger = 0
    let takeover = 0
    try {
      stagger = made('stagger')
      takeover = made('hg-dagger')
    } finally {
      ws.close()
    }
    const { page, errors } = await wb.open('sessions')
    const notice = page.getByTestId('paused-notice')
    await expect.poll(() => notice.textContent(), { timeout: 30_000 }).toContain(`session #${takeover} (hg-dagger`)
    expect(await notice.textContent()).toContain(`session #${stagger} (stagger`)
    await page.getByTestId('tab-query').click()
    await page.getByTestId(`resume-${stagger}`).waitFor({ timeout: 30_000 })
    expect(await page.getByTestId(`resume-${takeover}`).count()).toBe(0)
    // on Query the notice names only what resumes elsewhere: the takeover session, and sends the person there
    await expect.poll(() => notice.textContent()).not.toContain(`session #${stagger} (`)
    expect(await page.getByTestId('paused-notice-go').textContent()).toContain('Resume in Takeover')
    await page.getByTestId('paused-notice-go').click()
    await page.getByTestId('tab-takeover').and(page.locator('[aria-selected=true]')).waitFor()
    expect(await shownErrors(page)).toEqual([])
    expect(errors).toEqual([])
    await page.close()
  })
})
