// What opening a workspace costs in memory (issue 27, item 10): every session's worker thread opens the workspace,
// so the store must not load what only a dataset export or import needs. h5wasm (robomimic) took about 600 MB as it
// loaded, per thread: a process with two running sessions measured 1.8 GB. Measured in a fresh child process.
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'

const SCRIPT = `
const before = process.memoryUsage().rss
const { openWorkspace } = await import('./src/main/store/index.ts')
const { mkdtempSync } = await import('node:fs')
const { join } = await import('node:path')
const { tmpdir } = await import('node:os')
const ws = openWorkspace(join(mkdtempSync(join(tmpdir(), 'iwb-mem-')), 'ws.db'))
ws.close()
console.log(JSON.stringify({ before, after: process.memoryUsage().rss }))
`

describe('the store in memory', () => {
  it('opening a workspace adds well under 100 MB to a process (no dataset format loaded)', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [
      '--import',
      'tsx',
      '--input-type=module',
      '-e',
      SCRIPT,
    ])
    const { before, after } = JSON.parse(stdout.trim().split('\n').pop()!) as { before: number; after: number }
    expect((after - before) / 2 ** 20).toBeLessThan(100)
  })
})
