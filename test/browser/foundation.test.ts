// The page in a real Chromium against the real browser mode: it connects over the WebSocket, calls app.version
// and shows the versions.
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { collectErrors } from './helpers/chromium'
import { startTestServer } from './helpers/server'
import { useWorkbenchPage } from './helpers/use-page'
import { repoRoot } from '../../src/main/server/page'

const wb = useWorkbenchPage({ start: () => startTestServer({ token: 'browser-test-token' }) })

describe('the page in Chromium', () => {
  it('connects through the WebSocket with the URL token and shows the versions from app.version', async () => {
    const page = await wb.browser.newPage({ viewport: { width: 1000, height: 700 } })
    const errors = collectErrors(page)
    await page.goto(wb.served.url)
    const versions = page.getByTestId('versions')
    await versions.waitFor({ timeout: 30_000 })
    const expected = await wb.served.workbench.handlers['app.version']!(
      {},
      { id: 't', emit: () => {}, onClose: () => {} },
    )
    expect(await page.getByTestId('version-workbench').textContent()).toBe(expected.workbench)
    expect(await page.getByTestId('version-mujoco').textContent()).toBe(expected.mujoco)
    expect(await page.getByTestId('version-sqlite').textContent()).toMatch(/^3\.\d+/)
    const shots = join(repoRoot, 'artifacts')
    mkdirSync(shots, { recursive: true })
    await page.screenshot({ path: join(shots, 'foundation-page.png') })
    expect(errors).toEqual([])
    await page.close()
  })

  it('answers a raw call from the page and reports a malformed one as an error', async () => {
    const page = await wb.browser.newPage()
    await page.goto(wb.served.url)
    const replies = await page.evaluate(async () => {
      // runs in the page; globalThis is its window
      const location = (globalThis as unknown as { location: { search: string; host: string } }).location
      const token = new URLSearchParams(location.search).get('token')
      const ws = new WebSocket(`ws://${location.host}/api?token=${token}`)
      await new Promise((r) => (ws.onopen = r))
      const ask = (raw: string): Promise<unknown> =>
        new Promise((resolve) => {
          ws.onmessage = (e) => resolve(JSON.parse(e.data as string))
          ws.send(raw)
        })
      const ok = await ask(JSON.stringify({ id: 1, method: 'tasks.list', input: {} }))
      const bad = await ask(JSON.stringify({ id: 2, method: 'tasks.list', input: { extra: true } }))
      ws.close()
      return { ok, bad }
    })
    expect(replies.ok).toMatchObject({ id: 1, result: expect.any(Array) })
    expect(replies.bad).toMatchObject({ id: 2, error: { code: 'invalid-input' } })
    await page.close()
  })

  it('is refused without the token', async () => {
    const page = await wb.browser.newPage()
    const response = await page.goto(wb.served.url.replace(/\?token=.*/, ''))
    expect(response?.status()).toBe(401)
    await page.close()
  })
})
