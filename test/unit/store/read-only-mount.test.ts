// A workspace on a read-only file system (issue 27, item 10): `iwb db check`, `iwb db info` and `iwb export` read
// it (SQLite cannot make the WAL index there, so they read a private copy); a command that writes says in one line
// that it is read-only, without naming an API option. A real read-only mount: tmpfs remounted ro inside a user and
// mount namespace of its own (unshare), so no privilege is needed and nothing outside the child sees it.
import { execFile } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, describe, expect, it } from 'vitest'
import { openWorkspace } from '../../../src/main/store'
import { sessionConfig } from '../../../src/shared/session-config'

const dir = mkdtempSync(join(tmpdir(), 'iwb-ro-mount-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** Run `script` with the workspace copied onto a read-only mount at $RO; what each command printed, by marker. */
async function onReadOnlyMount(source: string, commands: Record<string, string>): Promise<Record<string, string>> {
  const mnt = join(dir, 'mnt')
  mkdirSync(mnt, { recursive: true })
  const lines = [
    'set -u',
    `mount -t tmpfs -o size=64m tmpfs ${mnt}`,
    `cp ${source} ${mnt}/ws.db`,
    `mount -o remount,ro ${mnt}`,
    ...Object.entries(commands).map(
      ([name, cmd]) => `echo "@@${name}"; ${cmd.replaceAll('$WS', `${mnt}/ws.db`)} 2>&1; echo "@@rc=$?"`,
    ),
  ]
  const { stdout } = await promisify(execFile)(
    'unshare',
    ['--user', '--map-root-user', '--mount', 'sh', '-c', lines.join('\n')],
    { maxBuffer: 16 * 2 ** 20 },
  )
  const out: Record<string, string> = {}
  for (const part of stdout.split('@@').slice(1)) {
    const nl = part.indexOf('\n')
    const name = part.slice(0, nl)
    if (name.startsWith('rc=')) {
      const last = Object.keys(out).pop()!
      out[last] += `@@rc=${name.slice(3)}`
    } else out[name] = part.slice(nl + 1)
  }
  return out
}

describe('a workspace on a read-only mount', () => {
  it('is checked, described and exported; a write is refused in one line', async () => {
    const file = join(dir, 'ws.db')
    const ws = openWorkspace(file)
    ws.createSession(sessionConfig({ taskId: 'reacher-arm', algo: 'bc', budget: 10 }))
    ws.close()
    const exported = join(dir, 'export')
    const iwb = `${process.execPath} bin/iwb.js`
    const out = await onReadOnlyMount(file, {
      check: `${iwb} db check $WS --json`,
      info: `${iwb} db info $WS --json`,
      export: `${iwb} export --db $WS --out ${exported}`,
      write: `${iwb} tasks add test/fixtures/tasks/minimal --db $WS`,
    })
    const [check, checkRc] = out.check.split('@@rc=')
    expect(checkRc.trim()).toBe('0')
    expect(JSON.parse(check.trim().split('\n').pop()!)).toMatchObject({ ok: true })
    const [info, infoRc] = out.info.split('@@rc=')
    expect(infoRc.trim()).toBe('0')
    expect(JSON.parse(info.trim().split('\n').pop()!)).toMatchObject({ rows: { sessions: 1 } })
    expect(out.export.split('@@rc=')[1].trim()).toBe('0')
    expect(readdirSync(exported)).toContain('manifest.json')
    expect(readFileSync(join(exported, 'sessions.jsonl'), 'utf8').trim().split('\n')).toHaveLength(1)
    const [write, writeRc] = out.write.split('@@rc=')
    expect(writeRc.trim()).toBe('1')
    const refusal = write
      .trim()
      .split('\n')
      .filter((l) => l.startsWith('iwb tasks'))
    expect(refusal).toHaveLength(1)
    expect(refusal[0]).toMatch(/is read-only .*make it writable to change it$/)
    expect(write).not.toMatch(/readonly: true|unable to open database file/)
  })
})
