// Success made visible, and Record from a fresh episode (issue 27, items 11 and 12), in Chromium against the real
// browser mode with the virtual pad. The fixture task (test/fixtures/tasks/success-slider) succeeds when its cart
// is on the goal at the end of a 50-step episode: spinning the wheel leaves it there, pushing drives it off.
import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { openWorkspace } from '../../src/main/store'
import { useWorkbenchPage } from './helpers/use-page'
import { setAxes, setButton } from './support/virtual-gamepad'
import { screenshot, shownErrors } from './support/workbench'

const wb = useWorkbenchPage()
const TASK = 'fixture-success-slider'
const HORIZON = 50

const stepShown = async (page: Page): Promise<number> =>
  Number(/step (\d+)/.exec((await page.getByTestId('time-limit').textContent()) ?? '')?.[1] ?? -1)

/** Record one whole episode, from Record to its time limit, with the pad held this way. */
async function recordEpisode(page: Page, axes: { 0: number; 1: number }): Promise<void> {
  await page.getByTestId('record-start').click()
  await page.getByTestId('recording-badge').waitFor()
  // a fresh episode: step 0, and nothing moves before the first input
  await page.getByTestId('waiting-for-input').waitFor({ timeout: 30_000 })
  expect(await stepShown(page)).toBe(0)
  await setButton(page, 5, 1)
  await setAxes(page, axes)
  await page.getByTestId('episode-end').waitFor({ timeout: 60_000 })
  await setButton(page, 5, 0)
  await setAxes(page, { 0: 0, 1: 0 })
  // Keep names every step the list will show: the whole episode, from its first step
  await expect.poll(() => page.getByTestId('recorded-steps').textContent()).toBe(`${HORIZON} steps`)
}

async function keep(page: Page): Promise<number> {
  await page.getByTestId('record-keep').click()
  const id = Number(/#(\d+)/.exec((await page.getByTestId('kept').textContent()) ?? '')?.[1])
  expect(id).toBeGreaterThan(0)
  return id
}

describe('success and fresh recordings', () => {
  it('records from a fresh episode and shows which demonstrations succeeded', { timeout: 240_000 }, async () => {
    const { page, errors } = await wb.open('teleop')
    await page.getByTestId('add-task-input').setInputFiles('test/fixtures/tasks/success-slider')
    await expect.poll(() => page.getByTestId('add-task-done').textContent(), { timeout: 60_000 }).toBe(`added ${TASK}`)
    await expect.poll(() => page.getByTestId('teleop-task').inputValue(), { timeout: 30_000 }).toBe(TASK)
    await expect.poll(() => page.getByTestId('record-start').isEnabled(), { timeout: 60_000 }).toBe(true)

    // both options are on by default, and the page says what Record does
    expect(await page.getByTestId('start-on-input').isChecked()).toBe(true)
    expect(await page.getByTestId('record-fresh').isChecked()).toBe(true)
    expect(await page.getByTestId('record-explain').textContent()).toContain(
      'Record resets the task and records from step 0; nothing moves until your first input',
    )

    // drive part of an episode first: Record must not start there
    await setButton(page, 5, 1)
    await setAxes(page, { 0: 0, 1: 0.8 })
    await expect.poll(() => stepShown(page), { timeout: 30_000 }).toBeGreaterThan(5)
    await setButton(page, 5, 0)
    await setAxes(page, { 0: 0, 1: 0 })

    // spinning the wheel leaves the cart on the goal: success at the time limit
    await recordEpisode(page, { 0: 0, 1: 0.8 })
    const banner = page.getByTestId('episode-end')
    expect(await banner.getAttribute('data-success')).toBe('true')
    expect(await banner.textContent()).toContain(`Success at step ${HORIZON}`)
    expect(await banner.textContent()).toContain('Keep or Discard')
    await screenshot(page, 'teleop-success-banner')
    const won = await keep(page)
    await expect.poll(() => page.getByTestId(`demo-success-${won}`).getAttribute('data-success')).toBe('true')

    // pushing drives the cart off the goal: the time limit, not succeeded
    await recordEpisode(page, { 0: 1, 1: 0 })
    expect(await banner.getAttribute('data-success')).toBe('false')
    expect(await banner.textContent()).toContain(`Time limit reached at step ${HORIZON}, not succeeded`)
    const lost = await keep(page)
    await expect.poll(() => page.getByTestId(`demo-success-${lost}`).getAttribute('data-success')).toBe('false')
    await expect.poll(() => page.getByTestId('demo-list').textContent()).toContain(`#${won} · ${HORIZON} steps`)
    await screenshot(page, 'teleop-success-list')

    // the Datasets view: a success column and a filter on it
    await page.getByTestId('tab-datasets').click()
    await page.getByTestId('datasets-task').selectOption(TASK)
    const rows = page.getByTestId('datasets-episodes').locator('tbody tr')
    await expect.poll(() => rows.count()).toBe(2)
    await page.getByTestId('datasets-success-filter').selectOption('yes')
    await expect.poll(() => rows.count()).toBe(1)
    expect(await rows.first().getAttribute('data-episode')).toBe(String(won))
    await page.getByTestId('datasets-success-filter').selectOption('no')
    await expect.poll(() => rows.first().getAttribute('data-episode')).toBe(String(lost))
    await page.getByTestId('datasets-success-filter').selectOption('all')
    await page.getByRole('button', { name: `view episode ${won}` }).click()
    await page.locator('[data-label="success (1 = met)"]').waitFor()
    // the action plots are named by the task's own actuators
    expect(await page.locator('[data-label="push · a0"]').count()).toBe(1)
    await screenshot(page, 'datasets-success')

    expect(await shownErrors(page)).toEqual([])
    expect(errors).toEqual([])
    await page.close()

    // each demonstration is a whole episode: the horizon's steps, the first one at the new episode's start
    const ws = openWorkspace(wb.db, { readonly: true })
    try {
      for (const id of [won, lost]) expect(ws.episodeInfo(id)).toMatchObject({ steps: HORIZON, complete: true })
    } finally {
      ws.close()
    }
  })
})
