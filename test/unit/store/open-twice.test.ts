// A second connection opened in a process that already has the workspace open must not cost the first its
// locks. POSIX advisory locks belong to the process: closing any descriptor of the file (a header read through
// node:fs, say) drops every lock SQLite holds on it. Another program that then opens and closes the file
// believes it is the last one, checkpoints and deletes the -wal and -shm under the open connections, and the
// next session opened in the first process fails with "disk I/O error" (seen in long `iwb compare` runs that
// sqlite3 read beside them).
import { afterEach, beforeEach, expect, it } from 'vitest'
import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { openDatabase } from '../../../src/main/store/open'
import { tempDir } from './helpers'

let tmp: ReturnType<typeof tempDir>
beforeEach(() => (tmp = tempDir()))
afterEach(() => tmp.cleanup())

/** Open and close the file from another program: Debian's Python, whose SQLite deletes a -wal it closes last. */
function readFromAnotherProcess(file: string): void {
  const script =
    'import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); c.execute("SELECT count(*) FROM sqlite_master").fetchall(); c.close()'
  execFileSync('/usr/bin/python3', ['-c', script, file])
}

it('keeps the -wal of a workspace open twice in one process when another process reads it', () => {
  const file = tmp.path('twice.db')
  const first = openDatabase(file)
  first.db.exec('CREATE TABLE scratch (x INTEGER)')
  first.db.pragma('wal_checkpoint(TRUNCATE)') // the main file has pages (its header is read), the -wal is empty
  first.db.exec('INSERT INTO scratch VALUES (1)')
  const second = openDatabase(file)
  try {
    readFromAnotherProcess(file)
    expect(existsSync(`${file}-wal`)).toBe(true)
    first.db.exec('INSERT INTO scratch VALUES (2)')
    expect(second.db.prepare('SELECT count(*) AS n FROM scratch').get()).toEqual({ n: 2 })
  } finally {
    second.db.close()
    first.db.close()
  }
})
