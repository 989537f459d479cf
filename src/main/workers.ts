// Start a worker thread from a module next to the caller. From TypeScript source (CLI, tests) the worker
// runs through tsx; in the electron-vite bundle the worker is its own built entry (`<name>.js` beside index.js).
import { Worker, type WorkerOptions } from 'node:worker_threads'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

/**
 * @param moduleUrl new URL('./x-worker.ts', import.meta.url) from the calling module
 */
export function startWorker(moduleUrl: URL, options: WorkerOptions = {}): Worker {
  const path = fileURLToPath(moduleUrl)
  if (path.endsWith('.ts')) {
    if (existsSync(path)) {
      // Node 20 does not apply `--import tsx` to a worker's own entry module ("Unknown file extension .ts"),
      // so a tiny eval'd bootstrap registers tsx inside the worker first, then imports the TypeScript module.
      const api = import.meta.resolve('tsx/esm/api')
      const boot = `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(moduleUrl.href)}) })`
      return new Worker(boot, { ...options, eval: true })
    }
    // Bundled: the worker was built to a .js of the same base name in the bundle's folder.
    const js = path.replace(/\.ts$/, '.js')
    return new Worker(js, options)
  }
  return new Worker(moduleUrl, options)
}
