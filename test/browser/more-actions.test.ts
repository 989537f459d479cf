// A model with more actions than the sticks and triggers (issue 27, item 14), added through the page and driven
// with the virtual pad: the d-pad drives its sixth action (before, nothing did), and the legend says which input
// drives which action and which actions no input is left for. Ten unnamed motors, compiled by real MuJoCo.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { useWorkbenchPage } from './helpers/use-page'
import { setButton } from './support/virtual-gamepad'
import { screenshot, shownErrors } from './support/workbench'

const wb = useWorkbenchPage()
const dir = mkdtempSync(join(tmpdir(), 'iwb-ten-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const TEN = `<mujoco><worldbody>${Array.from(
  { length: 10 },
  (_, i) => `<body pos="0.05 0 0"><joint name="h${i}" type="hinge" axis="0 0 1"/><geom type="sphere" size="0.02"/>`,
).join('')}${'</body>'.repeat(10)}</worldbody><actuator>${Array.from(
  { length: 10 },
  (_, i) => `<motor joint="h${i}" ctrlrange="-1 1"/>`,
).join('')}</actuator></mujoco>`

describe('a model with ten actions', () => {
  it(
    'gets the d-pad and the stick clicks, and the legend names what each input drives',
    { timeout: 180_000 },
    async () => {
      writeFileSync(join(dir, 'task.json'), JSON.stringify({ id: 'ten-motors', model: 'ten.xml' }))
      writeFileSync(join(dir, 'ten.xml'), TEN)
      const { page, errors } = await wb.open('teleop')
      await page.getByTestId('add-task-input').setInputFiles(dir)
      await expect
        .poll(() => page.getByTestId('add-task-done').textContent(), { timeout: 60_000 })
        .toBe('added ten-motors')
      await expect.poll(() => page.getByTestId('record-start').isEnabled(), { timeout: 60_000 }).toBe(true)

      const rows = async (): Promise<string[]> =>
        (await page.locator('.legend tr').allInnerTexts()).map((r) => r.replace(/\s+/g, ' ').trim())
      await expect.poll(rows, { timeout: 30_000 }).toContain('D-pad ↑ − ↓ h5')
      const legend = await rows()
      expect(legend).toContain('RT − LT h4 (RT + / LT -)')
      expect(legend).toContain('D-pad → − ← h6')
      expect(legend).toContain('R3 − L3 (stick clicks) h7')
      expect(legend).toContain('no input left h8 (action 8) stays 0')
      expect(legend).toContain('no input left h9 (action 9) stays 0')

      // hold to act and press d-pad up: the sixth action's bar goes to the top of its range
      const bar = page.locator('svg.action-bars g').nth(5).locator('rect').last()
      await setButton(page, 5, 1)
      await setButton(page, 12, 1)
      await expect.poll(() => bar.getAttribute('width'), { timeout: 30_000 }).toBe('160')
      await screenshot(page, 'ten-actions-legend')
      await setButton(page, 12, 0)
      await setButton(page, 5, 0)
      expect(await shownErrors(page)).toEqual([])
      expect(errors).toEqual([])
      await page.close()
    },
  )
})
