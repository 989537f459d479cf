// The disk fills while a demonstration is recorded: for real, in a child process under a file-size limit
// (`ulimit -f`; writes past it fail with EFBIG as on a full disk). The page hears at once that recording failed,
// every step flushed before the fault is kept (marked interrupted), and a workspace that cannot be created leaves
// no empty file behind.
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { openWorkspace } from '../../../src/main/store'

const CHILD = fileURLToPath(new URL('./disk-full-child.ts', import.meta.url))
const ROOT = fileURLToPath(new URL('../../..', import.meta.url))

/** Run the child under a file-size limit of `kib` KiB; resolves with its last JSON line. */
function runLimited(kib: number, mode: string, file: string): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const cmd = `ulimit -f ${kib} && exec "${process.execPath}" --import tsx "${CHILD}" ${mode} "${file}"`
    // tsx's cache would write under the limit too: the child transforms in memory.
    const child = spawn('bash', ['-c', cmd], {
      cwd: ROOT,
      env: { ...process.env, TSX_DISABLE_CACHE: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let out = ''
    let err = ''
    child.stdout.on('data', (d) => (out += String(d)))
    child.stderr.on('data', (d) => (err += String(d)))
    child.on('error', reject)
    child.on('exit', (code, signal) => {
      const last = out.trim().split('\n').at(-1)
      if (!last) reject(new Error(`child exited (${code ?? signal}) without a result; stderr: ${err.slice(-2000)}`))
      else resolve(JSON.parse(last) as Record<string, unknown>)
    })
  })
}

describe('recording when the disk is full', () => {
  let dir: string
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'iwb-full-'))
  })
  afterEach(() => rmSync(dir, { recursive: true, force: true }))

  it('says at once that recording failed and keeps every step flushed before the fault', async () => {
    const file = join(dir, 'ws.db')
    openWorkspace(file).close()
    // Room for the file as created plus 40 KiB of write-ahead log: the recording fills it within seconds.
    const kib = Math.ceil((statSync(file).size + 40 * 1024) / 1024)
    const r = await runLimited(kib, 'record', file)

    const failure = r.failure as { done: number; total: number; error: string; kind: string }
    expect(failure.kind).toBe('recording')
    expect(failure.error).toMatch(/^recording failed: workspace .*ws\.db: /)
    expect(failure.done).toBeGreaterThan(0)
    expect(failure.total).toBeGreaterThanOrEqual(failure.done)
    // keep cannot write the rest: it says how many steps were saved, and where
    const m = /episode (\d+) keeps the (\d+) of (\d+) steps saved before the fault, marked interrupted$/.exec(
      String(r.keepError),
    )
    expect(m, String(r.keepError)).not.toBeNull()
    expect(Number(m![1])).toBe(r.episodeId)
    const saved = Number(m![2])
    expect(saved).toBeGreaterThanOrEqual(failure.done)
    expect(r.kept).toBeNull()

    // The file, opened without the limit: the episode holds exactly those steps, in order, and is interrupted.
    const ws = openWorkspace(file)
    try {
      const ep = ws.loadEpisode(r.episodeId as number)
      expect(ep.info).toMatchObject({ complete: false, interrupted: true, steps: saved })
      expect(ep.steps.map((s) => s.index)).toEqual(ep.steps.map((_, i) => i))
      expect(ep.steps.every((s) => s.source === 'demonstration' && s.state.length > 0)).toBe(true)
      expect(ws.listEpisodes().map((e) => e.episodeId)).toContain(r.episodeId)
    } finally {
      ws.close()
    }
  })

  it('leaves no empty workspace behind when a new one cannot be created', async () => {
    const file = join(dir, 'new.db')
    const r = await runLimited(2, 'create', file)
    expect(r.created).toBe(false)
    expect(String(r.error)).toMatch(/^workspace .*new\.db: /)
    expect(existsSync(file)).toBe(false)
    expect(readdirSync(dir)).toEqual([])
  })
})
