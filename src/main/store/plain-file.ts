// The one rule for reading a file that came from outside (a workbench export, a LeRobot folder): only regular
// files inside the folder given, never through a symbolic link, and never more bytes than a bound. A symlink could
// lead anywhere (/etc/passwd, /proc/self/environ) and a device or FIFO (/dev/zero) reports a size of 0 and never
// ends, so neither lstat nor stat's size is trusted alone (issue #27).
import { closeSync, constants, fstatSync, lstatSync, openSync, readSync } from 'node:fs'
import { join } from 'node:path'
import { StoreError } from './errors'

/**
 * Open `path` for reading: only a regular file. A symlink is refused without following it, and O_NONBLOCK keeps a
 * FIFO from hanging the open. `what` names the file in the error.
 */
export function openRegular(path: string, what: string): number {
  let fd: number
  try {
    if (lstatSync(path).isSymbolicLink()) throw new StoreError('invalid-export', `${what} is a symbolic link; refused`)
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK)
  } catch (err) {
    if (err instanceof StoreError) throw err
    const code = (err as NodeJS.ErrnoException).code
    if (code === 'ENOENT') throw new StoreError('invalid-export', `${what} is missing`)
    if (code === 'ELOOP') throw new StoreError('invalid-export', `${what} is a symbolic link; refused`)
    throw new StoreError('invalid-export', `${what} cannot be read (${code ?? String(err)})`)
  }
  if (!fstatSync(fd).isFile()) {
    closeSync(fd)
    throw new StoreError('invalid-export', `${what} is not a regular file; refused`)
  }
  return fd
}

/**
 * Open `rel` ('/'-separated) under `root` like openRegular, and also refuse a symlinked folder on the way (O_NOFOLLOW
 * guards only the last part). Errors name the part by its path under `root`, after `prefix`.
 */
export function openInside(root: string, rel: string, prefix = ''): number {
  const parts = rel.split('/')
  for (let i = 1; i < parts.length; i++) {
    const folder = parts.slice(0, i).join('/')
    let isLink = false
    let isFolder = false
    try {
      const st = lstatSync(join(root, folder))
      isLink = st.isSymbolicLink()
      isFolder = st.isDirectory()
    } catch {
      throw new StoreError('invalid-export', `${prefix}${rel} is missing`)
    }
    if (isLink) throw new StoreError('invalid-export', `${prefix}${folder} is a symbolic link; refused`)
    if (!isFolder) throw new StoreError('invalid-export', `${prefix}${folder} is not a folder; refused`)
  }
  return openRegular(join(root, rel), `${prefix}${rel}`)
}

/**
 * Read an open file to its end, at most `max` bytes: it stops one byte past the bound whatever stat said (a file
 * can grow while it is read), and closes the file.
 */
export function readAtMost(fd: number, max: number, what: string): Buffer<ArrayBuffer> {
  const chunks: Buffer[] = []
  let total = 0
  try {
    for (;;) {
      const chunk = Buffer.allocUnsafe(Math.min(1 << 20, max + 1 - total))
      const n = readSync(fd, chunk, 0, chunk.length, null)
      if (n === 0) break
      chunks.push(chunk.subarray(0, n))
      total += n
      if (total > max) throw new StoreError('invalid-export', `${what} is larger than ${max} bytes`)
    }
  } finally {
    closeSync(fd)
  }
  return Buffer.concat(chunks, total)
}
