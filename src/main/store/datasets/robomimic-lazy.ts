// robomimic's writer and reader, loaded on first use: h5wasm takes about 600 MB of memory as it loads, and every
// thread that opens a workspace (each session's worker) would pay it for a format it never touches.
import type * as Robomimic from './robomimic'

const load = (): Promise<typeof Robomimic> => import('./robomimic')

export const writeRobomimic: typeof Robomimic.writeRobomimic = async (...args) => (await load()).writeRobomimic(...args)

export const readRobomimic: typeof Robomimic.readRobomimic = async (...args) => (await load()).readRobomimic(...args)
