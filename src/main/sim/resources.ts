// Where the shipped resources (MJCF models, expert weights) live: IWB_RESOURCES if set, otherwise the nearest
// `resources/` folder above this module (source tree and the built bundle both have one at the project root).
import { existsSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

let found: string | null = null

export function resourcesDir(): string {
  if (process.env.IWB_RESOURCES) return resolve(process.env.IWB_RESOURCES)
  if (found) return found
  let dir = dirname(fileURLToPath(import.meta.url))
  for (let i = 0; i < 8; i++) {
    const candidate = join(dir, 'resources')
    if (existsSync(join(candidate, 'mjcf'))) {
      found = candidate
      return candidate
    }
    const parent = dirname(dir)
    if (parent === dir) break
    dir = parent
  }
  throw new Error('cannot find the resources/ folder (set IWB_RESOURCES)')
}

export function mjcfPath(file: string): string {
  return join(resourcesDir(), 'mjcf', file)
}
