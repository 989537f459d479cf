// app.version (and loadTasks, behind tasks.list in services/tasks.ts): what the page shows first, and what tells a
// user which engines are present.
// Each version is probed lazily and reported as 'unavailable' when its part is missing, so one broken engine
// never hides the others.
import { createRequire } from 'node:module'
import type { TaskInfo } from '../../../shared/contract'
import type { ServiceFactory } from '../service-types'

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
      const backend = await import('../../learn/backend')
      // The trainer's choice when it has made one, else the backend it would pick (node-gpu, node, wasm, cpu).
      return backend.backendName() ?? (await backend.selectBackend()).name
    }),
    probe(sqliteVersion),
  ])
  return { workbench: workbenchVersion(), mujoco, tfjsBackend, sqlite }
}

export async function loadTasks(): Promise<TaskInfo[]> {
  const { listTasks } = await import('../../sim/registry')
  return listTasks()
}

export const appService: ServiceFactory = () => {
  let versions: Promise<Versions> | null = null
  return {
    // Probed once: loading MuJoCo's WebAssembly takes a moment, and versions do not change while running.
    'app.version': () => (versions ??= probeVersions()),
  }
}
