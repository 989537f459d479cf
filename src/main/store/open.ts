// Opening a workspace file: every check before anything is written (what it is, header, quick_check,
// application id, schema version, read-only, locked), then migrations and crash recovery; and the read-only looks
// at a file that `iwb db check` and `iwb db info` take. Each refusal is a StoreError whose code says why.
import Database from 'better-sqlite3'
import {
  accessSync,
  constants,
  copyFileSync,
  existsSync,
  mkdtempSync,
  rmSync,
  statSync,
  statfsSync,
  unlinkSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, dirname, join } from 'node:path'
import { sqliteCode, toStoreError, StoreError } from './errors'
import { APPLICATION_ID, SCHEMA_VERSION, migrate } from './migrations'

export interface OpenOptions {
  /** open without writing: no migration, no crash recovery; writes fail with code 'read-only' */
  readonly?: boolean
  /** how long to wait for another connection's write lock before failing with code 'locked' (default 5000) */
  busyTimeoutMs?: number
  /**
   * 'quick': PRAGMA quick_check at open (O(file size): about 0.2 s per 50 MB here). 'header': header, page
   * size, file length, application id and schema version only. 'auto' (default): quick_check when the file is
   * at most AUTO_QUICK_CHECK_BYTES or a -wal file was left beside it (a crash, or another open connection);
   * otherwise 'header'. `iwb db check` always runs the full integrity_check.
   */
  verify?: 'quick' | 'header' | 'auto'
}

export interface IntegrityReport {
  ok: boolean
  /** integrity_check's messages, or why the file could not be checked */
  problems: string[]
  schemaVersion: number | null
}

/** Up to this size, 'auto' verification runs quick_check on every open. */
export const AUTO_QUICK_CHECK_BYTES = 128 * 2 ** 20

function chooseVerify(file: string, verify: 'quick' | 'header' | 'auto'): 'quick' | 'header' {
  if (verify !== 'auto') return verify
  const wal = `${file}-wal`
  const leftover = existsSync(wal) && statSync(wal).size > 0
  return leftover || statSync(file).size <= AUTO_QUICK_CHECK_BYTES ? 'quick' : 'header'
}

/** A file too short for the 100-byte database header (stat only: see checkHeader). */
function checkLength(file: string): void {
  const size = statSync(file).size
  if (size < 100)
    throw new StoreError('corrupt', `${file} is ${size} bytes, too short to be an SQLite database; refused`)
}

/**
 * The header's checks, read through the connection itself. Reading it through node:fs would open and close a
 * descriptor of the file, and closing any descriptor drops every POSIX lock this process holds on it, SQLite's
 * included: another program (sqlite3, Python) that then closes the file believes it is the last, checkpoints and
 * deletes the -wal under this process's open connections (test/unit/store/open-twice.test.ts).
 */
function checkHeader(db: Database.Database, file: string): void {
  try {
    db.pragma('schema_version') // reads page 1: a wrong magic string or page size is SQLITE_NOTADB
  } catch (err) {
    if (sqliteCode(err) === 'SQLITE_NOTADB')
      throw new StoreError(
        'corrupt',
        `${file} does not start with a valid SQLite header: not a workspace, or damaged; refused`,
        { cause: err },
      )
    throw err
  }
  const pageSize = db.pragma('page_size', { simple: true }) as number
  const size = statSync(file).size
  if (size % pageSize !== 0) {
    throw new StoreError(
      'corrupt',
      `${file} is ${size} bytes, not a whole number of ${pageSize}-byte pages (truncated?); refused`,
    )
  }
}

/** Write bits for someone (root passes access(2) regardless; the store honours the bits anyway). */
function hasWriteBits(path: string): boolean {
  try {
    accessSync(path, constants.W_OK)
    return (statSync(path).mode & 0o222) !== 0
  } catch {
    return false
  }
}

/** The file or its folder (WAL needs the -wal and -shm files beside it) say no writing. */
function checkWritable(file: string): void {
  if (!hasWriteBits(file) || !hasWriteBits(dirname(file))) {
    throw new StoreError(
      'read-only',
      `workspace ${file} is read-only (the file or its folder); commands that only read it work (iwb db check, db info, export), make it writable to change it`,
    )
  }
}

