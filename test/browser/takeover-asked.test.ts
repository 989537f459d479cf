// The robot asks for a takeover in Chromium: a person's ThriftyDAgger session started from the Takeover view on
// reacher-arm. A fresh learner asks at once: the page shows the banner (and beeps); the virtual pad holds RB and
// pushes the stick, and the steps held are the session's labels ('intervention', the pad's action, cost C each);
// the Sessions view then shows the person model fitted to them beside the measured cost ratio.
import { describe, expect, it } from 'vitest'
import { openWorkspace } from '../../src/main/store'
import { fromBlob } from '../../src/main/store/codec'
import { taskInfo } from '../../src/main/sim/registry'
import { useWorkbenchPage } from './helpers/use-page'
import { setAxes, setButton } from './support/virtual-gamepad'
import { screenshot, shownErrors } from './support/workbench'

const wb = useWorkbenchPage()
const BUDGET = 6

describe('Takeover view with ThriftyDAgger', () => {
  it('asks the person to take over, and the steps they hold become its labels', async () => {
    const { page, errors } = await wb.open('takeover')
    await page.getByTestId('takeover-task').selectOption('reacher-arm')
    await page.getByTestId('takeover-algo').selectOption('thrifty-dagger')
    await page.getByTestId('takeover-budget').fill(String(BUDGET))
    await page.getByTestId('takeover-cost-ratio').fill('1')
    await page.getByTestId('takeover-start').click()

    // nobody holds the button: the robot asks (a fresh learner knows nothing yet), with a beep and a banner
    const banner = page.getByTestId('takeover-asked')
    await expect.poll(() => banner.isVisible(), { timeout: 90_000 }).toBe(true)
    expect(Number(await banner.getAttribute('data-beeps'))).toBeGreaterThanOrEqual(1)
    await screenshot(page, 'takeover-asked')

    await setAxes(page, { 0: 0.8, 1: -0.6 })
    await setButton(page, 5, 1)
    await expect
      .poll(() => page.getByTestId('takeover-session').textContent(), { timeout: 60_000 })
      .toContain('finished')
    await setButton(page, 5, 0)
    await setAxes(page, { 0: 0, 1: 0 })
    expect(await shownErrors(page)).toEqual([])

    let sessionId = 0
    const ws = openWorkspace(wb.db, { readonly: true })
    try {
      const [session] = ws.listSessions()
      sessionId = session.id
      expect(session).toMatchObject({ algo: 'thrifty-dagger', oracle: 'human', labels: BUDGET, status: 'finished' })
      const labels = ws.db
        .prepare('SELECT source, cost, action, human_seconds FROM labels WHERE session_id = ? ORDER BY id')
        .all(session.id) as { source: string; cost: number; action: Buffer; human_seconds: number }[]
      expect(labels.map((l) => l.source)).toEqual(new Array(BUDGET).fill('intervention'))
      expect(labels.every((l) => l.cost === 1 && l.human_seconds > 0)).toBe(true)
      // the pad's stick drove: every label pushes the way the stick did
      const task = taskInfo('reacher-arm')
      for (const l of labels) {
        const a = fromBlob(l.action)
        expect(a.length).toBe(task.actDim)
        expect(a.some((v) => Math.abs(v) > 0.1)).toBe(true)
      }
      // the robot turned to the person: at least one context switch, none of them a frozen query
      expect(ws.db.prepare('SELECT count(*) FROM queries WHERE session_id = ?').pluck().get(session.id)).toBe(0)
    } finally {
      ws.close()
    }

    // the Sessions view shows the person model fitted to those labels beside the measured cost ratio
    await page.getByTestId('tab-sessions').click()
    await page.getByTestId('session-task').selectOption('reacher-arm')
    await page.getByTestId('session-algo').selectOption('stagger')
    const model = page.getByTestId('person-model')
    await expect.poll(() => model.textContent(), { timeout: 30_000 }).toContain(`${BUDGET} labels against the expert`)
    expect(await model.getAttribute('title')).toMatch(/^person:noise=/)
    await screenshot(page, 'sessions-person-model')

    // and the Compare view counts the session's context switches (the takeover it asked for)
    await page.getByTestId('tab-compare').click()
    await expect
      .poll(async () => Number(await page.getByTestId(`compare-switches-${sessionId}`).textContent()), {
        timeout: 30_000,
      })
      .toBeGreaterThanOrEqual(1)
    expect(errors).toEqual([])
    await page.close()
  }, 180_000)
})
