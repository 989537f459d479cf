// The disk fills while a demonstration is recorded: for real, in a child process under a file-size limit
// (`ulimit -f`; writes past it fail with EFBIG as on a full disk). The page hears at once that recording failed,
// every step flushed before the fault is kept (marked interrupted), and a workspace that cannot be created leaves
// no empty file behind. A disk that is full for a moment (SQLite's own SQLITE_FULL, through max_page_count on the
// service's connection) and has room again by Keep still gives an interrupted episode, and Keep says so.
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createWorkbench } from '../../../src/main/api/compose'
import { connectInProcess } from '../../../src/main/api/in-process'
import { teleopService } from '../../../src/main/api/services/teleop'
import { useWorkspace } from '../../../src/main/api/services/workspace-resource'
import type { ServiceFactory } from '../../../src/main/api/service-types'
import { openWorkspace, type Workspace } from '../../../src/main/store'
import type { Progress } from '../../../src/shared/contract'
import { waitFor } from '../../wait-for'

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

  it('marks the episode interrupted and says so when the disk had room again by Keep', async () => {
    const file = join(dir, 'ws.db')
    // The service's own connection, to fill and free the "disk" under it.
    let shared: Workspace | null = null
    const probe: ServiceFactory = async (ctx) => {
      shared = await useWorkspace(ctx)
      return {}
    }
    const wb = await createWorkbench({ workspaceFile: file }, [teleopService, probe])
    const api = connectInProcess(wb.handlers, wb.broadcaster)
    try {
      const db = shared!.db
      const failures: Progress[] = []
      api.on('progress', (p) => void (p.error && failures.push(p)))
      const opened = await api.call('teleop.open', { taskId: 'point-maze', seed: 1 })
      await api.call('teleop.action', { action: opened.task.actionHigh.map((h) => h * 0.5) })
      const started = await api.call('teleop.record', { command: 'start' })
      db.pragma(`max_page_count = ${db.pragma('page_count', { simple: true }) as number}`) // the disk is full
      const failure = await waitFor(() => failures[0], { message: 'the recording failure', timeoutMs: 30_000 })
      expect(failure.error).toMatch(/^recording failed: workspace .*ws\.db: database or disk is full$/)
      db.pragma('max_page_count = 1073741823') // room again

      const keep = api.call('teleop.record', { command: 'keep' })
      await expect(keep).rejects.toThrow(
        new RegExp(
          `episode ${started.episodeId} keeps the \\d+ of \\d+ steps saved before the fault, marked interrupted$`,
        ),
      )
      const [, saved, recorded] = /keeps the (\d+) of (\d+)/.exec(
        ((await keep.catch((e: Error) => e)) as Error).message,
      )!
      // with room again, every step recorded before the fault is written
      expect(Number(saved)).toBe(Number(recorded))
      expect(Number(saved)).toBeGreaterThanOrEqual(failure.done!)
      const info = shared!.episodeInfo(started.episodeId!)
      expect(info).toMatchObject({ complete: false, interrupted: true, steps: Number(saved) })
      expect(shared!.loadEpisode(started.episodeId!).steps.map((s) => s.index)).toEqual(
        Array.from({ length: Number(saved) }, (_, i) => i),
      )
      // and recording starts afresh
      const again = await api.call('teleop.record', { command: 'start' })
      expect(again.recording).toBe(true)
      expect(again.episodeId).not.toBe(started.episodeId)
    } finally {
      api.close()
      await wb.close()
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
