// Every failure the store reports to its callers, with a code the CLI, the services and tests can switch on.
export type StoreErrorCode =
  | 'locked' // another connection held the write lock past the busy timeout
  | 'read-only' // the file (or the open mode) does not allow writing
  | 'corrupt' // bad header or failed quick_check: refused, never repaired or overwritten
  | 'not-workbench' // a readable SQLite file from some other program
  | 'too-new' // written by a newer workbench than this one: refused, never altered
  | 'needs-migration' // opened read-only but older than this code: open it read-write once
  | 'not-found' // a session, episode or file that does not exist
  | 'invalid-export' // an export directory that failed validation; nothing was written
  | 'closed' // used after close()
  | 'busy' // a session another process runs now (its lease is live)
  | 'invalid-value' // a value the workspace does not store (shared/stored-values.ts); nothing was written
  | 'in-use' // a task whose model recorded episodes or sessions depend on: it is not replaced
  | 'io' // any other SQLite or file-system failure

export class StoreError extends Error {
  constructor(
    readonly code: StoreErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options)
    this.name = 'StoreError'
  }
}

/** SQLite's error code from a better-sqlite3 SqliteError (or anything else), e.g. 'SQLITE_BUSY'. */
export function sqliteCode(err: unknown): string | null {
  const code = (err as { code?: unknown } | null)?.code
  return typeof code === 'string' ? code : null
}

/** Map a driver error to a StoreError that says what happened to which file. */
export function toStoreError(err: unknown, file: string): StoreError {
  if (err instanceof StoreError) return err
  const code = sqliteCode(err) ?? ''
  const detail = err instanceof Error ? err.message : String(err)
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return new StoreError(
      'locked',
      `workspace ${file} is locked by another program or connection (${detail}); close it there or retry`,
      { cause: err },
    )
  }
  if (code.startsWith('SQLITE_READONLY')) {
    return new StoreError('read-only', `workspace ${file} is read-only (${detail})`, { cause: err })
  }
  if (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB') {
    return new StoreError('corrupt', `workspace ${file} is damaged (${detail}); it was left as it is`, { cause: err })
  }
  if (code === 'SQLITE_CANTOPEN' || code === 'ENOENT') {
    return new StoreError('not-found', `cannot open workspace ${file} (${detail})`, { cause: err })
  }
  return new StoreError('io', `workspace ${file}: ${detail}`, { cause: err })
}
