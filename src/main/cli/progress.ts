// A one-line progress bar on stderr for long CLI work; plain lines when stderr is not a terminal.
import type { QueuedState } from '../../shared/queue'
export interface ProgressBar {
  update(done: number, message?: string): void
  finish(message?: string): void
}

export interface ProgressBarOptions {
  /** work done before this run (finished sessions reused, labels stored before a resume): the bar starts there,
   * and the time left is estimated from this run's own rate */
  from?: number
  stream?: NodeJS.WritableStream & { isTTY?: boolean }
}

export function progressBar(label: string, total: number, opts: ProgressBarOptions = {}): ProgressBar {
  const stream = opts.stream ?? process.stderr
  const from = Math.min(opts.from ?? 0, total)
  const tty = Boolean(stream.isTTY)
  const start = Date.now()
  let lastPrint = 0
  let lastPct = -1
  const render = (done: number, message = ''): string => {
    const frac = total > 0 ? Math.min(1, done / total) : 0
    const width = 28
    const filled = Math.round(frac * width)
    const secs = (Date.now() - start) / 1000
    const ran = Math.min(done, total) - from
    const eta = ran > 0 ? ((secs * (total - Math.min(done, total))) / ran).toFixed(0) : '?'
    return `${label} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${(frac * 100).toFixed(0).padStart(3)}% ${done}/${total} ${secs.toFixed(0)}s eta ${eta}s ${message}`
  }
  return {
    update(done, message) {
      const now = Date.now()
      if (tty) {
        if (now - lastPrint < 100 && done < total) return
        lastPrint = now
        stream.write(`\r\x1b[2K${render(done, message)}`)
      } else {
        // Non-terminal: a line per 10% so logs stay readable.
        const pct = Math.floor((total > 0 ? done / total : 0) * 10)
        if (pct === lastPct) return
        lastPct = pct
        stream.write(`${render(done, message)}\n`)
      }
    },
    finish(message) {
      const line = render(total, message)
      stream.write(tty ? `\r\x1b[2K${line}\n` : `${line}\n`)
    },
  }
}

/** 'queued 3, running 2, done 1, failed 0' for a sweep's sessions (undefined: not started, counted as queued). */
export function stateCounts(states: readonly (QueuedState | undefined)[]): string {
  const n = { queued: 0, running: 0, done: 0, failed: 0 }
  for (const s of states) n[s ?? 'queued']++
  return `queued ${n.queued}, running ${n.running}, done ${n.done}, failed ${n.failed}`
}
