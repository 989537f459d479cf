// The comparison view in Chromium: two short sessions with the simulated expert (started from the Sessions
// view), then their learning curves drawn against cost, labels and human seconds, with the table and exports.
import { readFileSync } from 'node:fs'
import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { useWorkbenchPage } from './helpers/use-page'
import { screenshot, shownErrors } from './support/workbench'

const wb = useWorkbenchPage()

async function startSession(page: Page, algo: string): Promise<void> {
  await page.getByTestId('session-task').selectOption('cartpole')
  await page.getByTestId('session-algo').selectOption(algo)
  // BC asks no oracle: the form offers the oracle and the cost ratio only to the others
  if (algo !== 'bc') await page.getByTestId('oracle-expert').check()
  await page.getByTestId('session-budget').fill('24')
  if (algo !== 'bc') await page.getByTestId('session-cost-ratio').fill('2')
  await page.getByTestId('session-eval-every').fill('6')
  await page.getByTestId('session-start').click()
}

describe('Compare view', () => {
  it('draws the curves of two finished sessions against cost, labels and human seconds', async () => {
    const { page, errors } = await wb.open('sessions')
    await startSession(page, 'bc')
    await page.locator('[data-testid="session-1"]').waitFor()
    await startSession(page, 'dagger')
    for (const id of [1, 2]) {
      await expect
        .poll(() => page.getByTestId(`session-${id}`).getAttribute('data-status'), { timeout: 90_000, interval: 500 })
        .toBe('finished')
    }
    expect(await shownErrors(page)).toEqual([])

    await page.getByTestId('tab-compare').click()
    for (const id of [1, 2]) {
      const box = page.getByTestId(`compare-pick-${id}`)
      if (!(await box.isChecked())) await box.check()
    }
    const plot = page.getByTestId('compare-plot')
    // three panels, two sessions in each, every curve a polyline through several evaluations
    await expect.poll(() => plot.locator('g.series').count(), { timeout: 30_000 }).toBe(6)
    for (const axis of ['cost', 'labels', 'humanSeconds']) {
      const curves = plot.locator(`g[data-axis="${axis}"] path.curve`)
      expect(await curves.count()).toBe(2)
      for (const d of await curves.evaluateAll((els) => els.map((e) => e.getAttribute('d') ?? ''))) {
        expect(d).toMatch(/^M[\d.]+,[\d.]+( L[\d.]+,[\d.]+)+$/)
      }
    }
    // the expert's return on the same evaluation episodes: a dashed line in each panel
    await expect.poll(() => plot.locator('line.reference').count(), { timeout: 30_000 }).toBe(3)
    expect(await page.getByTestId('compare-band-note').textContent()).toContain("expert's mean return")
    const table = page.getByTestId('compare-table')
    expect(await table.locator('tbody tr').count()).toBe(2)
    expect(await table.textContent()).toContain('dagger')
    await screenshot(page, 'compare')

    const [csv] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-csv').click()])
    const text = readFileSync((await csv.path())!, 'utf8')
      .trim()
      .split('\n')
    expect(text[0]).toMatch(/^session,task,algo/)
    expect(new Set(text.slice(1).map((l) => l.split(',')[0]))).toEqual(new Set(['1', '2']))
    const [svg] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-svg').click()])
    expect(readFileSync((await svg.path())!, 'utf8')).toContain('<svg')
    const [png] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-png').click()])
    expect(
      readFileSync((await png.path())!)
        .subarray(1, 4)
        .toString(),
    ).toBe('PNG')

    // a session of another task: not on the same return axis; one task at a time
    await page.getByTestId('tab-sessions').click()
    await page.getByTestId('session-task').selectOption('reacher-arm')
    await page.getByTestId('session-algo').selectOption('bc')
    await page.getByTestId('offline-expert').check()
    await page.getByTestId('session-budget').fill('12')
    await page.getByTestId('session-eval-every').fill('6')
    await page.getByTestId('session-start').click()
    await expect
      .poll(() => page.getByTestId('session-3').getAttribute('data-status'), { timeout: 90_000, interval: 500 })
      .toBe('finished')
    await page.getByTestId('tab-compare').click()
    for (const id of [1, 2, 3]) {
      const box = page.getByTestId(`compare-pick-${id}`)
      if (!(await box.isChecked())) await box.check()
    }
    const note = page.getByTestId('compare-tasks')
    await expect.poll(() => note.textContent()).toContain('of 2 tasks')
    await page.getByTestId('compare-task-cartpole').click()
    await expect.poll(() => plot.locator('g[data-axis="cost"] path.curve').count()).toBe(2) // cartpole's two
    await page.getByTestId('compare-task-reacher-arm').click()
    await expect.poll(() => plot.locator('g[data-axis="cost"] path.curve').count()).toBe(1)
    await expect.poll(() => plot.locator('line.reference').count(), { timeout: 30_000 }).toBe(3)
    expect(await plot.textContent()).toContain('reacher-arm')
    expect(await plot.textContent()).not.toContain('cartpole')
    await screenshot(page, 'compare-two-tasks')

    expect(await shownErrors(page)).toEqual([])
    expect(errors).toEqual([])
    await page.close()
  })
})
