// The person's loop in Chromium against the real browser mode: record two demonstrations in the Teleop view with
// the virtual gamepad, then start BC on exactly those two from the Sessions form, and find every label of the
// session in the SQLite workspace pointing at a step of one of them.
import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { openWorkspace } from '../../src/main/store'
import { useWorkbenchPage } from './helpers/use-page'
import { setAxes, setButton } from './support/virtual-gamepad'
import { screenshot, shownErrors } from './support/workbench'
import { waitFor } from '../wait-for'

const wb = useWorkbenchPage()

/** Record one demonstration of at least `steps` steps, driving with the left stick while the bumper is held. */
async function recordDemo(page: Page, steps: number, axes: { 0: number; 1: number }): Promise<number> {
  const record = page.getByTestId('record-start')
  await expect.poll(() => record.isEnabled(), { timeout: 60_000 }).toBe(true)
  await record.click()
  await page.getByTestId('recording-badge').waitFor()
  await setButton(page, 5, 1)
  await setAxes(page, axes)
  await waitFor(
    async () => {
      if (await page.getByTestId('record-keep').isVisible()) return true // the episode ended by itself
      const [badge] = await page.getByTestId('recording-badge').allTextContents()
      return Number(/\d+/.exec(badge ?? '')?.[0] ?? 0) >= steps
    },
    { timeoutMs: 60_000, intervalMs: 50, message: `${steps} recorded steps` },
  )
  await setButton(page, 5, 0)
  await setAxes(page, { 0: 0, 1: 0 })
  const stop = page.getByTestId('record-stop')
  if (await stop.isVisible()) await stop.click({ timeout: 5000 }).catch(() => undefined)
  await page.getByTestId('record-keep').click()
  const kept = await page.getByTestId('kept').textContent()
  const id = Number(/#(\d+)/.exec(kept ?? '')?.[1])
  expect(id).toBeGreaterThan(0)
  return id
}

describe('demonstrations to a session', () => {
  it('trains BC on exactly the two demonstrations recorded with the pad, chosen in the Sessions form', async () => {
    const { page, errors } = await wb.open('teleop')
    await expect
      .poll(() => page.getByTestId('input-source').textContent(), { timeout: 60_000 })
      .toContain('Virtual pad')
    const first = await recordDemo(page, 15, { 0: 0.8, 1: -0.5 })
    const second = await recordDemo(page, 15, { 0: -0.6, 1: 0.7 })
    expect(second).not.toBe(first)

    await page.getByTestId('tab-sessions').click()
    await page.getByTestId('session-task').selectOption('reacher-arm')
    await page.getByTestId('session-algo').selectOption('bc')
    await expect.poll(() => page.getByTestId('algo-explain').textContent()).toContain('Behaviour cloning')
    // BC asks no oracle: neither the oracle nor the cost ratio is offered
    expect(await page.getByTestId('oracle-choice').count()).toBe(0)
    expect(await page.getByTestId('session-cost-ratio').count()).toBe(0)
    await page.getByTestId('offline-demos').check()
    for (const id of [first, second]) await page.getByTestId(`demo-${id}`).getByRole('checkbox').check()
    await expect.poll(() => page.getByTestId('demo-choice').textContent()).toMatch(/^2 chosen/)
    // the budget defaults to every chosen state, so BC uses all of them
    const states = Number(/(\d+) states/.exec((await page.getByTestId('demo-choice').textContent()) ?? '')?.[1])
    expect(states).toBeGreaterThanOrEqual(30)
    await expect.poll(() => page.getByTestId('session-budget').inputValue()).toBe(String(states))
    expect(await page.getByTestId('budget-buys').textContent()).toContain(`${states} = ${states} offline demonstration`)
    // STAGGER asks one: the form offers it again
    await page.getByTestId('session-algo').selectOption('stagger')
    await page.getByTestId('oracle-choice').waitFor()
    await page.getByTestId('session-algo').selectOption('bc')
    await page.getByTestId('session-budget').fill('20')
    await page.getByTestId('session-eval-every').fill('10') // two evaluations keep the test short
    await expect
      .poll(() => page.getByTestId('budget-buys').textContent())
      .toContain('20 = 20 offline demonstration states')
    await screenshot(page, 'sessions-demos-form')
    await page.getByTestId('session-start').click()

    const row = page.locator('[data-testid^="session-"][data-status]').first()
    await expect.poll(() => row.getAttribute('data-status'), { timeout: 120_000 }).toBe('finished')
    // the table names where the labels came from (not an oracle BC never asked), and the success rate
    const id = Number((await row.getAttribute('data-testid'))?.replace('session-', ''))
    const picked = [first, second].sort((a, b) => a - b)
    expect(await page.getByTestId(`session-source-${id}`).textContent()).toBe(`demos #${picked[0]} #${picked[1]}`)
    expect(await page.getByTestId(`session-success-${id}`).textContent()).toMatch(/^\d+ %$/)
    await screenshot(page, 'sessions-demos-finished')
    expect(await shownErrors(page)).toEqual([])
    expect(errors).toEqual([])
    await page.close()

    const ws = openWorkspace(wb.db, { readonly: true })
    try {
      const [session] = ws.listSessions()
      expect(session).toMatchObject({
        algo: 'bc',
        offline: { kind: 'demos', episodes: [first, second].sort((a, b) => a - b) },
      })
      const steps = new Map([first, second].map((id) => [id, ws.episodeInfo(id).steps]))
      const labels = ws.db
        .prepare('SELECT source, episode_id, step_index, cost FROM labels WHERE session_id = ?')
        .all(session.id) as { source: string; episode_id: number; step_index: number; cost: number }[]
      const held = steps.get(first)! + steps.get(second)!
      expect(labels.length).toBe(Math.min(20, held))
      for (const l of labels) {
        expect(l.source).toBe('demonstration')
        expect(l.cost).toBe(1)
        expect(steps.has(l.episode_id)).toBe(true)
        expect(l.step_index).toBeLessThan(steps.get(l.episode_id)!)
      }
      expect(new Set(labels.map((l) => `${l.episode_id}:${l.step_index}`)).size).toBe(labels.length)
    } finally {
      ws.close()
    }
  }, 240_000)
})
