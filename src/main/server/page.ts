// Where the built page lives, and building it when it is missing or older than its sources (browser mode runs
// from a fresh clone without `npm run build`).
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The workbench's root: the nearest folder up with our package.json (works from source and from out/). */
function findRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const pkg = join(dir, 'package.json')
    if (
      existsSync(pkg) &&
      (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'imitation-workbench'
    ) {
      return dir
    }
    if (dirname(dir) === dir) return from
  }
}

export const repoRoot = findRoot(fileURLToPath(new URL('.', import.meta.url)))

export function pageDir(root = repoRoot): string {
  return join(root, 'out/renderer')
}

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0
  const st = statSync(path)
  if (!st.isDirectory()) return st.mtimeMs
  let newest = st.mtimeMs
  for (const rel of readdirSync(path, { recursive: true }) as string[]) {
    const s = statSync(join(path, rel))
    if (s.mtimeMs > newest) newest = s.mtimeMs
  }
  return newest
}

/** True when out/renderer/index.html is missing or older than any page source. */
export function pageIsStale(root = repoRoot): boolean {
  const built = join(pageDir(root), 'index.html')
  if (!existsSync(built)) return true
  const sources = ['src/renderer', 'src/shared', 'vite.page.config.ts', 'package.json'].map((p) => join(root, p))
  return Math.max(...sources.map(newestMtime)) > statSync(built).mtimeMs
}

/** Build the page with vite when needed; returns whether it built. */
export async function ensurePageBuilt(log: (line: string) => void, root = repoRoot, force = false): Promise<boolean> {
  if (!force && !pageIsStale(root)) return false
  if (!existsSync(join(root, 'src/renderer/index.html'))) {
    if (existsSync(join(pageDir(root), 'index.html'))) return false // packaged: no sources, the built page is it
    throw new Error(`no page to serve: ${pageDir(root)} is missing and there are no sources to build it from`)
  }
  log('building the page (vite) ...')
  const { build } = await import('vite')
  await build({ configFile: join(root, 'vite.page.config.ts'), logLevel: 'warn' })
  return true
}
