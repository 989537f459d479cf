// Helpers for the session-host tests: child `iwb` processes on a workspace, reading it from outside, polling.
import Database from 'better-sqlite3'
import { spawn, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { LEASE_TTL_MS } from '../../../src/main/session/host'
import { waitFor } from '../../wait-for'

export const IWB = fileURLToPath(new URL('../../../bin/iwb.js', import.meta.url))

/** waitFor (test/wait-for.ts) with the message first: these waits are long (child processes start in seconds). */
export function poll<T>(cond: () => T | Promise<T>, what: string, timeoutMs = 60_000): Promise<NonNullable<T>> {
  return waitFor(cond, { message: what, timeoutMs })
}

export interface Child {
  proc: ChildProcess
  stdout: () => string
  stderr: () => string
  exit: Promise<number | null>
}

export function iwb(args: string[]): Child {
  const proc = spawn(process.execPath, [IWB, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  let err = ''
  proc.stdout!.on('data', (d: Buffer) => (out += d.toString()))
  proc.stderr!.on('data', (d: Buffer) => (err += d.toString()))
  const exit = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)))
  return { proc, stdout: () => out, stderr: () => err, exit }
}

/** One query on the workspace from a separate read-only connection (as another program would). */
export function query<T>(file: string, sql: string, ...args: unknown[]): T[] {
  let db: Database.Database | null = null
  try {
    db = new Database(file, { readonly: true, fileMustExist: true })
    db.pragma('busy_timeout = 2000')
    return db.prepare(sql).all(...args) as T[]
  } catch {
    return [] // not created or migrated yet
  } finally {
    db?.close()
  }
}

/** What a session stored: its labels (vectors as arrays) and its curve. */
export function storedSession(
  file: string,
  sessionId: number,
): {
  labels: { source: string; cost: number; observation: number[]; action: number[]; stepIndex: number | null }[]
  curve: { labels: number; cost: number; returns: number[] }[]
} {
  const vec = (b: Buffer): number[] =>
    Array.from(new Float64Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength)))
  const labels = query<{
    source: string
    cost: number
    observation: Buffer
    action: Buffer
    step_index: number | null
  }>(
    file,
    'SELECT source, cost, observation, action, step_index FROM labels WHERE session_id = ? ORDER BY id',
    sessionId,
  ).map((r) => ({
    source: r.source,
    cost: r.cost,
    observation: vec(r.observation),
    action: vec(r.action),
    stepIndex: r.step_index,
  }))
  const curve = query<{ labels: number; cost: number; returns: string }>(
    file,
    'SELECT labels, cost, returns FROM evaluations WHERE session_id = ? ORDER BY labels, id',
    sessionId,
  ).map((r) => ({ labels: r.labels, cost: r.cost, returns: JSON.parse(r.returns) as number[] }))
  return { labels, curve }
}

/** Equal to within tol, element by element (labels and curves of two sessions). */
export function expectClose(
  a: ReturnType<typeof storedSession>,
  b: ReturnType<typeof storedSession>,
  tol = 1e-6,
): string | null {
  if (a.labels.length !== b.labels.length) return `label counts differ: ${a.labels.length} vs ${b.labels.length}`
  if (a.curve.length !== b.curve.length) return `curve lengths differ: ${a.curve.length} vs ${b.curve.length}`
  for (let i = 0; i < a.labels.length; i++) {
    const x = a.labels[i]
    const y = b.labels[i]
    if (x.source !== y.source || Math.abs(x.cost - y.cost) > tol || x.stepIndex !== y.stepIndex)
      return `label ${i} differs in source, cost or step`
    for (const k of ['observation', 'action'] as const)
      for (let j = 0; j < x[k].length; j++)
        if (!(Math.abs(x[k][j] - y[k][j]) <= tol)) return `label ${i} ${k}[${j}]: ${x[k][j]} vs ${y[k][j]}`
  }
  for (let i = 0; i < a.curve.length; i++) {
    const x = a.curve[i]
    const y = b.curve[i]
    if (x.labels !== y.labels || Math.abs(x.cost - y.cost) > tol) return `evaluation ${i} at different points`
    for (let j = 0; j < x.returns.length; j++)
      if (!(Math.abs(x.returns[j] - y.returns[j]) <= tol))
        return `evaluation ${i} return ${j}: ${x.returns[j]} vs ${y.returns[j]}`
  }
  return null
}

/** Labels stored in the workspace (every session), read from outside. */
export const labelCount = (db: string): number =>
  query<{ n: number }>(db, 'SELECT count(*) AS n FROM labels')[0]?.n ?? 0

/**
 * The SIGKILL-and-resume loop: `iwb run ARGS --db DB` killed (SIGKILL, at whatever it was doing) once the
 * workspace holds `killAt[i]` labels (or it ended), each time the dead process's lease left to expire, then the
 * same command run to its end with --json. Returns the label counts stored at each kill, the last run's exit
 * code and its JSON line.
 */
export async function killAndResume(
  args: readonly string[],
  db: string,
  killAt: readonly number[],
): Promise<{ killedAt: number[]; exitCode: number | null; line: { status: string; sessionId: number } }> {
  const killedAt: number[] = []
  for (const k of killAt) {
    const child = iwb(['run', ...args, '--db', db])
    try {
      await poll(() => labelCount(db) >= k || child.proc.exitCode !== null, `${k} labels`)
    } finally {
      child.proc.kill('SIGKILL')
      await child.exit
    }
    killedAt.push(labelCount(db))
    // The dead process's lease expires on its own; then the same command resumes.
    await poll(() => {
      const l = query<{ heartbeat_at: number }>(db, 'SELECT heartbeat_at FROM session_leases')[0]
      return !l || Date.now() - l.heartbeat_at >= LEASE_TTL_MS
    }, 'the lease to expire')
  }
  const last = iwb(['run', ...args, '--db', db, '--json'])
  const exitCode = await last.exit
  const line = JSON.parse(last.stdout().trim().split('\n').pop() ?? 'null') as { status: string; sessionId: number }
  return { killedAt, exitCode, line }
}
