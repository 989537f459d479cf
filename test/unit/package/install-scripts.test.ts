// `npm ci` ends without a wall of warnings (issue 27, item 19): npm 11 lists every installed package whose install
// scripts package.json's allowScripts does not decide. Each one in node_modules is decided there, as npm sees
// them: an install, preinstall or postinstall script, or a binding.gyp (npm's implicit `node-gyp rebuild`).
import { existsSync, readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { repoRoot } from '../../../src/main/server/page'

interface Manifest {
  name?: string
  scripts?: Record<string, string>
  allowScripts?: Record<string, boolean>
}

const read = (dir: string): Manifest | null => {
  const file = join(dir, 'package.json')
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Manifest) : null
}

/** Names of the packages under `modules` (nested node_modules too, at most `depth` deep) that run install scripts. */
function withInstallScripts(modules: string, depth: number, out = new Set<string>()): Set<string> {
  if (depth < 0 || !existsSync(modules)) return out
  for (const entry of readdirSync(modules)) {
    if (entry.startsWith('.')) continue
    const dirs = entry.startsWith('@')
      ? readdirSync(join(modules, entry)).map((n) => join(modules, entry, n))
      : [join(modules, entry)]
    for (const dir of dirs) {
      const m = read(dir)
      if (!m?.name) continue
      const s = m.scripts ?? {}
      if (s.install || s.preinstall || s.postinstall || existsSync(join(dir, 'binding.gyp'))) out.add(m.name)
      withInstallScripts(join(dir, 'node_modules'), depth - 1, out)
    }
  }
  return out
}

describe('install scripts', () => {
  it('every installed package with install scripts is allowed or denied in package.json', () => {
    const allow = read(repoRoot)?.allowScripts ?? {}
    const found = [...withInstallScripts(join(repoRoot, 'node_modules'), 3)].sort()
    expect(found).toContain('better-sqlite3')
    expect(found.filter((name) => !(name in allow))).toEqual([])
    // the native store must build: its script is allowed, never denied
    expect(allow['better-sqlite3']).toBe(true)
  })
})
