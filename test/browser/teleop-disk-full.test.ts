// The disk fills while a person records in the page: the real `iwb serve` runs under a file-size limit (`ulimit
// -f`; Node ignores SIGXFSZ, so writes past it fail with EFBIG as on a full disk), Chromium drives the Teleop view.
// The page must say at once that recording failed, and the workspace keeps the steps saved before the fault.
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ensurePageBuilt, repoRoot } from '../../src/main/server/page'
import { openWorkspace } from '../../src/main/store'
import { useWorkbenchPage, type Served } from './helpers/use-page'
import { setAxes, setButton } from './support/virtual-gamepad'
import { screenshot, shownErrors } from './support/workbench'
import { waitFor } from '../wait-for'

let file: string

// The real `iwb serve` in a child process under the file-size limit; stop() ends it by SIGTERM, close() also
// removes its folder.
async function serveUnderLimit(): Promise<Served & { stop(): Promise<void> }> {
  await ensurePageBuilt((line) => console.log(line)) // here, not in the limited child
  const dir = mkdtempSync(join(tmpdir(), 'iwb-browser-full-'))
  file = join(dir, 'workspace.db')
  openWorkspace(file).close()
  // Room for the workspace as created plus 40 KiB of write-ahead log: a recording fills it within seconds.
  const kib = Math.ceil((statSync(file).size + 40 * 1024) / 1024)
  const cmd = `ulimit -f ${kib} && exec "${process.execPath}" bin/iwb.js serve --port 0 --no-open --db "${file}"`
  const child = spawn('bash', ['-c', cmd], {
    cwd: repoRoot,
    env: { ...process.env, TSX_DISABLE_CACHE: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null) return
    const exited = new Promise((resolve) => child.once('exit', resolve))
    child.kill('SIGTERM')
    await exited
  }
  const close = async (): Promise<void> => {
    await stop()
    rmSync(dir, { recursive: true, force: true })
  }
  let out = ''
  child.stdout!.on('data', (d) => (out += String(d)))
  child.stderr!.on('data', (d) => (out += String(d)))
  try {
    const url = (
      await waitFor(() => /serving at (\S+)/.exec(out)?.[1], {
        message: `iwb serve to listen (${out})`,
        timeoutMs: 60_000,
      })
    ).trim()
    return { url, close, stop }
  } catch (e) {
    await close()
    throw e
  }
}

const wb = useWorkbenchPage({ start: serveUnderLimit })

describe('Teleop view on a full disk', () => {
  it('says at once that recording failed, and the workspace keeps the steps saved before the fault', async () => {
    const { page } = await wb.open('teleop')
    const record = page.getByTestId('record-start')
    await expect.poll(() => record.isEnabled(), { timeout: 60_000 }).toBe(true)
    const clicked = Date.now()
    await record.click()
    // Record starts a fresh episode that waits for the first input: drive it
    await setButton(page, 5, 1)
    await setAxes(page, { 0: 0.5 })
    const alert = page.getByTestId('record-failure')
    await alert.waitFor({ timeout: 60_000 })
    const shownAfterMs = Date.now() - clicked
    await setButton(page, 5, 0)
    await setAxes(page, { 0: 0 })
    const text = (await alert.textContent()) ?? ''
    expect(text).toMatch(/^recording failed: .*\((\d+) of (\d+) steps saved\)$/)
    const saved = Number(/\((\d+) of/.exec(text)![1])
    expect(saved).toBeGreaterThan(0)
    expect(await page.getByTestId('recording-badge').count()).toBe(0) // no longer shown as recording
    await screenshot(page, 'teleop-disk-full')

    // keep cannot write the rest: the page says what was kept, and recording can start afresh
    await page.getByTestId('record-keep').click()
    const shown = await waitFor(
      async () => (await shownErrors(page)).find((e) => /steps saved before the fault/.test(e)),
      {
        message: 'the keep error',
      },
    )
    const m = /episode (\d+) keeps the (\d+) of (\d+) steps/.exec(shown)!
    expect(Number(m[2])).toBeGreaterThanOrEqual(saved)
    await record.waitFor()
    console.log(`disk full in the page: failure shown ${shownAfterMs} ms after Record, ${m[2]} of ${m[3]} steps kept`)

    // stop the server, then read the file without the limit
    await wb.served.stop()
    const ws = openWorkspace(file)
    try {
      expect(ws.episodeInfo(Number(m[1]))).toMatchObject({ complete: false, interrupted: true, steps: Number(m[2]) })
      expect(ws.loadEpisode(Number(m[1])).steps).toHaveLength(Number(m[2]))
    } finally {
      ws.close()
    }
  })
})