/**
 * A read-only connection to a WAL file creates -wal and -shm beside it (even when nothing writes). Beside a
 * read-only file (or in a read-only folder) those are litter the user did not ask for: remove the ones this
 * connection made, once it is closed, when the -wal holds nothing.
 */
function readonlyCompanions(file: string): () => void {
  const readonlyFile = !hasWriteBits(file) || !hasWriteBits(dirname(file))
  const made = [`${file}-wal`, `${file}-shm`].filter((f) => !existsSync(f))
  return () => {
    if (!readonlyFile || made.length === 0) return
    try {
      if (made.includes(`${file}-wal`) && existsSync(`${file}-wal`) && statSync(`${file}-wal`).size > 0) return
      for (const f of made) if (existsSync(f)) unlinkSync(f)
    } catch {
      // Leaving them is harmless; SQLite reuses them.
    }
  }
}

/** The folder is on a read-only file system: access(2) says EROFS, for root too. */
function onReadOnlyFileSystem(dir: string): boolean {
  try {
    accessSync(dir, constants.W_OK)
    return false
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EROFS'
  }
}

/** Free space kept in the temporary folder beside a copy made for reading. */
const COPY_HEADROOM_BYTES = 64 * 2 ** 20

/**
 * Where a read-only connection reads `file`. SQLite reads a WAL file only beside its -shm index, which it cannot
 * create on a read-only file system (a read-only mount: "unable to open database file"); nobody writes there, so a
 * private copy of the file (and its -wal) in the system's temporary folder reads the same, and is removed when the
 * connection closes. Elsewhere the file itself, with readonlyCompanions' tidying.
 */
function readonlyTarget(file: string): { path: string; afterClose: () => void } {
  const wal = `${file}-wal`
  if (!onReadOnlyFileSystem(dirname(file)) || (existsSync(`${file}-shm`) && existsSync(wal))) {
    return { path: file, afterClose: readonlyCompanions(file) }
  }
  const need = statSync(file).size + (existsSync(wal) ? statSync(wal).size : 0)
  const tmp = tmpdir()
  const free = (() => {
    const st = statfsSync(tmp)
    return st.bavail * st.bsize
  })()
  if (free < need + COPY_HEADROOM_BYTES) {
    throw new StoreError(
      'read-only',
      `workspace ${file} is on a read-only file system, where SQLite cannot read it in place, and ${tmp} has too little free space for a copy (${Math.ceil(need / 2 ** 20)} MiB); copy it to a writable folder and use the copy`,
    )
  }
  const dir = mkdtempSync(join(tmp, 'iwb-readonly-'))
  const path = join(dir, basename(file))
  try {
    copyFileSync(file, path)
    if (existsSync(wal)) copyFileSync(wal, `${path}-wal`)
  } catch (err) {
    rmSync(dir, { recursive: true, force: true })
    throw toStoreError(err, file)
  }
  return { path, afterClose: () => rmSync(dir, { recursive: true, force: true }) }
}

/**
 * The path names something that is not a regular file (a folder, a FIFO, a device): refuse in one line rather
 * than let SQLite or fs report EISDIR or hang on a pipe.
 */
function checkRegularFile(file: string): void {
  let stats
  try {
    stats = statSync(file)
  } catch {
    return // missing: the callers decide
  }
  if (stats.isDirectory()) throw new StoreError('io', `${file} is a folder, not a workspace file`)
  if (!stats.isFile()) throw new StoreError('io', `${file} is not a regular file, not a workspace file`)
}

/**
 * A 0-byte file is not a workspace: a truncated one, or something else. Every open refuses it (as db check
 * does), unless its -wal holds the content (a new workspace that crashed before its first checkpoint).
 */
function checkNotEmpty(file: string): void {
  if (statSync(file).size > 0) return
  const wal = `${file}-wal`
  if (existsSync(wal) && statSync(wal).size > 0) return
  throw new StoreError(
    'corrupt',
    `${file} is an empty (0-byte) file, not a workspace (truncated?); refused. Delete it to start a new workspace there`,
  )
}

/** A new workspace needs an existing, writable folder (for the file and its -wal/-shm companions). */
function checkCreatable(file: string): void {
  const dir = dirname(file)
  if (!existsSync(dir))
    throw new StoreError('not-found', `cannot create workspace ${file}: folder ${dir} does not exist`)
  if (!hasWriteBits(dir))
    throw new StoreError('read-only', `cannot create workspace ${file}: folder ${dir} is not writable`)
}

