#!/usr/bin/env node
// `npm start`: the Electron app when its binary can be had, else the browser mode (iwb serve) with one line
// saying why. Electron's binary is downloaded on first launch; without network that fails, and here it always does.
import { spawn, spawnSync } from 'node:child_process'
import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const require = createRequire(import.meta.url)
const args = process.argv.slice(2)

/** The Electron executable, downloading it if needed (in a child, so its noise stays out of our one line). */
function electronBinary() {
  const r = spawnSync(process.execPath, ['-e', "process.stdout.write(require('electron'))"], {
    cwd: root,
    encoding: 'utf8',
    timeout: 10 * 60_000,
  })
  if (r.status === 0 && r.stdout && existsSync(r.stdout)) return { path: r.stdout }
  const text = `${r.stderr ?? ''}\n${r.error?.message ?? ''}`
  const reason =
    /TypeError: (.+)/.exec(text)?.[1] ??
    /Error: (.+)/.exec(text)?.[1] ??
    (r.signal ? `timed out (${r.signal})` : 'unknown error')
  return { error: reason.trim() }
}

function run(cmd, cmdArgs, opts = {}) {
  const r = spawnSync(cmd, cmdArgs, { cwd: root, stdio: 'inherit', ...opts })
  if (r.status !== 0) throw new Error(`${[cmd, ...cmdArgs].join(' ')} failed (${r.status ?? r.signal})`)
}

/**
 * better-sqlite3 is compiled for Node; Electron needs its own ABI. Rather than rebuilding node_modules (which
 * would break the CLI and the tests), put an Electron build in out/node_modules, which the bundled main process
 * (out/main/index.js) resolves first. Downloads a prebuilt binary or Electron's headers: only on this path.
 */
function prepareNativeModules(electronVersion) {
  const target = join(root, 'out/node_modules/better-sqlite3')
  const stamp = join(target, '.electron-version')
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === electronVersion) return
  const source = dirname(require.resolve('better-sqlite3/package.json'))
  cpSync(source, target, { recursive: true, filter: (p) => !p.includes(`${source}/build`) })
  const prebuild = join(root, 'node_modules/.bin/prebuild-install')
  const fetched = spawnSync(prebuild, ['--runtime', 'electron', '--target', electronVersion], {
    cwd: target,
    stdio: 'inherit',
  })
  if (fetched.status !== 0) {
    // No prebuilt binary for this platform: compile against Electron's headers.
    run(
      'npx',
      ['--yes', 'node-gyp', 'rebuild', `--target=${electronVersion}`, '--dist-url=https://electronjs.org/headers'],
      {
        cwd: target,
      },
    )
  }
  writeFileSync(stamp, electronVersion)
}

async function browserMode(reason) {
  console.log(`Electron is not available (${reason}); starting the browser mode instead (iwb serve).`)
  const { register } = await import('tsx/esm/api')
  register()
  const { main } = await import('../src/main/cli/main.ts')
  process.exitCode = await main(['serve', ...args])
}

async function start() {
  if (process.env.IWB_BROWSER === '1') return browserMode('IWB_BROWSER=1')
  const electron = electronBinary()
  if (electron.error) return browserMode(`its binary could not be downloaded: ${electron.error}`)
  try {
    run(process.execPath, [join(root, 'node_modules/electron-vite/bin/electron-vite.js'), 'build'])
    prepareNativeModules(require('electron/package.json').version)
  } catch (err) {
    return browserMode(`building the desktop app failed: ${err.message}`)
  }
  const child = spawn(electron.path, [root, ...args], { cwd: root, stdio: 'inherit' })
  child.on('exit', (code) => process.exit(code ?? 1))
}

await start()
