// The dataset viewer in Chromium against the real browser mode: three cartpole demonstrations recorded with MuJoCo
// in the workspace; the viewer lists them, its timeline (scrub, play) moves the 3D replay and the plots' marker,
// a tag is kept in the store, and deleting one episode leaves the others' steps untouched.
import { beforeAll, describe, expect, it } from 'vitest'
import { openWorkspace } from '../../src/main/store'
import { useWorkbenchPage } from './helpers/use-page'
import { recordCartpoleDemos } from './support/demonstrations'
import { screenshot, shownErrors } from './support/workbench'

const ids: number[] = []
const LENGTH = 60
const wb = useWorkbenchPage()

beforeAll(async () => {
  ids.push(
    ...(await recordCartpoleDemos(
      wb.db,
      LENGTH,
      [0, 1, 2].map(() => (i: number) => Math.sin(i / 6)),
    )),
  )
})

const stepsOf = (id: number): number => {
  const ws = openWorkspace(wb.db, { readonly: true })
  try {
    return ws.loadEpisode(id).steps.length
  } finally {
    ws.close()
  }
}

describe('dataset viewer', () => {
  it('replays an episode along its timeline, tags it, and deletes another without touching the rest', async () => {
    const { page, errors } = await wb.open('datasets')
    await page.getByTestId('datasets-task').selectOption('cartpole')
    const rows = page.getByTestId('datasets-episodes').locator('tbody tr')
    await expect.poll(() => rows.count(), { timeout: 30_000 }).toBe(3)
    await page.getByRole('button', { name: `view episode ${ids[1]}` }).click()

    const scene = page.getByTestId('scene-view')
    const scrub = page.getByTestId('timeline-scrub')
    await expect.poll(() => scrub.getAttribute('max'), { timeout: 30_000 }).toBe(String(LENGTH - 1))
    const marker = page.getByTestId('signal-marker').first()
    await scrub.fill('0')
    await expect.poll(() => scene.getAttribute('data-step')).toBe('0')
    const markerAtStart = Number(await marker.getAttribute('x1'))
    const before = await scene.screenshot()
    await scrub.fill(String(LENGTH - 1))
    await expect.poll(() => scene.getAttribute('data-step')).toBe(String(LENGTH - 1))
    await expect.poll(() => page.getByTestId('datasets-step').textContent()).toContain(`step ${LENGTH}/${LENGTH}`)
    expect(Number(await marker.getAttribute('x1'))).toBeGreaterThan(markerAtStart)
    // the pole and cart moved: the scene is drawn differently at the last step
    await expect.poll(async () => (await scene.screenshot()).equals(before), { timeout: 10_000 }).toBe(false)
    await screenshot(page, 'datasets-viewer-last-step')

    // play from the start: the replay advances by itself
    await page.getByTestId('timeline-speed').selectOption('0.25')
    await scrub.fill('0')
    await page.getByTestId('timeline-play').click()
    await expect.poll(async () => Number(await scene.getAttribute('data-step')), { timeout: 30_000 }).toBeGreaterThan(2)
    await page.getByTestId('timeline-play').click()

    await page.getByRole('textbox', { name: 'tags (comma separated)' }).fill('good,  smooth , good')
    await page.getByRole('button', { name: 'save tags' }).click()
    await expect.poll(() => rows.filter({ hasText: 'smooth' }).count()).toBe(1)
    const ws = openWorkspace(wb.db, { readonly: true })
    try {
      expect(ws.episodeTags('cartpole').get(ids[1])).toEqual(['good', 'smooth'])
    } finally {
      ws.close()
    }

    const del = page.getByRole('button', { name: `delete episode ${ids[0]}` })
    await del.click()
    await expect.poll(() => del.textContent()).toContain('confirm')
    await del.click()
    await expect.poll(() => rows.count()).toBe(2)
    expect([stepsOf(ids[1]), stepsOf(ids[2])]).toEqual([LENGTH, LENGTH])
    expect(() => stepsOf(ids[0])).toThrow(/no episode/)
    await screenshot(page, 'datasets-viewer-tagged')
    expect(await shownErrors(page)).toEqual([])
    expect(errors).toEqual([])
  })
})
