import Database from 'better-sqlite3'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { execFileSync } from 'node:child_process'
import {
  chmodSync,
  closeSync,
  mkdirSync,
  openSync,
  readdirSync,
  statSync,
  truncateSync,
  writeSync,
  writeFileSync,
} from 'node:fs'
import { checkIntegrity, describeWorkspace } from '../../../src/main/store/open'
import { openWorkspace } from '../../../src/main/store/workspace'
import { StoreError } from '../../../src/main/store/errors'
import { SCHEMA_VERSION } from '../../../src/main/store/migrations'
import { fakeStep, sha256, tempDir } from './helpers'

let tmp: ReturnType<typeof tempDir>
beforeEach(() => (tmp = tempDir()))
afterEach(() => tmp.cleanup())

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn()
  } catch (err) {
    expect(err).toBeInstanceOf(StoreError)
    return (err as StoreError).code
  }
  return undefined
}

/** A closed workspace with a few hundred steps, so the file spans many pages. */
function filledWorkspace(name: string): string {
  const file = tmp.path(name)
  const ws = openWorkspace(file)
  for (let e = 0; e < 3; e++) {
    const r = ws.startEpisode({ taskId: 'reacher', kind: 'demonstration' })
    for (let i = 0; i < 300; i++) r.append(fakeStep(e, i))
    r.finish({ keep: true })
  }
  ws.close()
  return file
}

