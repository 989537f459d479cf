// `iwb serve` as a user runs it: a child process that builds the page if needed, prints its address, serves the
// page and the API there, and stops cleanly on SIGTERM.
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { WebSocket } from 'ws'
import { repoRoot } from '../../../src/main/server/page'

const dir = mkdtempSync(join(tmpdir(), 'iwb-serve-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('iwb serve', () => {
  it('prints the address, serves the page and the API, and exits 0 on SIGTERM', async () => {
    const child = spawn(
      process.execPath,
      [join(repoRoot, 'bin/iwb.js'), 'serve', '--port', '0', '--no-open', '--db', join(dir, 'w.db')],
      { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] },
    )
    let out = ''
    let err = ''
    child.stderr.on('data', (d) => (err += d))
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (d) => {
        out += d
        const m = /serving at (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out)
        if (m) resolve(m[1])
      })
      child.on('exit', (code) => reject(new Error(`serve exited ${code}: ${out}${err}`)))
    })
    try {
      const page = await fetch(url)
      expect(page.status).toBe(200)
      expect(await page.text()).toContain('<div id="app">')
      expect(page.headers.get('content-security-policy')).toContain("script-src 'self'")

      const ws = new WebSocket(url.replace('http:', 'ws:') + 'api')
      await new Promise((resolve, reject) => {
        ws.once('open', resolve)
        ws.once('error', reject)
      })
      const reply = await new Promise<Record<string, unknown>>((resolve) => {
        ws.once('message', (d) => resolve(JSON.parse(String(d))))
        ws.send(JSON.stringify({ id: 7, method: 'app.version', input: {} }))
      })
      expect(reply).toMatchObject({ id: 7, result: { workbench: expect.stringMatching(/^\d+\.\d+\.\d+/) } })
      ws.close()
    } finally {
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
      child.kill('SIGTERM')
      expect(await exited).toBe(0)
    }
  })
})
