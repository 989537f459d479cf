// A reader that goes away (`iwb tasks | head -1`) ends the command quietly: no EPIPE stack trace, exit 0.
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { repoRoot } from '../../../src/main/server/page'
import { openWorkspace } from '../../../src/main/store/workspace'
import { sampleConfig, tempDir } from '../store/helpers'

let tmp: ReturnType<typeof tempDir>
beforeEach(() => (tmp = tempDir()))
afterEach(() => tmp.cleanup())

/** Run bin/iwb.js with its stdout's reading end closed before it writes a byte. */
function runWithClosedStdout(args: string[]): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, [join(repoRoot, 'bin/iwb.js'), ...args], { cwd: repoRoot })
  child.stdout.destroy() // the reader is gone, as when `head -1` has had its line
  let stderr = ''
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stderr })))
}

describe('a closed stdout', () => {
  it('ends tasks, db info and export quietly with exit 0', async () => {
    const db = tmp.path('w.db')
    const ws = openWorkspace(db)
    ws.createSession(sampleConfig({ taskId: 'cartpole' }))
    ws.close()
    for (const args of [['tasks'], ['db', 'info', db], ['export', '--db', db, '--out', tmp.path('out')]]) {
      const r = await runWithClosedStdout(args)
      expect({ args, ...r }).toEqual({ args, code: 0, stderr: '' })
    }
  })
})
