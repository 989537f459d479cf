// The desktop app's bundles: out/main (main process + one file per worker thread), out/preload, out/renderer.
import { readdirSync } from 'node:fs'
import { basename, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { defineConfig } from 'electron-vite'
import { quietWarnings, rendererConfig } from './vite.page.config'

const root = fileURLToPath(new URL('.', import.meta.url))

/**
 * Every `*-worker.ts` under src/main becomes its own entry `<name>.js` beside index.js, which is where
 * startWorker (src/main/workers.ts) looks for it in the bundle.
 */
function workerEntries(): Record<string, string> {
  const entries: Record<string, string> = {}
  const files = readdirSync(resolve(root, 'src/main'), { recursive: true }) as string[]
  for (const rel of files) {
    if (!rel.endsWith('-worker.ts')) continue
    const name = basename(rel, '.ts')
    if (entries[name]) throw new Error(`two worker modules named ${name}.ts: worker names must be unique`)
    entries[name] = resolve(root, 'src/main', rel)
  }
  return entries
}

export default defineConfig({
  main: {
    build: {
      outDir: resolve(root, 'out/main'),
      // Native and WebAssembly packages load from node_modules at run time, never bundled.
      externalizeDeps: {
        include: [
          '@mujoco/mujoco',
          'better-sqlite3',
          '@resvg/resvg-js',
          '@tensorflow/tfjs',
          '@tensorflow/tfjs-backend-wasm',
        ],
      },
      rollupOptions: {
        input: { index: resolve(root, 'src/main/index.ts'), ...workerEntries() },
        external: ['@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu'],
        onwarn: quietWarnings,
        // Chunks beside the entries, not in chunks/: a module's `new URL('./x-worker.ts', import.meta.url)` must
        // point into out/main, where the worker entries are.
        output: { entryFileNames: '[name].js', chunkFileNames: '[name]-[hash].js' },
      },
    },
  },
  preload: {
    build: {
      outDir: resolve(root, 'out/preload'),
      // A sandboxed preload cannot require node_modules: bundle zod and the contract into one CommonJS file.
      externalizeDeps: false,
      rollupOptions: {
        input: { index: resolve(root, 'src/preload/index.ts') },
        external: ['electron'],
        onwarn: quietWarnings,
        output: { format: 'cjs', entryFileNames: '[name].cjs', inlineDynamicImports: true },
      },
    },
  },
  renderer: rendererConfig,
})
