// A policy's folder (config.json and model.safetensors, learn/policy-file.ts): written whole, and read back by the
// workbench's one rule for files from outside (store/plain-file.ts: a regular file, never through a symbolic link,
// at most a bound of bytes whatever its size says).
import { lstatSync, mkdirSync, renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import {
  CONFIG_FILE,
  MODEL_FILE,
  POLICY_FILE_LIMITS,
  PolicyFileError,
  importPolicy,
  type PolicyFileConfig,
} from '../learn/policy-file'
import type { LearnerWeights } from '../sim/policy-spec'
import { openRegular, readAtMost } from '../store/plain-file'

/** Write config.json and model.safetensors into `dir` (made when missing); each file is replaced whole. */
export function writePolicyFolder(dir: string, files: { config: PolicyFileConfig; model: Uint8Array }): string[] {
  mkdirSync(dir, { recursive: true })
  const written: [string, string | Uint8Array][] = [
    [MODEL_FILE, files.model],
    [CONFIG_FILE, `${JSON.stringify(files.config, null, 2)}\n`],
  ]
  return written.map(([name, data]) => {
    const path = join(dir, name)
    const tmp = `${path}.partial`
    writeFileSync(tmp, data)
    renameSync(tmp, path)
    return path
  })
}

/** The policy in a folder written by writePolicyFolder (or by anyone following docs/POLICIES.md). */
export function readPolicyFolder(dir: string): { config: PolicyFileConfig; weights: LearnerWeights } {
  let isDir = false
  try {
    isDir = lstatSync(dir).isDirectory()
  } catch {
    throw new PolicyFileError(`no folder ${dir}`)
  }
  if (!isDir) throw new PolicyFileError(`${dir} is not a folder`)
  const read = (name: string, max: number): Buffer => readAtMost(openRegular(join(dir, name), name), max, name)
  const text = read(CONFIG_FILE, POLICY_FILE_LIMITS.configBytes).toString('utf8')
  let config: unknown
  try {
    config = JSON.parse(text)
  } catch {
    throw new PolicyFileError(`${CONFIG_FILE} is not JSON`)
  }
  return importPolicy(config, read(MODEL_FILE, POLICY_FILE_LIMITS.modelBytes))
}
