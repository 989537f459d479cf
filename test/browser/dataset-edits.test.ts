// Editing that cannot destroy, in the Datasets view in Chromium against the real browser mode: five cartpole
// demonstrations recorded with MuJoCo, one of them mostly idle (flagged as an outlier in the list); the page trims
// an episode's start and end at the replay's cursor, marks a range bad, undoes the mark, and purges the replaced
// versions after a confirmation. After each step the stored versions are checked in the SQLite file itself.
import { beforeAll, describe, expect, it } from 'vitest'
import { listEdits, openWorkspace, type Workspace } from '../../src/main/store'
import { dump } from '../unit/store/edit-helpers'
import { useWorkbenchPage } from './helpers/use-page'
import { recordCartpoleDemos } from './support/demonstrations'
import { screenshot, shownErrors } from './support/workbench'

const ids: number[] = []
const LENGTH = 60
/** steps without input at the start of each demonstration; the last one idles most of the time */
const IDLE = [0, 1, 2, 3, 45]
const wb = useWorkbenchPage()

beforeAll(async () => {
  const actions = IDLE.map((idle) => (i: number) => (i < idle ? 0 : 0.3 + 0.5 * Math.sin(i / 6)))
  ids.push(...(await recordCartpoleDemos(wb.db, LENGTH, actions)))
})

function stored<T>(read: (ws: Workspace) => T): T {
  const ws = openWorkspace(wb.db, { readonly: true })
  try {
    return read(ws)
  } finally {
    ws.close()
  }
}
const row = (ws: Workspace, id: number) =>
  ws.db.prepare('SELECT steps, replaced, version_of FROM episodes WHERE id = ?').get(id) as
    { steps: number; replaced: number; version_of: number | null } | undefined

describe('editing in the Datasets view', () => {
  it('trims, marks bad, undoes and purges; every edit a stored version, the old kept until purged', async () => {
    const { page, errors } = await wb.open('datasets')
    await page.getByTestId('datasets-task').selectOption('cartpole')
    const rows = page.getByTestId('datasets-episodes').locator('tbody tr')
    await expect.poll(() => rows.count(), { timeout: 30_000 }).toBe(5)
    // the idle one is an outlier in idle time, the others are not
    const idleCell = (id: number) => page.locator(`tr[data-episode="${id}"] [data-testid="datasets-idle"]`)
    await expect.poll(() => idleCell(ids[4]).getAttribute('class'), { timeout: 30_000 }).toContain('outlier')
    expect(await idleCell(ids[0]).getAttribute('class')).not.toContain('outlier')
    await screenshot(page, 'dataset-edits-list')

    const scrub = page.getByTestId('timeline-scrub')
    const scene = page.getByTestId('scene-view')
    const at = async (stepIndex: number) => {
      await scrub.fill(String(stepIndex))
      await expect.poll(() => scene.getAttribute('data-step')).toBe(String(stepIndex))
    }
    const shownId = async () =>
      Number((await page.getByTestId('datasets-step').textContent())!.match(/episode #(\d+)/)![1])
    /** the episode the viewer replays once it is no longer `before`, checked to have `steps` steps */
    const nowShown = async (steps: number, before?: number) => {
      await expect.poll(shownId, { timeout: 30_000 }).not.toBe(before)
      await expect.poll(() => scrub.getAttribute('max'), { timeout: 30_000 }).toBe(String(steps - 1))
      return shownId()
    }

    // trim the start at step 10 (shown 11): a new version of 50 steps, the old one kept and replaced
    await page.getByRole('button', { name: `view episode ${ids[0]}` }).click()
    await nowShown(LENGTH)
    await at(10)
    await page.getByRole('button', { name: 'trim start here' }).click()
    const first = await nowShown(LENGTH - 10, ids[0])
    stored((ws) => {
      expect(row(ws, ids[0])).toEqual({ steps: LENGTH, replaced: 1, version_of: null })
      expect(row(ws, first)).toEqual({ steps: LENGTH - 10, replaced: 0, version_of: ids[0] })
      expect(Array.from(ws.loadEpisode(first).steps[0].state)).toEqual(
        Array.from(ws.loadEpisode(ids[0]).steps[10].state),
      )
    })
    await expect.poll(() => rows.count()).toBe(5) // the old version left the list, the new one came in

    // trim its end after step 20 (shown 21): 21 steps
    await at(20)
    await page.getByRole('button', { name: 'trim end here' }).click()
    const second = await nowShown(21, first)
    stored((ws) => expect(row(ws, second)).toEqual({ steps: 21, replaced: 0, version_of: first }))

    // mark steps 3..5 bad, then undo it: the tables are as they were before, byte for byte
    const beforeMark = stored(dump)
    await page.getByRole('spinbutton', { name: 'bad from step' }).fill('3')
    await page.getByRole('spinbutton', { name: 'bad to step' }).fill('5')
    await page.getByRole('button', { name: 'mark bad' }).click()
    const marked = await nowShown(21, second)
    stored((ws) =>
      expect(
        ws
          .loadEpisode(marked)
          .steps.filter((s) => s.bad)
          .map((s) => s.index),
      ).toEqual([2, 3, 4]),
    )
    await expect.poll(() => page.getByText('marked bad (1 = bad)').count()).toBe(1)
    await screenshot(page, 'dataset-edits-marked-bad')
    await page.getByTestId('datasets-undo').click()
    await expect.poll(() => page.getByTestId('datasets-note').textContent()).toContain('undid the mark-bad')
    expect(stored(dump)).toBe(beforeMark)
    stored((ws) => expect(listEdits(ws).map((e) => e.kind)).toEqual(['trim', 'trim']))

    // purge: first what it would remove, then only on confirmation
    await page.getByTestId('datasets-purge').click()
    const offer = page.getByTestId('datasets-purge-offer')
    await expect.poll(() => offer.textContent()).toContain('Remove 2 replaced version(s)')
    await screenshot(page, 'dataset-edits-purge-offer')
    expect(stored(dump)).toBe(beforeMark)
    await page.getByTestId('datasets-purge-confirm').click()
    await expect.poll(() => page.getByTestId('datasets-note').textContent()).toContain('purged 2 replaced version(s)')
    stored((ws) => {
      expect(row(ws, ids[0])).toBeUndefined()
      expect(row(ws, first)).toBeUndefined()
      expect(row(ws, second)).toEqual({ steps: 21, replaced: 0, version_of: null })
      expect(listEdits(ws)).toEqual([])
      for (const id of ids.slice(1)) expect(row(ws, id)).toEqual({ steps: LENGTH, replaced: 0, version_of: null })
    })
    await expect.poll(() => page.getByTestId('datasets-undo').isDisabled()).toBe(true)
    await screenshot(page, 'dataset-edits-purged')
    expect(await shownErrors(page)).toEqual([])
    expect(errors).toEqual([])
  })
})
