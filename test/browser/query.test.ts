// Answering queries in Chromium: a STAGGER session with the person as the oracle, three queries answered with
// the virtual pad, the keyboard and the mouse; the store then holds three query labels with their costs and the
// page's timings (prompt -> first input, prompt -> commit).
import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { openWorkspace } from '../../src/main/store'
import { useWorkbenchPage } from './helpers/use-page'
import { pressFor, setAxes, setButton, tapButton } from './support/virtual-gamepad'
import { framesBetween, slowAnimationFrames } from './support/slow-frames'
import { screenshot, shownErrors, waitForReplay } from './support/workbench'
import { waitFor } from '../wait-for'

const wb = useWorkbenchPage()

async function waitForQuery(page: Page, notId: string | null): Promise<string> {
  const badge = page.getByTestId('query-id')
  await expect
    .poll(async () => ((await badge.count()) ? await badge.textContent() : null), { timeout: 90_000, interval: 250 })
    .not.toBe(notId)
  await badge.waitFor({ timeout: 90_000 })
  return (await badge.textContent())!
}

/** The answer's components as the sliders show them. */
function actionValues(page: Page): Promise<string> {
  return page
    .locator('[data-testid^="query-action-"]')
    .evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value).join(','))
}

/** Wait until the answer differs from `before` (the page took the pad's or the keyboard's input). */
async function waitForActionChange(page: Page, before: string): Promise<void> {
  await waitFor(async () => (await actionValues(page)) !== before, {
    timeoutMs: 30_000,
    intervalMs: 50,
    message: 'the action to follow the input',
  })
}

