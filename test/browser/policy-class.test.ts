// The learner's policy class chosen in the Sessions form: the picker lists the registry's classes with their help,
// the chosen class's parameters are inputs generated from its schema (defaults shown, a bad value named in one
// line before anything is sent), the stored session has exactly the class and parameters typed, and the Sessions
// table and the Compare view name the class (and draw the success rate on request).
import { describe, expect, it } from 'vitest'
import { connectInProcess } from '../../src/main/api/in-process'
import { POLICY_CLASSES } from '../../src/shared/policy-config'
import { useWorkbenchPage } from './helpers/use-page'
import { screenshot, shownErrors } from './support/workbench'

const wb = useWorkbenchPage()

describe('policy class in the Sessions form', () => {
  it('starts a gmm session with the typed parameters, and Sessions and Compare name its class', async () => {
    const { page, errors } = await wb.open('sessions')
    await page.getByTestId('session-task').selectOption('reacher-arm')
    await page.getByTestId('session-algo').selectOption('bc')
    await page.getByTestId('session-budget').fill('20')
    await page.getByTestId('session-eval-every').fill('10')
    await page.getByTestId('session-eval-episodes').fill('1')

    // the picker: every class of the registry with its label and help
    const picker = page.getByTestId('policy-picker')
    await expect.poll(() => picker.textContent()).toContain('Gaussian MLP')
    await picker.click()
    const options = page.getByTestId('policy-options')
    await options.waitFor()
    expect(await picker.getAttribute('aria-expanded')).toBe('true')
    expect(await options.getByRole('option').count()).toBe(POLICY_CLASSES.length)
    for (const c of POLICY_CLASSES) {
      const text = await page.getByTestId(`policy-option-${c.id}`).textContent()
      expect(text).toContain(c.label)
      expect(text).toContain(c.help)
    }
    // the form's top in sight (filling the fields below scrolled it)
    await page.getByRole('form', { name: 'start a session' }).evaluate((f) => f.scrollTo(0, 0))
    await screenshot(page, 'sessions-policy-picker')
    await page.getByTestId('policy-option-gmm').click()
    await expect.poll(() => options.count()).toBe(0)
    expect(await picker.textContent()).toContain('Gaussian mixture (GMM)')

    // the parameters, from the schema, with its defaults
    const modes = page.getByTestId('policy-param-modes')
    const hidden = page.getByTestId('policy-param-hidden')
    expect(await modes.inputValue()).toBe('5')
    expect(await hidden.inputValue()).toBe('256, 256')
    expect(await page.getByTestId('policy-params').textContent()).toContain('1–20')

    // a bad value: one line in the form, and Start refuses it without asking the server
    await modes.fill('0')
    const error = page.getByTestId('policy-error')
    await expect.poll(() => error.textContent()).toBe('policy gmm: modes: Too small: expected number to be >=1')
    await page.getByTestId('session-start').click()
    await expect.poll(() => shownErrors(page)).toHaveLength(1)
    expect((await shownErrors(page))[0]).toContain('policy gmm: modes: Too small')
    await page.getByTestId('errors').getByRole('button', { name: 'dismiss' }).click()
    await expect.poll(() => shownErrors(page)).toEqual([])
    expect(await page.getByTestId('session-table').count()).toBe(0)

    await modes.fill('3')
    await hidden.fill('32,32')
    await expect.poll(() => error.count()).toBe(0)
    await picker.evaluate((el) => el.scrollIntoView({ block: 'start' }))
    await screenshot(page, 'sessions-policy-params')
    await page.getByTestId('session-start').click()

    const row = page.getByTestId('session-1')
    await expect.poll(() => row.getAttribute('data-status'), { timeout: 90_000, interval: 500 }).toBe('finished')
    expect((await page.getByTestId('session-class-1').textContent())?.trim()).toBe('gmm')
    expect(await page.getByTestId('session-class-1').getAttribute('title')).toContain('modes 3 · hidden 32,32')
    await screenshot(page, 'sessions-policy-table')
    expect(await shownErrors(page)).toEqual([])

    // stored exactly as typed, defaults filled in
    const api = connectInProcess(wb.served.workbench.handlers)
    try {
      const [stored] = await api.call('sessions.list', {})
      expect(stored).toMatchObject({ id: 1, taskId: 'reacher-arm', algo: 'bc', budget: 20, status: 'finished' })
      expect(stored.policy).toEqual({
        id: 'gmm',
        params: { modes: 3, hidden: [32, 32], history: 1, learningRate: 1e-3, stepsPerLabel: 8, batchSize: 64 },
        version: POLICY_CLASSES.find((c) => c.id === 'gmm')!.version, // stamped from version 2 on
      })
    } finally {
      api.close()
    }

    // Compare: the pick list, the legend and the table name the class
    await page.getByTestId('tab-compare').click()
    const pick = page.getByTestId('compare-pick-1')
    await pick.waitFor()
    if (!(await pick.isChecked())) await pick.check()
    expect(await page.locator('label', { has: pick }).textContent()).toContain('#1 bc · gmm ·')
    const plot = page.getByTestId('compare-plot')
    await expect.poll(() => plot.locator('g.series').count()).toBe(3)
    await expect.poll(() => plot.textContent()).toContain('bc · gmm · expert states · reacher-arm')
    expect((await page.getByTestId('compare-class-1').textContent())?.trim()).toBe('gmm')
    await screenshot(page, 'compare-policy-class')

    // reacher-arm reports success: the curves can show the success rate instead of the return
    expect(await plot.getAttribute('aria-label')).toBe('return against cumulative cost, labels and human seconds')
    const success = page.getByTestId('compare-measure-success')
    expect(await success.getAttribute('aria-pressed')).toBe('false')
    await success.click()
    await expect
      .poll(() => plot.getAttribute('aria-label'))
      .toBe('success against cumulative cost, labels and human seconds')
    expect(await success.getAttribute('aria-pressed')).toBe('true')
    expect(await plot.textContent()).toContain('success (%)')
    expect(await page.getByTestId('compare-band-note').textContent()).toContain('the mean success over the seeds')
    expect(await page.getByTestId('compare-measure-coverage').count()).toBe(0) // reacher-arm has no coverage
    await screenshot(page, 'compare-success')

    expect(await shownErrors(page)).toEqual([])
    expect(errors).toEqual([])
    await page.close()
  })
})
