// app.version and tasks.list: what the page shows first, and what tells a user which engines are present.
// Each version is probed lazily and reported as 'unavailable' when its part is missing, so one broken engine
// never hides the others.
import { createRequire } from 'node:module'
import type { TaskInfo } from '../../../shared/contract'
import type { ServiceFactory } from '../compose'

export interface Versions {
  workbench: string
  mujoco: string
  tfjsBackend: string
  sqlite: string
}

const UNAVAILABLE = 'unavailable'

export function workbenchVersion(): string {
  // package.json sits at the repository root in source and in the packaged app alike.
  const require = createRequire(import.meta.url)
  for (const rel of ['../../../../package.json', '../../package.json', '../package.json']) {
    try {
      const pkg = require(rel) as { name?: string; version?: string }
      if (pkg.name === 'imitation-workbench' && pkg.version) return pkg.version
    } catch {
      // try the next location
    }
  }
  return UNAVAILABLE
}

async function probe(fn: () => Promise<string>): Promise<string> {
  try {
    const v = await fn()
    return typeof v === 'string' && v ? v : UNAVAILABLE
  } catch {
    return UNAVAILABLE
  }
}

// Modules written by other parts of the workbench; imported through a variable so this file builds before they
// exist. TODO(foundation): switch to literal imports once they have landed, so the Electron bundle includes them.
const TASKS_MODULE = '../../sim/tasks/index'
const BACKEND_MODULE = '../../learn/backend'

async function optional(specifier: string): Promise<Record<string, unknown>> {
  return (await import(/* @vite-ignore */ specifier)) as Record<string, unknown>
}

export async function sqliteVersion(): Promise<string> {
  const { default: Database } = await import('better-sqlite3')
  const db = new Database(':memory:')
  try {
    return String(db.prepare('select sqlite_version()').pluck().get())
  } finally {
    db.close()
  }
}

export async function probeVersions(): Promise<Versions> {
  const [mujoco, tfjsBackend, sqlite] = await Promise.all([
    probe(async () => (await import('../../sim/mujoco')).mujocoVersion()),
    probe(async () => {
      const mod = await optional(BACKEND_MODULE)
      const fn = (mod.backendName ?? mod.selectBackend ?? mod.initBackend) as (() => unknown) | undefined
      if (typeof fn !== 'function') return UNAVAILABLE
      const r = await fn()
      return typeof r === 'string' ? r : String((r as { name?: string })?.name ?? UNAVAILABLE)
    }),
    probe(sqliteVersion),
  ])
  return { workbench: workbenchVersion(), mujoco, tfjsBackend, sqlite }
}

export async function loadTasks(): Promise<TaskInfo[]> {
  try {
    const mod = await optional(TASKS_MODULE)
    const list = mod.listTasks as (() => TaskInfo[] | Promise<TaskInfo[]>) | undefined
    return typeof list === 'function' ? await list() : []
  } catch {
    return []
  }
}

export const appService: ServiceFactory = () => {
  let versions: Promise<Versions> | null = null
  return {
    // Probed once: loading MuJoCo's WebAssembly takes a moment, and versions do not change while running.
    'app.version': () => (versions ??= probeVersions()),
    'tasks.list': () => loadTasks(),
  }
}
