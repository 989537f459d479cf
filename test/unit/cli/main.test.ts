// The `iwb` command line: the bin runs the TypeScript through tsx, commands are listed and dispatched, usage
// errors exit 2.
import { execFile } from 'node:child_process'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { main, commands } from '../../../src/main/cli/main'
import { UsageError, type Command } from '../../../src/main/cli/command'
import { parseServeArgs } from '../../../src/main/cli/commands/serve'
import { repoRoot } from '../../../src/main/server/page'
import { capture } from './capture'

const echo: Command = {
  name: 'echo',
  summary: 'echo',
  usage: 'iwb echo [--fail|--bad] ARGS',
  async run(argv, io) {
    if (argv[0] === '--bad') throw new UsageError('bad option')
    if (argv[0] === '--fail') throw new Error('it broke')
    io.out(argv.join(' '))
    return 0
  },
}

describe('iwb main', () => {
  it('lists every command in --help', async () => {
    const io = capture()
    expect(await main(['--help'], io)).toBe(0)
    const text = io.stdout.join('\n')
    for (const c of commands) expect(text).toContain(`  ${c.name}`)
    expect(text).toContain('serve')
    expect(text).toContain('version')
  })

  it('answers an unknown command with usage and exit 2', async () => {
    const io = capture()
    expect(await main(['frobnicate'], io)).toBe(2)
    expect(io.stderr[0]).toBe("iwb: unknown command 'frobnicate'")
    expect(io.stderr.join('\n')).toContain('usage: iwb <command>')
  })

  it('runs a command, maps usage errors to 2 and failures to 1', async () => {
    let io = capture()
    expect(await main(['echo', 'a', 'b'], io, [echo])).toBe(0)
    expect(io.stdout).toEqual(['a b'])
    io = capture()
    expect(await main(['echo', '--bad'], io, [echo])).toBe(2)
    expect(io.stderr).toEqual(['iwb echo: bad option', 'usage: iwb echo [--fail|--bad] ARGS'])
    io = capture()
    expect(await main(['echo', '--fail'], io, [echo])).toBe(1)
    expect(io.stderr).toEqual(['iwb echo: it broke'])
    io = capture()
    expect(await main(['echo', '--help'], io, [echo])).toBe(0)
    expect(io.stdout).toEqual([echo.usage])
  })

  it('version --json ends with one JSON object with every version', async () => {
    const io = capture()
    expect(await main(['version', '--json'], io)).toBe(0)
    const v = JSON.parse(io.stdout.at(-1)!)
    expect(Object.keys(v).sort()).toEqual(['mujoco', 'node', 'sqlite', 'tfjsBackend', 'workbench'])
    expect(v.sqlite).toMatch(/^3\./)
    expect(v.mujoco).toMatch(/^3\./)
  })

  it('parses serve options and refuses bad ones', () => {
    expect(parseServeArgs(['--port', '0', '--host', '0.0.0.0', '--no-open', '--db', 'x.db'])).toMatchObject({
      port: 0,
      host: '0.0.0.0',
      open: false,
      db: join(process.cwd(), 'x.db'),
    })
    expect(() => parseServeArgs(['--port', '70000'])).toThrow(UsageError)
    expect(() => parseServeArgs(['--host'])).toThrow('--host needs a value')
    expect(() => parseServeArgs(['--verbose'])).toThrow("unknown option '--verbose'")
  })

  it('bin/iwb.js runs the TypeScript CLI through tsx', async () => {
    const run = promisify(execFile)
    const r = await run(process.execPath, [join(repoRoot, 'bin/iwb.js'), '--help'], { cwd: repoRoot })
    expect(r.stdout).toContain('usage: iwb <command>')
    const bad = await run(process.execPath, [join(repoRoot, 'bin/iwb.js'), 'nope']).catch((e: { code: number }) => e)
    expect((bad as { code: number }).code).toBe(2)
  })
})

describe('iwb bench', () => {
  it('routes to a named benchmark and refuses an unknown one with exit 2', async () => {
    for (const name of ['tasks', 'expert', 'run', 'compare', 'db', 'export', 'import', 'bench']) {
      expect(commands.map((c) => c.name)).toContain(name)
    }
    const io = capture()
    expect(await main(['bench', 'nope'], io)).toBe(2)
    expect(io.stderr.join('\n')).toMatch(/one of sim, learn, store, query/)
    const help = capture()
    expect(await main(['bench', 'sim', '--bogus'], help)).toBe(2)
    expect(help.stderr.join('\n')).toMatch(/unknown option '--bogus'/)
  })
})