/** Before any write: is this a workbench file this code understands and is it intact? */
function inspect(db: Database.Database, file: string, readonly: boolean, verify: 'quick' | 'header'): void {
  if (verify === 'quick') {
    const rows = db.pragma('quick_check(20)') as { quick_check: string }[]
    const problems = rows.map((r) => r.quick_check).filter((m) => m !== 'ok')
    if (problems.length) {
      throw new StoreError('corrupt', `workspace ${file} is damaged and was left as it is: ${problems.join('; ')}`)
    }
  }
  const appId = db.pragma('application_id', { simple: true }) as number
  const version = db.pragma('user_version', { simple: true }) as number
  if (appId !== APPLICATION_ID) {
    const tables = (
      db.prepare('SELECT count(*) AS n FROM sqlite_master').get() as {
        n: number
      }
    ).n
    // A fresh, empty SQLite file may become a workspace; anything else belongs to someone else.
    if (appId !== 0 || version !== 0 || tables !== 0) {
      throw new StoreError(
        'not-workbench',
        `${file} is an SQLite database but not an Imitation Workbench workspace; refused`,
      )
    }
  }
  if (version > SCHEMA_VERSION) {
    throw new StoreError(
      'too-new',
      `workspace ${file} has schema version ${version}, but this workbench understands up to ${SCHEMA_VERSION}; ` +
        'open it with a newer workbench (the file was not changed)',
    )
  }
  if (readonly && version < SCHEMA_VERSION) {
    throw new StoreError(
      'needs-migration',
      `workspace ${file} has schema version ${version} (< ${SCHEMA_VERSION}); open it once read-write to upgrade it`,
    )
  }
}

