// The Advice panel runs the missing expert-oracle curves itself: on reacher-arm at C = 1000 (a query costs a
// thousand offline labels, so the plan is BC once and STAGGER and WARM-STAGGER at C = 500 and 1000: five small
// real sessions through the session host), it offers the run, shows its progress, pauses on Cancel and resumes
// on Run, and ends with an advice naming an algorithm and the curves behind it. Asked again, after a reload, it
// reuses the stored sessions and starts none.
import { describe, expect, it } from 'vitest'
import { ADVICE_ALGOS } from '../../src/main/learn/advice'
import { openWorkspace } from '../../src/main/store'
import { useWorkbenchPage } from './helpers/use-page'
import { screenshot, shownErrors } from './support/workbench'
import type { Page } from 'playwright-core'

const wb = useWorkbenchPage()

// Small budgets: each session is a worker thread that starts in seconds; BC reaches the target within 60 labels.
const SETTINGS = { cost: 1000, budget: 60, seeds: 1, evalEvery: 15, episodes: 1 }
const PLANNED = 5

function sessions(): { status: string; costRatio: number; budget: number }[] {
  const ws = openWorkspace(wb.db, { readonly: true })
  try {
    return ws.listSessions().filter((s) => s.taskId === 'reacher-arm')
  } finally {
    ws.close()
  }
}

async function ask(page: Page): Promise<void> {
  await page.getByTestId('advice-task').selectOption('reacher-arm')
  await page.getByTestId('advice-cost-ratio').fill(String(SETTINGS.cost))
  await page.getByTestId('advice-budget').fill(String(SETTINGS.budget))
  await page.getByTestId('advice-seeds').fill(String(SETTINGS.seeds))
  await page.getByTestId('advice-eval-every').fill(String(SETTINGS.evalEvery))
  await page.getByTestId('advice-eval-episodes').fill(String(SETTINGS.episodes))
  await page.getByTestId('advice-ask').click()
}

describe('Advice panel running the missing curves', () => {
  it('runs them with progress, pauses and resumes, advises, and then reuses them', async () => {
    const { page, errors } = await wb.open('sessions')
    await ask(page)
    const missing = page.getByTestId('advice-missing')
    await expect.poll(() => missing.getAttribute('data-missing'), { timeout: 30_000 }).toBe(String(PLANNED))
    await page.getByTestId('advice-none').waitFor()

    // Start, then cancel at the first progress: the sessions pause and the panel offers to resume them.
    await page.getByTestId('advice-run').click()
    const progress = page.getByTestId('advice-progress')
    await expect.poll(() => progress.textContent(), { timeout: 120_000 }).toMatch(/labels/)
    expect(await progress.textContent()).toContain(`/ ${PLANNED} sessions finished`)
    await page.getByTestId('advice-cancel').click()
    await expect.poll(() => missing.textContent(), { timeout: 120_000 }).toMatch(/unfinished/)
    const paused = sessions()
    expect(paused).toHaveLength(PLANNED)
    expect(paused.filter((s) => s.status === 'running')).toEqual([])
    const left = Number(await missing.getAttribute('data-missing'))
    expect(left).toBe(paused.filter((s) => s.status !== 'finished').length)

    // Run again: the paused and waiting sessions continue; progress counts up to the end.
    await page.getByTestId('advice-run').click()
    await expect
      .poll(async () => Number(await progress.getAttribute('data-done')), { timeout: 300_000 })
      .toBeGreaterThan(0)
    await screenshot(page, 'advice-run-progress')
    await progress.waitFor({ state: 'detached', timeout: 400_000 })
    const choice = page.getByTestId('advice-choice')
    // the advice from all five curves (not the one read before the run)
    await expect.poll(() => choice.textContent(), { timeout: 60_000 }).toContain(`(${PLANNED} stored sessions)`)
    const chosen = await choice.getAttribute('data-choice')
    expect(ADVICE_ALGOS as readonly string[]).toContain(chosen)
    expect(await choice.textContent()).toContain(`use ${chosen}`)
    expect(await page.getByTestId('advice-explanation').textContent()).toContain('C < R/mu')
    expect(await page.getByTestId('advice-plot').locator('svg path, svg polyline').count()).toBeGreaterThan(0)
    expect(await missing.count()).toBe(0)
    const done = sessions()
    expect(done.map((s) => s.status)).toEqual(Array(PLANNED).fill('finished'))
    expect(new Set(done.map((s) => s.costRatio))).toEqual(new Set([SETTINGS.cost / 2, SETTINGS.cost]))
    await screenshot(page, 'advice-run')

    // Reopened: the same advice from the stored curves, nothing to run, no new session.
    await page.reload()
    await page.getByTestId('tab-sessions').waitFor()
    await ask(page)
    await expect.poll(() => choice.getAttribute('data-choice'), { timeout: 60_000 }).toBe(chosen)
    expect(await missing.count()).toBe(0)
    expect(await page.getByTestId('advice-run').count()).toBe(0)
    expect(sessions()).toEqual(done)
    expect(await shownErrors(page)).toEqual([])
    expect(errors).toEqual([])
    await page.close()
  }, 900_000)
})
