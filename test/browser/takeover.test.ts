// Takeover in Chromium: a person's takeover session (hg-dagger) on reacher-arm. The learner drives live; the
// virtual pad holds RB and pushes the left stick, the page shows that the person drives, and the store holds
// 'intervention' labels with the pad's action, their cost C and the held seconds; the episode log is plotted.
import { describe, expect, it } from 'vitest'
import { openWorkspace } from '../../src/main/store'
import { fromBlob } from '../../src/main/store/codec'
import { taskInfo } from '../../src/main/sim/registry'
import { useWorkbenchPage } from './helpers/use-page'
import { setAxes, setButton } from './support/virtual-gamepad'
import { screenshot, shownErrors, waitForFrames } from './support/workbench'
import { waitFor } from '../wait-for'

const wb = useWorkbenchPage()

const BUDGET = 20
const C = 2

describe('Takeover view', () => {
  it('records intervention labels while the virtual pad holds the bumper', async () => {
    const { page, errors } = await wb.open('takeover')
    await page.getByTestId('takeover-task').selectOption('reacher-arm')
    await page.getByTestId('takeover-budget').fill(String(BUDGET))
    await page.getByTestId('takeover-cost-ratio').fill(String(C))
    await page.getByTestId('takeover-start').click()

    // The learner drives: live steps arrive and are drawn; nobody holds the button.
    const deadman = page.getByTestId('takeover-deadman')
    await waitFor(async () => (await page.getByTestId('takeover-episode').textContent())?.trim() === '1', {
      timeoutMs: 60_000,
      message: 'the first live episode',
    })
    await waitForFrames(page, 3)
    expect(await deadman.getAttribute('data-driving')).toBe('false')
    expect(await page.getByTestId('takeover-labels').textContent()).toContain('0 (cost 0')

    // Hold RB and push the left stick: the session registers the takeover and the person drives.
    await setAxes(page, { 0: 0.8, 1: -0.6 })
    await setButton(page, 5, 1)
    await waitFor(async () => (await deadman.getAttribute('data-driving')) === 'true', {
      timeoutMs: 30_000,
      intervalMs: 20,
      message: 'the takeover to register',
    })
    await screenshot(page, 'takeover-driving')
    const row = () => openWorkspace(wb.db, { readonly: true })
    await waitFor(
      () => {
        const ws = row()
        try {
          return ws.listSessions()[0]?.status === 'finished'
        } finally {
          ws.close()
        }
      },
      { timeoutMs: 60_000, intervalMs: 100, message: 'the budget to be spent' },
    )
    await setButton(page, 5, 0)
    await setAxes(page, { 0: 0, 1: 0 })
    await waitFor(async () => Number(await page.getByTestId('takeover-plot').getAttribute('data-episodes')) >= 1, {
      timeoutMs: 30_000,
      message: 'the episode plot',
    })
    await screenshot(page, 'takeover-finished')
    expect(await shownErrors(page)).toEqual([])

    const ws = openWorkspace(wb.db, { readonly: true })
    try {
      const [session] = ws.listSessions()
      expect(session).toMatchObject({ algo: 'hg-dagger', oracle: 'human', labels: BUDGET / C, status: 'finished' })
      const labels = ws.db
        // the learner's own steps (source 'policy', cost 0) are kept beside the person's: their labels alone here
        .prepare(
          "SELECT source, cost, action, human_seconds FROM labels WHERE session_id = ? AND source <> 'policy' ORDER BY id",
        )
        .all(session.id) as {
        source: string
        cost: number
        action: Buffer
        human_seconds: number
      }[]
      expect(labels.map((l) => l.source)).toEqual(new Array(BUDGET / C).fill('intervention'))
      expect(labels.every((l) => l.cost === C && l.human_seconds > 0)).toBe(true)
      // the pad's stick, not the learner's action: every label pushes the way the stick did (non-zero)
      const task = taskInfo('reacher-arm')
      for (const l of labels) {
        const a = fromBlob(l.action)
        expect(a.length).toBe(task.actDim)
        expect(a.some((v) => Math.abs(v) > 0.1)).toBe(true)
      }
      expect(session.humanSeconds).toBeGreaterThan(0)
    } finally {
      ws.close()
    }
    expect(errors).toEqual([])
    await page.close()
  }, 150_000)

  it('says it is starting, counts RB held from the first shown step, and runs until the person ends it', async () => {
    const { page, errors } = await wb.open('takeover')
    await page.getByTestId('takeover-task').selectOption('reacher-arm')
    await page.getByTestId('takeover-budget').fill('6')
    await page.getByTestId('takeover-cost-ratio').fill('1')
    const deadman = page.getByTestId('takeover-deadman')
    // RB held and the stick pushed before the session starts
    await setAxes(page, { 0: 0.8, 1: -0.6 })
    await setButton(page, 5, 1)
    await page.getByTestId('takeover-start').click()
    await expect.poll(() => deadman.getAttribute('data-starting')).toBe('true')
    expect(await deadman.textContent()).toContain('Starting: loading the task and the learner')
    await screenshot(page, 'takeover-starting')
    await expect.poll(() => deadman.getAttribute('data-starting'), { timeout: 60_000 }).toBe('false')
    const id = Number(/^(\d+)/.exec((await page.getByTestId('takeover-session').textContent()) ?? '')?.[1])
    await expect
      .poll(() => page.getByTestId('takeover-session').textContent(), { timeout: 60_000 })
      .toContain('finished')
    await setButton(page, 5, 0)
    await setAxes(page, { 0: 0, 1: 0 })
    const ws = openWorkspace(wb.db, { readonly: true })
    try {
      // the first step shown was already the person's: labels from step 0 of the first episode on
      const steps = ws.db
        .prepare("SELECT step_index FROM labels WHERE session_id = ? AND source = 'intervention' ORDER BY id")
        .pluck()
        .all(id) as number[]
      expect(steps).toEqual([0, 1, 2, 3, 4, 5])
    } finally {
      ws.close()
    }

    // nobody takes over: the session runs on (no end after idle episodes) until End
    await page.getByTestId('takeover-start').click()
    await expect.poll(() => deadman.getAttribute('data-starting'), { timeout: 60_000 }).toBe('false')
    await page.getByTestId('takeover-end').click()
    await expect.poll(() => page.getByTestId('takeover-session').textContent()).toContain('cancelled')
    expect(await shownErrors(page)).toEqual([])
    expect(errors).toEqual([])
    await page.close()
  }, 150_000)
})
