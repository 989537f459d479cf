// The page build on its own (browser mode, `npm run build:page`): the same renderer settings electron-vite uses,
// written to out/renderer so `iwb serve` and the Electron app load the same files.
import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import vue from '@vitejs/plugin-vue'
import { defineConfig, type UserConfig } from 'vite'

const root = fileURLToPath(new URL('.', import.meta.url))

export const rendererConfig: UserConfig = {
  root: resolve(root, 'src/renderer'),
  // Relative asset paths: the page loads from file:// in Electron and from http:// in browser mode.
  base: './',
  plugins: [vue()],
  build: {
    outDir: resolve(root, 'out/renderer'),
    emptyOutDir: true,
    rollupOptions: { input: resolve(root, 'src/renderer/index.html') },
  },
}

export default defineConfig({ ...rendererConfig, logLevel: 'warn' })
