// The workspace every host uses when none is named: the desktop app, the browser mode (`iwb serve`), `iwb run`
// and `iwb compare` all open the same file, so what one records the others see.
import { mkdirSync } from 'node:fs'
import { homedir } from 'node:os'
import { dirname, join } from 'node:path'

/** $IWB_DB, else ~/.imitation-workbench/workspace.db. */
export function defaultWorkspaceFile(): string {
  return process.env.IWB_DB ?? join(homedir(), '.imitation-workbench', 'workspace.db')
}

/** The default workspace's path, with its folder made. */
export function ensureDefaultWorkspaceFile(): string {
  const file = defaultWorkspaceFile()
  mkdirSync(dirname(file), { recursive: true })
  return file
}
