// Electron entry (electron-vite's main bundle). Everything Electron-specific lives in src/main/electron.
import { startDesktop } from './electron/main'

startDesktop()
