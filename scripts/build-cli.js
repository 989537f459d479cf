#!/usr/bin/env node
// `npm run build`'s CLI part: src/main/cli bundled to out/cli/iwb.js (plain Node, no tsx needed), with every
// worker module beside it as <name>.js, where startWorker looks for it in a bundle.
import { readdirSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const workers = readdirSync(join(root, 'src/main'), { recursive: true })
  .filter((f) => f.endsWith('-worker.ts'))
  .map((f) => ({ in: join(root, 'src/main', f), out: basename(f, '.ts') }))

await build({
  absWorkingDir: root,
  entryPoints: [{ in: join(root, 'scripts/cli-entry.ts'), out: 'iwb' }, ...workers],
  outdir: join(root, 'out/cli'),
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // Dependencies (native, WebAssembly, tfjs) load from node_modules at run time.
  packages: 'external',
  banner: { js: '#!/usr/bin/env node' },
  logLevel: 'warning',
})
console.log(`built out/cli/iwb.js${workers.length ? ` and ${workers.map((w) => `${w.out}.js`).join(', ')}` : ''}`)