/** Whether process `pid` of this machine is alive: signal 0 fails with ESRCH only when it is gone (EPERM: alive). */
export function pidAlive(pid: number): boolean {
  if (pid === process.pid) return true
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/**
 * The connection openWorkspace wraps: the file checked before anything is written, then (read-write) WAL,
 * migrations and crash recovery; afterClose tidies what a read-only connection left. Throws as openWorkspace says.
 */
export function openDatabase(
  file: string,
  options: OpenOptions = {},
): { db: Database.Database; readonly: boolean; afterClose: () => void } {
  const readonly = options.readonly ?? false
  checkRegularFile(file)
  const present = existsSync(file)
  if (present) checkNotEmpty(file)
  const exists = present && statSync(file).size > 0
  if (!present && readonly) throw new StoreError('not-found', `workspace ${file} does not exist`)
  if (exists) checkLength(file)
  const verify = exists ? chooseVerify(file, options.verify ?? 'auto') : 'quick'
  if (present && !readonly) checkWritable(file)
  if (!present && !readonly) checkCreatable(file)
  const target = readonly ? readonlyTarget(file) : { path: file, afterClose: () => {} }
  const tidy = target.afterClose
  let db: Database.Database
  try {
    db = new Database(target.path, {
      readonly,
      fileMustExist: readonly,
      timeout: options.busyTimeoutMs ?? 5000,
    })
  } catch (err) {
    tidy()
    if (!present) removeCreated(file)
    throw toStoreError(err, file)
  }
  try {
    if (exists) checkHeader(db, file)
    // Also for an empty main file: a new workspace that crashed before its first checkpoint lives in its -wal.
    inspect(db, file, readonly, verify)
    if (!readonly) {
      db.pragma('journal_mode = WAL')
      // In WAL, NORMAL loses nothing on a process crash (only on power loss) and keeps commits cheap.
      db.pragma('synchronous = NORMAL')
    }
    db.pragma('foreign_keys = ON')
    if (!readonly) {
      migrate(db)
      recoverInterrupted(db)
    }
  } catch (err) {
    db.close()
    tidy()
    if (!present) removeCreated(file)
    throw toStoreError(err, file)
  }
  return { db, readonly, afterClose: tidy }
}

/** A new workspace that could not be set up (disk full): leave no empty or half-made file behind. */
function removeCreated(file: string): void {
  for (const f of [file, `${file}-wal`, `${file}-shm`, `${file}-journal`]) rmSync(f, { force: true })
}

/**
 * Mark episodes whose recording process is gone as interrupted; they keep their flushed steps. Runs in a write
 * transaction even when there is nothing to do, so a workspace locked by another writer fails here, clearly.
 */
function recoverInterrupted(db: Database.Database): number {
  return db
    .transaction(() => {
      const open = db.prepare('SELECT id, writer_pid FROM episodes WHERE complete = 0 AND interrupted = 0').all() as {
        id: number
        writer_pid: number | null
      }[]
      const mark = db.prepare('UPDATE episodes SET interrupted = 1, writer_pid = NULL WHERE id = ?')
      let n = 0
      for (const e of open) {
        if (e.writer_pid !== null && pidAlive(e.writer_pid)) continue
        mark.run(e.id)
        n++
      }
      return n
    })
    .immediate()
}

/** PRAGMA integrity_check on a file, opened read-only (for `iwb db check`). Never modifies the file. */
export function checkIntegrity(file: string): IntegrityReport {
  if (!existsSync(file))
    return {
      ok: false,
      problems: [`${file} does not exist`],
      schemaVersion: null,
    }
  try {
    checkRegularFile(file)
    checkLength(file)
  } catch (err) {
    return {
      ok: false,
      problems: [(err as Error).message],
      schemaVersion: null,
    }
  }
  let db: Database.Database | null = null
  let tidy = (): void => {}
  try {
    const target = readonlyTarget(file)
    tidy = target.afterClose
    db = new Database(target.path, { readonly: true, fileMustExist: true })
    checkHeader(db, file)
    const rows = db.pragma('integrity_check') as { integrity_check: string }[]
    const problems = rows.map((r) => r.integrity_check).filter((m) => m !== 'ok')
    const fk = db.pragma('foreign_key_check') as {
      table: string
      rowid: number
      parent: string
    }[]
    for (const v of fk.slice(0, 20))
      problems.push(`foreign key: ${v.table} row ${v.rowid} refers to a missing ${v.parent}`)
    const schemaVersion = db.pragma('user_version', { simple: true }) as number
    const appId = db.pragma('application_id', { simple: true }) as number
    if (appId !== APPLICATION_ID) problems.push('not an Imitation Workbench workspace (application_id differs)')
    return { ok: problems.length === 0, problems, schemaVersion }
  } catch (err) {
    return {
      ok: false,
      problems: [toStoreError(err, file).message],
      schemaVersion: null,
    }
  } finally {
    db?.close()
    tidy()
  }
}

export interface WorkspaceDescription {
  file: string
  bytes: number
  schemaVersion: number
  codeSchemaVersion: number
  workbench: boolean
  journalMode: string
  sqlite: string
  rows: Record<string, number>
}

/** Sizes and row counts of a workspace file, read-only, without migrating or checking it (`iwb db info`). */
export function describeWorkspace(file: string): WorkspaceDescription {
  if (!existsSync(file)) throw new StoreError('not-found', `${file} does not exist`)
  checkRegularFile(file)
  checkLength(file)
  let db: Database.Database | null = null
  let tidy = (): void => {}
  try {
    const target = readonlyTarget(file)
    tidy = target.afterClose
    db = new Database(target.path, { readonly: true, fileMustExist: true })
    checkHeader(db, file)
    const tables = new Set(
      (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map(
        (r) => r.name,
      ),
    )
    const rows: Record<string, number> = {}
    for (const t of ['sessions', 'episodes', 'steps', 'labels', 'queries', 'policies', 'evaluations', 'tasks']) {
      if (tables.has(t)) rows[t] = (db.prepare(`SELECT count(*) AS n FROM ${t}`).get() as { n: number }).n
    }
    return {
      file,
      bytes: statSync(file).size,
      schemaVersion: db.pragma('user_version', { simple: true }) as number,
      codeSchemaVersion: SCHEMA_VERSION,
      workbench: db.pragma('application_id', { simple: true }) === APPLICATION_ID,
      journalMode: db.pragma('journal_mode', { simple: true }) as string,
      sqlite: (db.prepare('SELECT sqlite_version() AS v').get() as { v: string }).v,
      rows,
    }
  } catch (err) {
    throw toStoreError(err, file)
  } finally {
    db?.close()
    tidy()
  }
}
