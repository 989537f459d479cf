// The desktop bundle must contain every worker a module starts: startWorker(new URL('./x-worker.ts', ...)) looks
// for x-worker.js beside the bundle's entry, so each such file has to be its own entry in out/main and out/cli.
import { readFileSync, readdirSync } from 'node:fs'
import { basename, join } from 'node:path'
import { describe, expect, it } from 'vitest'
import config from '../../../electron.vite.config'
import { repoRoot } from '../../../src/main/server/page'

function referencedWorkers(): string[] {
  const dir = join(repoRoot, 'src/main')
  const names = new Set<string>()
  for (const rel of readdirSync(dir, { recursive: true }) as string[]) {
    if (!rel.endsWith('.ts')) continue
    // code lines only: doc comments show the pattern with placeholder names
    const text = readFileSync(join(dir, rel), 'utf8')
      .split('\n')
      .filter((line) => !/^\s*(\*|\/\/)/.test(line))
      .join('\n')
    for (const m of text.matchAll(/new URL\(\s*['"]\.\/([\w-]+)\.ts['"]\s*,\s*import\.meta\.url/g)) names.add(m[1])
  }
  return [...names].sort()
}

describe('electron-vite config', () => {
  it('builds every worker module that src/main starts as its own entry, named like the source', () => {
    const main = (config as { main: { build: { rollupOptions: { input: Record<string, string> } } } }).main
    const input = main.build.rollupOptions.input
    const workers = referencedWorkers()
    expect(workers.length).toBeGreaterThan(0)
    for (const w of workers) {
      expect(Object.keys(input), `worker ${w}.ts must be named *-worker.ts to be bundled`).toContain(w)
      expect(basename(input[w])).toBe(`${w}.ts`)
    }
    expect(input.index).toMatch(/src\/main\/index\.ts$/)
  })
})
