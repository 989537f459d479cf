// Teleoperation in Chromium against the real browser mode: drive the reacher arm with the virtual gamepad while
// recording, keep the demonstration, and find it (with the pad's actions) in the SQLite workspace.
import { describe, expect, it } from 'vitest'
import { openWorkspace } from '../../src/main/store'
import { useWorkbenchPage } from './helpers/use-page'
import { setAxes, setButton } from './support/virtual-gamepad'
import { screenshot, shownErrors, waitForFrames } from './support/workbench'
import { waitFor } from '../wait-for'

const wb = useWorkbenchPage()

describe('Teleop view', () => {
  it('records a demonstration driven by the virtual gamepad and the store holds it', async () => {
    const { page, errors } = await wb.open('teleop')
    const record = page.getByTestId('record-start')
    await expect.poll(() => record.isEnabled(), { timeout: 60_000 }).toBe(true)
    await expect.poll(() => page.getByTestId('input-source').textContent()).toContain('Virtual pad')

    // Without the hold-to-act bumper the stick does nothing.
    await setAxes(page, { 0: 0.9, 1: -0.6 })
    const leftStick = page.getByRole('img', { name: /^left stick/ })
    // the page saw the stick (gamepad.js polls once per animation frame: a few per second in software GL)
    await expect.poll(() => leftStick.getAttribute('aria-label'), { timeout: 30_000 }).not.toContain('x 0.00')
    expect(await page.getByTestId('deadman').getAttribute('data-held')).toBe('false')

    await record.click()
    await page.getByTestId('recording-badge').waitFor()
    await setButton(page, 5, 1)
    await expect.poll(() => page.getByTestId('deadman').getAttribute('data-held'), { timeout: 30_000 }).toBe('true')
    await waitFor(
      async () => {
        if (await page.getByTestId('record-keep').isVisible()) return true // the episode ended by itself
        const [badge] = await page.getByTestId('recording-badge').allTextContents()
        return Number(/\d+/.exec(badge ?? '')?.[0] ?? 0) >= 30
      },
      { timeoutMs: 60_000, intervalMs: 50, message: '30 recorded steps' },
    )
    await screenshot(page, 'teleop')
    await setButton(page, 5, 0)
    await setAxes(page, { 0: 0, 1: 0 })

    // The episode may have ended by itself (goal or horizon): then keep / discard is already offered.
    const stop = page.getByTestId('record-stop')
    if (await stop.isVisible()) await stop.click({ timeout: 5000 }).catch(() => undefined)
    await page.getByTestId('record-keep').click()
    const kept = await page.getByTestId('kept').textContent()
    const episodeId = Number(/#(\d+)/.exec(kept ?? '')?.[1])
    expect(episodeId).toBeGreaterThan(0)
    await expect.poll(() => page.getByTestId('demo-list').textContent()).toContain(`#${episodeId}`)
    expect(await shownErrors(page)).toEqual([])

    // replay it from the stored states
    await page
      .getByTestId('demo-list')
      .locator('li', { hasText: `#${episodeId}` })
      .getByRole('button', { name: /replay/ })
      .click()
    await page.getByText(`REPLAY demo #${episodeId}`).waitFor()
    await waitFor(
      async () => {
        const [badge] = await page.getByText(`REPLAY demo #${episodeId}`).allTextContents()
        const m = /step (\d+)\/(\d+)/.exec(badge ?? '')
        return m !== null && Number(m[1]) >= Math.min(10, Number(m[2]))
      },
      { timeoutMs: 30_000, intervalMs: 50, message: 'ten replayed steps' },
    )
    await screenshot(page, 'teleop-replay')

    // the replay's timeline: pause, scrub to the middle, one step forward; the scene shows that stored step
    const timeline = page.getByTestId('replay-timeline')
    if ((await timeline.getAttribute('data-playing')) === 'true') await page.getByTestId('timeline-play').click()
    await expect.poll(() => timeline.getAttribute('data-playing')).toBe('false')
    const scrub = page.getByTestId('timeline-scrub')
    const last = Number(await scrub.getAttribute('max'))
    const middle = Math.floor(last / 2)
    const replayBadge = page.getByText(`REPLAY demo #${episodeId}`)
    const scene = page.getByTestId('scene-view')
    await scrub.fill('0')
    await expect.poll(() => replayBadge.textContent()).toContain(`step 1/${last + 1}`)
    const firstStep = Number(await scene.getAttribute('data-step'))
    await scrub.fill(String(middle))
    await expect.poll(() => replayBadge.textContent()).toContain(`step ${middle + 1}/${last + 1}`)
    await expect
      .poll(() => page.getByTestId('timeline-readout').textContent())
      .toContain(`step ${middle + 1} / ${last + 1}`)
    expect(Number(await scene.getAttribute('data-step'))).toBe(firstStep + middle)
    await page.getByRole('button', { name: 'demonstration replay: one step forward' }).click()
    await expect.poll(() => scene.getAttribute('data-step')).toBe(String(firstStep + middle + 1))
    // slow motion is offered, and playing on from here moves forward (and never back)
    await page.getByTestId('timeline-speed').selectOption('0.1')
    await page.getByTestId('timeline-play').click()
    await expect.poll(() => timeline.getAttribute('data-playing')).toBe('true')
    await expect
      .poll(async () => Number(await timeline.getAttribute('data-step')), { timeout: 30_000 })
      .toBeGreaterThan(middle + 1)
    await page.getByRole('button', { name: 'back to live' }).click()

    // pause, then scrub back through the recent states (MuJoCo simulate's history); the live episode may have
    // reached its time limit meanwhile and wait for the first input: drive a few steps of it first
    await expect.poll(() => page.getByTestId('pause').isEnabled()).toBe(true)
    const pause = page.getByTestId('pause')
    if ((await pause.textContent())?.includes('Resume')) await pause.click()
    const liveStep = async (): Promise<number> =>
      Number(/step (\d+)/.exec((await page.getByTestId('time-limit').textContent()) ?? '')?.[1] ?? 0)
    const from = await liveStep()
    await setButton(page, 5, 1)
    await setAxes(page, { 0: 0.3 })
    await expect.poll(liveStep, { timeout: 30_000 }).not.toBe(from)
    await expect.poll(liveStep, { timeout: 30_000 }).toBeGreaterThan(3)
    await setButton(page, 5, 0)
    await setAxes(page, { 0: 0 })
    await pause.click()
    await expect.poll(() => pause.textContent()).toContain('Resume')
    const scrubber = page.getByRole('slider', { name: 'scrub through recent states' })
    const [min, max] = [Number(await scrubber.getAttribute('min')), Number(await scrubber.getAttribute('max'))]
    expect(max).toBeGreaterThan(min)
    const target = Math.floor((min + max) / 2)
    await scrubber.fill(String(target))
    await expect.poll(() => page.getByText(/^step \d+$/).textContent()).toBe(`step ${target}`)
    expect(await shownErrors(page)).toEqual([])

    const ws = openWorkspace(wb.db, { readonly: true })
    try {
      const info = ws.episodeInfo(episodeId)
      expect(info).toMatchObject({ taskId: 'reacher-arm', kind: 'demonstration', complete: true })
      expect(info.steps).toBeGreaterThan(5)
      const episode = ws.loadEpisode(episodeId)
      expect(episode.steps.length).toBe(info.steps)
      // the pad pushed the fingertip right and forward while the bumper was held
      const pushed = episode.steps.filter((s) => s.action[0] > 0.5 && s.action[1] > 0.3)
      expect(pushed.length).toBeGreaterThan(3)
      expect(episode.steps.every((s) => s.source === 'demonstration')).toBe(true)
    } finally {
      ws.close()
    }
    expect(errors).toEqual([])
    await page.close()
  })

  it('starts a reset cartpole on the first input, and keeps the operator named in the page with the demonstration', async () => {
    const { page, errors } = await wb.open('teleop')
    await expect.poll(() => page.getByTestId('record-start').isEnabled(), { timeout: 60_000 }).toBe(true)
    await page.getByTestId('teleop-task').selectOption('cartpole')
    await expect.poll(() => page.getByTestId('record-start').isEnabled(), { timeout: 60_000 }).toBe(true)
    await page.getByTestId('operator-name').fill('Ada')

    // start on first input: after Reset nothing moves until the person holds to act and pushes
    await page.getByTestId('start-on-input').check()
    await page.getByRole('button', { name: '⟲ Reset' }).click()
    await page.getByTestId('waiting-for-input').waitFor({ timeout: 30_000 })
    const limit = page.getByTestId('time-limit')
    expect(await limit.textContent()).toMatch(/step 0 \//)
    await page.getByTestId('record-start').click()
    await waitForFrames(page, 5) // frames are drawn, and still the episode has not begun
    expect(await limit.textContent()).toMatch(/step 0 \//)
    await setButton(page, 5, 1)
    await setAxes(page, { 0: 0.3 })
    await expect.poll(() => page.getByTestId('waiting-for-input').count(), { timeout: 30_000 }).toBe(0)
    await expect
      .poll(async () => Number(/step (\d+)/.exec((await limit.textContent()) ?? '')?.[1] ?? 0), { timeout: 30_000 })
      .toBeGreaterThan(3)
    await setButton(page, 5, 0)
    await setAxes(page, { 0: 0 })
    const stop = page.getByTestId('record-stop')
    if (await stop.isVisible()) await stop.click({ timeout: 5000 }).catch(() => undefined)
    await page.getByTestId('record-keep').click()
    const episodeId = Number(/#(\d+)/.exec((await page.getByTestId('kept').textContent()) ?? '')?.[1])
    expect(episodeId).toBeGreaterThan(0)

    // the name is remembered by the page
    await page.reload()
    await expect.poll(() => page.getByTestId('operator-name').inputValue(), { timeout: 30_000 }).toBe('Ada')
    expect(await page.getByTestId('start-on-input').isChecked()).toBe(true)
    expect(await shownErrors(page)).toEqual([])
    expect(errors).toEqual([])
    await page.close()

    const ws = openWorkspace(wb.db, { readonly: true })
    try {
      const row = ws.db.prepare('SELECT operator, task_id FROM episodes WHERE id = ?').get(episodeId)
      expect(row).toEqual({ operator: 'Ada', task_id: 'cartpole' })
    } finally {
      ws.close()
    }
  })
})
