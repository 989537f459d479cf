// Nothing cut off, nothing unreadable (issue 27, item 19), in Chromium against the real browser mode: the pad's
// name whole, 'fingertip left / right' whole above its bar, the frame-rate label on its own dark pill (readable on
// a light floor), and a running job's Cancel in sight whatever its message.
import { describe, expect, it } from 'vitest'
import { useWorkbenchPage } from './helpers/use-page'
import { shownErrors } from './support/workbench'

const wb = useWorkbenchPage()

/** WCAG contrast of two CSS rgb() colours. */
function contrast(a: string, b: string): number {
  const lum = (c: string): number => {
    const [r, g, bl] = (c.match(/[\d.]+/g) ?? []).slice(0, 3).map((v) => {
      const s = Number(v) / 255
      return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4
    })
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl
  }
  const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x)
  return (hi + 0.05) / (lo + 0.05)
}

describe('text on the page', () => {
  it(
    'is whole and readable: the pad name, action names, the frame rate, a job and its Cancel',
    { timeout: 180_000 },
    async () => {
      const { page, errors } = await wb.open('teleop')
      await page.getByTestId('teleop-task').selectOption('reacher-arm')
      // the pad's name, whole (it wraps rather than being cut)
      const source = page.getByTestId('input-source')
      await expect.poll(() => source.textContent(), { timeout: 30_000 }).toContain('Product: 0000)')
      expect(await source.evaluate((e) => e.scrollWidth <= e.clientWidth + 1)).toBe(true)
      // each action's name whole inside its bar's drawing
      const bars = page.locator('svg.action-bars').first()
      await expect
        .poll(() => bars.locator('text').allTextContents(), { timeout: 30_000 })
        .toEqual(['fingertip left / right', 'fingertip forward / back'])
      const overflow = await bars.evaluate((svg) => {
        const width = (svg as SVGSVGElement).viewBox.baseVal.width
        return [...svg.querySelectorAll('text')].map((t) => t.getBBox().x + t.getBBox().width - width)
      })
      for (const o of overflow) expect(o).toBeLessThanOrEqual(0)
      // the frame rate on its own opaque pill: readable whatever floor is behind it
      const fps = page.locator('.scene-fps').first()
      const [color, background] = await fps.evaluate((e) => {
        const s = getComputedStyle(e)
        return [s.color, s.backgroundColor]
      })
      expect(background).not.toMatch(/rgba\(.*, 0\)|transparent/)
      expect(contrast(color, background)).toBeGreaterThan(4.5)

      // a running job: its Cancel inside the window, its message giving way (ellipsis)
      await page.getByTestId('tab-sessions').click()
      await page.getByTestId('session-task').selectOption('reacher-arm')
      await page.getByTestId('session-algo').selectOption('bc')
      await page.getByTestId('session-budget').fill('100000')
      await page.getByTestId('session-start').click()
      const job = page.getByTestId('job').first()
      const cancel = job.getByRole('button', { name: 'Cancel' })
      await cancel.waitFor({ timeout: 60_000 })
      const [right, viewport] = await cancel.evaluate((b) => [b.getBoundingClientRect().right, window.innerWidth])
      expect(right).toBeLessThanOrEqual(viewport)
      expect(await job.locator('.msg').evaluate((m) => getComputedStyle(m).textOverflow)).toBe('ellipsis')
      await cancel.click()
      expect(await shownErrors(page)).toEqual([])
      expect(errors).toEqual([])
      await page.close()
    },
  )
})
