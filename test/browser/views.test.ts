// Each view at 1280x800 with every operator task's robot (screenshots under artifacts/screenshots/), and the
// input rules that need a real page: keyboard fallback, input ignored while unfocused, and pad reading that
// survives an unrelated page error.
import { describe, expect, it } from 'vitest'
import { useWorkbenchPage } from './helpers/use-page'
import { setAxes } from './support/virtual-gamepad'
import { waitFor } from '../wait-for'
import { screenshot, shownErrors, waitForFrames, waitForReplay } from './support/workbench'

const wb = useWorkbenchPage()

describe('the views at 1280x800', () => {
  it('shows each operator task in the Teleop view and the empty Query, Sessions and Compare views', async () => {
    const { page, errors } = await wb.open('teleop')
    const select = page.getByTestId('teleop-task')
    await expect.poll(() => page.getByTestId('record-start').isEnabled(), { timeout: 60_000 }).toBe(true)
    const tasks = await select.locator('option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value))
    expect(tasks.length).toBeGreaterThan(0)
    for (const task of tasks) {
      await select.selectOption(task)
      await expect.poll(() => page.locator('.desc').first().textContent(), { timeout: 30_000 }).not.toContain('loading')
      await waitForFrames(page, 10) // a few display frames with the tracking camera settled
      await screenshot(page, `teleop-${task}`)
    }
    // what each empty view shows once it is up
    const shown: Record<string, string> = { sessions: 'session-start', query: 'query-waiting', compare: 'compare-plot' }
    for (const view of ['sessions', 'query', 'compare']) {
      await page.getByTestId(`tab-${view}`).click()
      await page.getByTestId(shown[view]).waitFor()
      await screenshot(page, `${view}-empty`)
    }
    expect(await page.getByTestId('query-waiting').count()).toBe(0) // Compare is shown now
    expect(await shownErrors(page)).toEqual([])
    expect(errors).toEqual([])
    await page.close()
  })

  it('draws a hopper query (a task without a teleop simulation) and skipping it leaves no label', async () => {
    const { page, errors } = await wb.open('sessions')
    await page.getByTestId('session-task').selectOption('hopper')
    await page.getByTestId('session-algo').selectOption('stagger')
    await page.getByTestId('oracle-human').check()
    await page.getByTestId('session-budget').fill('2')
    await page.getByTestId('session-cost-ratio').fill('1')
    await page.getByTestId('session-start').click()
    await page.getByTestId('query-id').waitFor({ timeout: 90_000 })
    await waitForReplay(page) // the replay of the last second has played; the queried state shows
    await screenshot(page, 'query-hopper')
    const first = await page.getByTestId('query-id').textContent()
    await page.getByTestId('query-skip').click()
    await expect
      .poll(
        async () => ((await page.getByTestId('query-id').count()) ? page.getByTestId('query-id').textContent() : null),
        { timeout: 90_000 },
      )
      .not.toBe(first)
    expect(await shownErrors(page)).toEqual([])
    await page.getByTestId('tab-sessions').click()
    const row = page.locator('[data-testid^="session-"][data-status]').first()
    await row.getByRole('button', { name: 'Cancel' }).click()
    await expect.poll(() => row.getAttribute('data-status'), { timeout: 30_000 }).toBe('cancelled')
    expect(await row.locator('td').nth(7).textContent()).toBe('0') // labels: the skipped query added none
    expect(errors).toEqual([])
    await page.close()
  })

  it('drives with the keyboard, ignores input while unfocused, and keeps polling the pad after a page error', async () => {
    const { page, errors } = await wb.open('teleop')
    await expect.poll(() => page.getByTestId('record-start').isEnabled(), { timeout: 60_000 }).toBe(true)
    const deadman = page.getByTestId('deadman')

    await page.keyboard.down('Space')
    await expect.poll(() => deadman.getAttribute('data-held')).toBe('true')
    await page.evaluate(() => window.dispatchEvent(new Event('blur')))
    await expect.poll(() => deadman.getAttribute('data-held')).toBe('false')
    expect(await page.getByTestId('input-source').textContent()).toContain('not focused')
    await page.keyboard.up('Space')
    await page.evaluate(() => window.dispatchEvent(new Event('focus')))

    // an unrelated uncaught error does not stop the pad's reading timer
    await page.evaluate(() =>
      setTimeout(() => {
        throw new Error('unrelated failure elsewhere in the page')
      }, 0),
    )
    await waitFor(() => errors.some((e) => e.includes('unrelated failure')), { message: 'the page error' })
    await setAxes(page, { 2: 0.9 })
    const stick = page.getByRole('img', { name: /^right stick/ })
    await expect.poll(() => stick.getAttribute('aria-label'), { timeout: 10_000 }).toMatch(/x 0\.8\d/)
    expect(await page.getByTestId('pad-poll').textContent()).toContain('pad read 100 times a second')
    expect(errors.filter((e) => !e.includes('unrelated failure'))).toEqual([])
    await page.close()
  })

  it('shows a first-run guide to the workflow that stays dismissed, and the episode time limit while driving', async () => {
    const { page, errors } = await wb.open('teleop')
    const guide = page.getByTestId('first-run-guide')
    await guide.waitFor()
    await expect
      .poll(() => page.getByTestId('time-limit').textContent(), { timeout: 60_000 })
      .toMatch(/step \d+ \/ \d+ · \d+ s left of \d+ s/)
    await screenshot(page, 'teleop-guide')
    // the guide's steps lead to the views
    await page.getByTestId('guide-compare').click()
    await page.getByTestId('compare-plot').waitFor()
    await page.getByTestId('guide-dismiss').click()
    await guide.waitFor({ state: 'detached' })
    await page.reload()
    await page.getByTestId('tab-teleop').waitFor()
    expect(await page.getByTestId('first-run-guide').count()).toBe(0)
    await page.getByTestId('guide-toggle').click()
    await guide.waitFor()
    expect(errors).toEqual([])
    await page.close()
  })
})