describe('Query view', () => {
  it('answers three STAGGER queries (pad, keyboard, mouse) and the store has the labels, costs and timings', async () => {
    const { page, errors } = await wb.open('sessions')
    await page.getByTestId('session-task').selectOption('reacher-arm')
    await page.getByTestId('session-algo').selectOption('stagger')
    await page.getByTestId('oracle-human').check()
    await page.getByTestId('session-budget').fill('3')
    await page.getByTestId('session-cost-ratio').fill('1')
    // evaluate at the start and the end only (the form's default, every round(budget / 20), is every label)
    await page.getByTestId('session-eval-every').fill('3')
    await screenshot(page, 'sessions-form')
    await page.getByTestId('session-start').click()

    // the page moves to the Query view when the first prompt arrives
    const first = await waitForQuery(page, null)
    await waitForReplay(page)
    // the context replay played through to the queried state: its timeline stands on its last step
    const scrub = page.getByTestId('timeline-scrub')
    const contextSteps = Number(await scrub.getAttribute('max')) + 1
    expect(await page.getByTestId('timeline-readout').textContent()).toContain(`step ${contextSteps} / ${contextSteps}`)
    expect(await page.getByTestId('query-hud').textContent()).toContain('queried state')
    // 1: the virtual pad: hold RB, push the left stick, commit with A
    const proposed = await actionValues(page)
    await setButton(page, 5, 1)
    await setAxes(page, { 0: 0.7, 1: -0.7 })
    await waitForActionChange(page, proposed)
    await screenshot(page, 'query')
    await setButton(page, 5, 0)
    await setAxes(page, { 0: 0, 1: 0 })
    await expect.poll(() => page.getByTestId('deadman').getAttribute('data-held')).toBe('false')
    const answered = page.getByTestId('query-answered')
    await tapButton(
      page,
      0,
      async () => (await answered.textContent())?.includes('answered here: 1') ?? false,
      'A (commit)',
    )

    // 2: the keyboard: Space (hold to act) + D, then Enter
    const second = await waitForQuery(page, first)
    await page.locator('body').click({ position: { x: 5, y: 780 } })
    const proposedSecond = await actionValues(page)
    await page.keyboard.down('Space')
    await page.keyboard.down('KeyD')
    await waitForActionChange(page, proposedSecond)
    await page.keyboard.up('KeyD')
    await page.keyboard.up('Space')
    await page.keyboard.press('Enter')

    // 3: the mouse: a slider, then the Commit button
    await waitForQuery(page, second)
    await page.getByTestId('query-action-0').fill('-0.5')
    await page.getByTestId('query-commit').click()

    await expect
      .poll(() => page.getByTestId('query-answered').textContent(), { timeout: 30_000 })
      .toContain('answered here: 3')
    expect(await shownErrors(page)).toEqual([])

    // the session spends its budget of 3 (cost 1 per query) and finishes
    await page.getByTestId('tab-sessions').click()
    const row = page.locator('[data-testid^="session-"][data-status]').first()
    await expect.poll(() => row.getAttribute('data-status'), { timeout: 120_000 }).toBe('finished')
    await screenshot(page, 'sessions')

    const ws = openWorkspace(wb.db, { readonly: true })
    try {
      const [session] = ws.listSessions()
      expect(session).toMatchObject({ algo: 'stagger', oracle: 'human', labels: 3, status: 'finished' })
      expect(session.cost).toBeCloseTo(3)
      expect(session.humanSeconds).toBeGreaterThan(0)
      const labels = ws.db
        .prepare('SELECT source, cost, action, human_seconds FROM labels WHERE session_id = ? ORDER BY id')
        .all(session.id) as { source: string; cost: number; human_seconds: number | null }[]
      expect(labels.map((l) => l.source)).toEqual(['query', 'query', 'query'])
      expect(labels.map((l) => l.cost)).toEqual([1, 1, 1])
      const queries = ws.db
        .prepare(
          'SELECT issued_at, first_input_at, committed_at, abandoned_at, label_id FROM queries WHERE session_id = ? ORDER BY id',
        )
        .all(session.id) as {
        issued_at: number
        first_input_at: number | null
        committed_at: number | null
        abandoned_at: number | null
        label_id: number | null
      }[]
      expect(queries).toHaveLength(3)
      for (const q of queries) {
        expect(q.abandoned_at).toBeNull()
        expect(q.label_id).not.toBeNull()
        expect(q.first_input_at).not.toBeNull()
        expect(q.committed_at!).toBeGreaterThanOrEqual(q.first_input_at!)
        expect(q.first_input_at!).toBeGreaterThanOrEqual(q.issued_at)
      }
    } finally {
      ws.close()
    }
    expect(errors).toEqual([])
    await page.close()
  })

  it('takes a 50 ms press of A between two frames while the page draws 2 frames a second', async () => {
    const { page, errors } = await wb.open('sessions', (p) => slowAnimationFrames(p, 2))
    await page.getByTestId('session-task').selectOption('reacher-arm')
    await page.getByTestId('session-algo').selectOption('stagger')
    await page.getByTestId('oracle-human').check()
    await page.getByTestId('session-budget').fill('1')
    await page.getByTestId('session-cost-ratio').fill('1')
    await page.getByTestId('session-start').click()
    await waitForQuery(page, null)
    const press = await pressFor(page, 0, 50)
    await expect
      .poll(() => page.getByTestId('query-answered').textContent(), { timeout: 30_000 })
      .toContain('answered here: 1')
    // no frame was drawn while A was down: a reader that looks at the pad once per frame never saw it
    expect(await framesBetween(page, press.down, press.up)).toBe(0)
    // and the page does go on drawing, at its throttled rate (a quiet machine answers before the third frame)
    await expect
      .poll(() => page.evaluate(() => (window as unknown as { __frameTimes: number[] }).__frameTimes.length))
      .toBeGreaterThan(2)
    expect(await shownErrors(page)).toEqual([])
    expect(errors).toEqual([])
    await page.close()
  })

  it('offers a session paused by its page closing for resuming in the Query view', async () => {
    const first = await wb.open('sessions')
    await first.page.getByTestId('session-task').selectOption('reacher-arm')
    await first.page.getByTestId('session-algo').selectOption('stagger')
    await first.page.getByTestId('oracle-human').check()
    await first.page.getByTestId('session-budget').fill('2')
    await first.page.getByTestId('session-cost-ratio').fill('1')
    await first.page.getByTestId('session-start').click()
    await waitForQuery(first.page, null)
    await first.page.close() // the person's page goes away with a query waiting: the session pauses

    const { page, errors } = await wb.open('query')
    const resume = page.locator('[data-testid^="resume-"]').first()
    await expect.poll(() => resume.count(), { timeout: 60_000, interval: 500 }).toBe(1)
    await screenshot(page, 'query-paused')
    await resume.click()
    // resumed: the session asks again
    expect(await waitForQuery(page, null)).toMatch(/query #\d+/)
    await page.getByTestId('query-skip').click()
    expect(await shownErrors(page)).toEqual([])
    expect(errors).toEqual([])
    await page.close()
  })
})