describe('opening a workspace', () => {
  it('reports a database locked by another writer as locked, at open and on a write', () => {
    const file = filledWorkspace('locked.db')
    const early = openWorkspace(file, { busyTimeoutMs: 100 })
    const other = new Database(file)
    other.exec('BEGIN EXCLUSIVE')
    other.prepare("INSERT INTO settings (key, value) VALUES ('x', '1')").run()
    try {
      let error: StoreError | undefined
      try {
        openWorkspace(file, { busyTimeoutMs: 150 })
      } catch (err) {
        error = err as StoreError
      }
      expect(error?.code).toBe('locked')
      expect(error?.message).toMatch(/locked by another program/)
      expect(codeOf(() => early.setSetting('costRatio', 3))).toBe('locked')
      expect(codeOf(() => early.startEpisode({ taskId: 'reacher', kind: 'rollout' }))).toBe('locked')
      // Readers still work under WAL.
      expect(early.listEpisodes()).toHaveLength(3)
    } finally {
      other.exec('ROLLBACK')
      other.close()
      early.close()
    }
    const ws = openWorkspace(file)
    ws.setSetting('costRatio', 3)
    expect(ws.settings().costRatio).toBe(3)
    ws.close()
  })

  it('reports a read-only file clearly and still allows a read-only open', () => {
    const file = filledWorkspace('ro.db')
    chmodSync(file, 0o444)
    const before = sha256(file)
    expect(codeOf(() => openWorkspace(file))).toBe('read-only')
    const ro = openWorkspace(file, { readonly: true })
    expect(ro.listEpisodes()).toHaveLength(3)
    expect(ro.loadEpisode(1).steps).toHaveLength(300)
    expect(codeOf(() => ro.setSetting('operators', ['ana']))).toBe('read-only')
    ro.close()
    expect(sha256(file)).toBe(before)
  })

  it('refuses a file whose header is damaged and does not overwrite it', () => {
    const file = filledWorkspace('header.db')
    const fd = openSync(file, 'r+')
    writeSync(fd, Buffer.from('garbage garbage!'), 0, 16, 0)
    closeSync(fd)
    const before = sha256(file)
    expect(codeOf(() => openWorkspace(file))).toBe('corrupt')
    expect(sha256(file)).toBe(before)
    expect(checkIntegrity(file).ok).toBe(false)
  })

  it('refuses a file with damaged pages (quick_check) and does not overwrite it', () => {
    const file = filledWorkspace('pages.db')
    const size = statSync(file).size
    const page = 4096
    const fd = openSync(file, 'r+')
    // Scribble over several whole pages in the middle: b-tree pages of the steps table.
    const junk = Buffer.alloc(page * 4, 0xa7)
    writeSync(fd, junk, 0, junk.length, Math.floor(size / 2 / page) * page)
    closeSync(fd)
    const before = sha256(file)
    let error: StoreError | undefined
    try {
      openWorkspace(file)
    } catch (err) {
      error = err as StoreError
    }
    expect(error?.code).toBe('corrupt')
    expect(error?.message).toMatch(/left as it is|refused/)
    expect(sha256(file)).toBe(before)
    const report = checkIntegrity(file)
    expect(report.ok).toBe(false)
    expect(report.problems.length).toBeGreaterThan(0)
    expect(sha256(file)).toBe(before)
  })

  it('refuses a truncated file', () => {
    const file = filledWorkspace('short.db')
    truncateSync(file, statSync(file).size - 1000)
    const before = sha256(file)
    expect(codeOf(() => openWorkspace(file))).toBe('corrupt')
    expect(sha256(file)).toBe(before)
  })

  it('refuses another program’s SQLite file and a file that is not SQLite at all', () => {
    const foreign = tmp.path('foreign.db')
    const raw = new Database(foreign)
    raw.exec('CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES (1)')
    raw.close()
    const before = sha256(foreign)
    expect(codeOf(() => openWorkspace(foreign))).toBe('not-workbench')
    expect(sha256(foreign)).toBe(before)

    const text = tmp.path('notes.txt')
    writeFileSync(text, 'just some text that is long enough to have a header of one hundred bytes '.repeat(3))
    expect(codeOf(() => openWorkspace(text))).toBe('corrupt')
  })

  it('refuses a read-only open of a missing file, and creating one where it cannot', () => {
    expect(codeOf(() => openWorkspace(tmp.path('missing.db'), { readonly: true }))).toBe('not-found')
    expect(codeOf(() => openWorkspace(tmp.path('no/such/folder.db')))).toBe('not-found')
    chmodSync(tmp.dir, 0o555)
    expect(codeOf(() => openWorkspace(tmp.path('new.db')))).toBe('read-only')
  })

  it('refuses to write into a read-only folder, even as root (the folder bits count)', () => {
    const file = filledWorkspace('in-ro-folder.db')
    chmodSync(tmp.dir, 0o555)
    const before = sha256(file)
    expect(codeOf(() => openWorkspace(file))).toBe('read-only')
    expect(readdirSync(tmp.dir)).toEqual(['in-ro-folder.db'])
    expect(sha256(file)).toBe(before)
  })

  it('reading a read-only file (db check, db info, read-only open) leaves no -wal or -shm beside it', () => {
    const file = filledWorkspace('ro-read.db')
    chmodSync(file, 0o444)
    expect(readdirSync(tmp.dir)).toEqual(['ro-read.db'])
    expect(checkIntegrity(file).ok).toBe(true)
    expect(describeWorkspace(file).rows.episodes).toBe(3)
    const ro = openWorkspace(file, { readonly: true })
    expect(ro.listEpisodes()).toHaveLength(3)
    ro.close()
    expect(readdirSync(tmp.dir)).toEqual(['ro-read.db'])
  })

  it('refuses a 0-byte file at every open, as db check does, and leaves it as it is', () => {
    const file = tmp.path('empty.db')
    writeFileSync(file, '')
    expect(codeOf(() => openWorkspace(file))).toBe('corrupt')
    expect(codeOf(() => openWorkspace(file, { readonly: true }))).toBe('corrupt')
    expect(checkIntegrity(file).ok).toBe(false)
    expect(statSync(file).size).toBe(0)
    expect(readdirSync(tmp.dir)).toEqual(['empty.db'])
  })

  it('refuses a folder or a FIFO named as the workspace in one line', () => {
    mkdirSync(tmp.path('a-folder.db'))
    let error: unknown
    try {
      openWorkspace(tmp.path('a-folder.db'))
    } catch (err) {
      error = err
    }
    expect((error as StoreError).message).toBe(`${tmp.path('a-folder.db')} is a folder, not a workspace file`)
    expect(checkIntegrity(tmp.path('a-folder.db')).problems).toEqual([
      `${tmp.path('a-folder.db')} is a folder, not a workspace file`,
    ])
    execFileSync('mkfifo', [tmp.path('pipe.db')])
    expect(codeOf(() => openWorkspace(tmp.path('pipe.db')))).toBe('io')
    expect(codeOf(() => describeWorkspace(tmp.path('pipe.db')))).toBe('io')
  })

  it('checkIntegrity reports ok for a sound workspace', () => {
    const file = filledWorkspace('ok.db')
    expect(checkIntegrity(file)).toEqual({
      ok: true,
      problems: [],
      schemaVersion: SCHEMA_VERSION,
    })
  })
})
