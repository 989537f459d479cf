// The page build on its own (browser mode, `npm run build:page`): the same renderer settings electron-vite uses,
// written to out/renderer so `iwb serve` and the Electron app load the same files.
import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import vue from '@vitejs/plugin-vue'
import { defineConfig, type Rollup, type UserConfig } from 'vite'

const root = fileURLToPath(new URL('.', import.meta.url))

/**
 * Rollup's warnings, less the one about a dependency's comments it cannot place (zod's `@__PURE__` notes, several
 * lines each at every build): nothing anyone here can act on, and they buried the line that matters (issue 27).
 */
export function quietWarnings(warning: Rollup.RollupLog, warn: Rollup.LoggingFunction): void {
  if (warning.code === 'INVALID_ANNOTATION' && /[\\/]node_modules[\\/]/.test(warning.id ?? '')) return
  warn(warning)
}

export const rendererConfig: UserConfig = {
  root: resolve(root, 'src/renderer'),
  // Relative asset paths: the page loads from file:// in Electron and from http:// in browser mode.
  base: './',
  plugins: [vue()],
  build: {
    outDir: resolve(root, 'out/renderer'),
    emptyOutDir: true,
    // three.js and Vue in one chunk are about 1.5 MB; loaded once from disk or loopback, so no split needed.
    chunkSizeWarningLimit: 2500,
    rollupOptions: { input: resolve(root, 'src/renderer/index.html'), onwarn: quietWarnings },
  },
}

export default defineConfig({ ...rendererConfig, logLevel: 'warn' })
