// An algorithm's parameters in the Sessions form: inputs generated from its descriptor's schema (shared/algorithms.ts
// through shared/algo-form.ts), a bad value named in one line before anything is sent, and the stored session holding
// exactly the parameters typed, its defaults filled; the table names them in the algorithm's label.
import { describe, expect, it } from 'vitest'
import { connectInProcess } from '../../src/main/api/in-process'
import { useWorkbenchPage } from './helpers/use-page'
import { shownErrors } from './support/workbench'

const wb = useWorkbenchPage()

describe("an algorithm's parameters in the Sessions form", () => {
  it("shows each algorithm's parameters from its schema and stores what was typed", async () => {
    const { page, errors } = await wb.open('sessions')
    await page.getByTestId('session-task').selectOption('reacher-arm')
    // an ensemble's parameters, each with its default
    await page.getByTestId('session-algo').selectOption('ensemble-dagger')
    expect(await page.getByTestId('algo-param-members').inputValue()).toBe('5')
    expect(await page.getByTestId('algo-param-spread').inputValue()).toBe('0.02')
    expect(await page.getByTestId('algo-param-safety').inputValue()).toBe('0.1')
    // DAgger's states per rollout: unset by default (every visited state)
    await page.getByTestId('session-algo').selectOption('dagger')
    await expect.poll(() => page.getByTestId('algo-param-members').count()).toBe(0)
    const states = page.getByTestId('algo-param-states')
    expect(await states.inputValue()).toBe('')
    await page.getByTestId('session-budget').fill('20')
    await page.getByTestId('session-eval-every').fill('10')
    await page.getByTestId('session-eval-episodes').fill('1')

    // a bad value: one line in the form, and Start refuses it without asking the server
    await states.fill('0')
    const error = page.getByTestId('algo-error')
    await expect.poll(() => error.textContent()).toContain('dagger: states: Too small')
    await page.getByTestId('session-start').click()
    await expect.poll(() => shownErrors(page)).toHaveLength(1)
    await page.getByTestId('errors').getByRole('button', { name: 'dismiss' }).click()
    expect(await page.getByTestId('session-table').count()).toBe(0)

    await states.fill('3')
    await expect.poll(() => error.count()).toBe(0)
    await page.getByTestId('session-start').click()
    const row = page.getByTestId('session-1')
    await expect.poll(() => row.getAttribute('data-status'), { timeout: 90_000, interval: 500 }).toBe('finished')
    expect(await row.textContent()).toContain('dagger:m=3')

    const api = connectInProcess(wb.served.workbench.handlers)
    try {
      const [stored] = await api.call('sessions.list', {})
      expect(stored).toMatchObject({ id: 1, algo: 'dagger', algoParams: { states: 3 }, status: 'finished' })
    } finally {
      api.close()
    }
    expect(await shownErrors(page)).toEqual([])
    expect(errors).toEqual([])
    await page.close()
  })
})
