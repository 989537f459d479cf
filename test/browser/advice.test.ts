// The Advice panel in the Sessions view: with expert curves stored in the workspace (constructed through the
// store's APIs), asking at two cost ratios gives the algorithm with the least cost to the target at each, the
// explanation and the curves behind it; with no curves stored it says how to make them. With no person model
// fitted to this workspace's labels, "Answered by: you" cannot be chosen and says why.
import { describe, expect, it } from 'vitest'
import { sessionConfig } from '../../src/shared/session-config'
import { ADVICE_FRACTION } from '../../src/main/learn/advice'
import { openWorkspace } from '../../src/main/store'
import { useWorkbenchPage } from './helpers/use-page'
import { screenshot, shownErrors } from './support/workbench'
import { waitFor } from '../wait-for'

const wb = useWorkbenchPage()

// Curves rising linearly from START by RISE over the cost (labels) named, then flat: BC and WARM-STAGGER by cost,
// STAGGER by queries (its cost is queries x C).
const START = -100
const RISE = 90
const BC_COST = 40
const STAGGER_QUERIES = 15
const WARM_COST = 50

function storeCurves(file: string): void {
  const ws = openWorkspace(file)
  try {
    const add = (algo: 'bc' | 'stagger' | 'warm-stagger', c: number, perLabel: number, reach: number): void => {
      const log = ws.createSession(
        sessionConfig({ taskId: 'reacher-arm', algo, costRatio: c, budget: 80, evalEvery: 5, evalEpisodes: 2 }),
      )
      for (let cost = 0; cost <= 80; cost += 5 * perLabel) {
        const r = START + RISE * Math.min(1, cost / reach)
        log.addEvaluation({ labels: Math.round(cost / perLabel), cost, humanSeconds: 0, returns: [r, r] })
      }
      log.setStatus('finished')
    }
    add('bc', 1, 1, BC_COST)
    for (const c of [1, 4]) {
      add('stagger', c, c, STAGGER_QUERIES * c)
      add('warm-stagger', c, (1 + c) / 2, WARM_COST)
    }
  } finally {
    ws.close()
  }
}

describe('Advice panel', () => {
  it('advises from stored curves at two cost ratios and shows the curves', async () => {
    const { page, errors } = await wb.open('sessions')
    // Nothing stored yet: the panel says how to run the curves.
    await page.getByTestId('advice-task').selectOption('reacher-arm')
    await expect.poll(() => page.getByTestId('advice-oracle-reason').textContent()).toContain('no model')
    const who = page.getByTestId('advice-oracle')
    expect(await who.inputValue()).toBe('expert')
    expect(await who.locator('option[value="person"]').isDisabled()).toBe(true)
    await page.getByTestId('advice-ask').click()
    await page.getByTestId('advice-none').waitFor({ timeout: 30_000 })

    storeCurves(wb.db)
    const choice = page.getByTestId('advice-choice')
    const ask = async (c: number): Promise<string> => {
      const before = (await choice.count()) ? await choice.textContent() : null
      await page.getByTestId('advice-cost-ratio').fill(String(c))
      await page.getByTestId('advice-ask').click()
      await waitFor(async () => (await choice.count()) > 0 && (await choice.textContent()) !== before, {
        timeoutMs: 60_000,
        message: `the advice at C = ${c}`,
      })
      return (await choice.getAttribute('data-choice'))!
    }
    // The cost to the target (ADVICE_FRACTION of the rise) of each, from the constructed curves.
    const costs = (c: number): [string, number][] => [
      ['bc', ADVICE_FRACTION * BC_COST],
      ['stagger', ADVICE_FRACTION * STAGGER_QUERIES * c],
      ['warm-stagger:0.5', ADVICE_FRACTION * WARM_COST],
    ]
    const least = (c: number): string => costs(c).reduce((a, b) => (b[1] < a[1] ? b : a))[0]
    expect(await ask(1)).toBe(least(1))
    expect(await page.getByTestId('advice-explanation').textContent()).toContain('C < R/mu')
    expect(await page.getByTestId('advice-plot').locator('svg path, svg polyline').count()).toBeGreaterThan(0)
    await screenshot(page, 'advice')
    expect(await ask(4)).toBe(least(4))
    expect(least(1)).not.toBe(least(4))
    expect(await shownErrors(page)).toEqual([])
    expect(errors).toEqual([])
    await page.close()
  }, 120_000)
})
