// EpisodeRecorder: records one episode's steps without stalling the control loop. append() only copies the
// vectors into a buffer; the buffer is written in one transaction at least every flushMs (a timer) and soon
// after every flushSteps steps, so a crash loses at most about a second. finish() settles the episode atomically.
import type Database from 'better-sqlite3'
import { toBlob } from './codec'
import { StoreError, toStoreError } from './errors'
import { STEP_SOURCES, type StepRecord } from './types'

/** The index of the first NaN or infinity in a vector, or -1. */
function firstNonFinite(values: ArrayLike<number>): number {
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i])) return i
  return -1
}

/** About 30 MB of WAL for Hopper-sized steps (an hour at 50 Hz is 180,000 steps). */
const CHECKPOINT_EVERY_STEPS = 50_000

export interface RecorderOptions {
  /** longest time between flushes while recording (ms); default 500, well inside the one-second promise */
  flushMs?: number
  /** flush soon after this many buffered steps; default 50 (one second at 50 Hz) */
  flushSteps?: number
  /**
   * A background flush failed (disk full, I/O error): called at once, on the first failure after a success, so
   * the caller can stop recording and tell the person. The steps stay buffered and finish() retries them.
   */
  onFlushError?: (err: StoreError) => void
}

export interface EpisodeSummary {
  episodeId: number
  steps: number
  ret: number
  kept: boolean
}

interface PendingStep {
  state: Buffer
  observation: Buffer
  action: Buffer
  reward: number
  source: string
}

export class EpisodeRecorder {
  private buffer: PendingStep[] = []
  private appended = 0
  private flushed = 0
  private returnSoFar = 0
  private flushedReturn = 0
  private timer: NodeJS.Timeout | null
  private immediate: NodeJS.Immediate | null = null
  private flushError: StoreError | null = null
  private done = false
  private flushTimes: number[] = []
  private unCheckpointed = 0
  private readonly flushSteps: number
  private readonly onFlushError: ((err: StoreError) => void) | undefined
  private readonly insertStep: Database.Statement
  private readonly updateProgress: Database.Statement
  private readonly writeBatch: Database.Transaction<() => void>

  constructor(
    private readonly db: Database.Database,
    private readonly file: string,
    readonly episodeId: number,
    options: RecorderOptions,
    private readonly onSettled: (r: EpisodeRecorder) => void,
  ) {
    this.flushSteps = Math.max(1, options.flushSteps ?? 50)
    this.onFlushError = options.onFlushError
    this.insertStep = db.prepare(
      'INSERT INTO steps (episode_id, idx, state, observation, action, reward, source) VALUES (?, ?, ?, ?, ?, ?, ?)',
    )
    this.updateProgress = db.prepare('UPDATE episodes SET steps = ?, ret = ? WHERE id = ?')
    this.writeBatch = db.transaction(() => this.writePending())
    const flushMs = Math.max(10, options.flushMs ?? 500)
    this.timer = setInterval(() => this.flushQuietly(), flushMs)
    // The timer alone must not keep a process alive; an unfinished episode is recovered as interrupted.
    this.timer.unref()
  }

  /** steps appended so far */
  get steps(): number {
    return this.appended
  }
  /** steps committed to the file so far */
  get flushedSteps(): number {
    return this.flushed
  }
  get ret(): number {
    return this.returnSoFar
  }
  /** wall time of each flush transaction so far (ms): what recording costs the thread that owns the connection */
  get flushDurations(): readonly number[] {
    return this.flushTimes
  }

  /** the last background flush failure, if the latest attempt failed (finish() retries and throws it) */
  get error(): StoreError | null {
    return this.flushError
  }
  get finished(): boolean {
    return this.done
  }

  append(step: StepRecord): void {
    if (this.done) throw new StoreError('closed', `episode ${this.episodeId} is already finished`)
    if (!STEP_SOURCES.includes(step.source)) throw new StoreError('io', `unknown step source '${step.source}'`)
    if (!Number.isFinite(step.reward)) throw new StoreError('io', `step reward must be finite, got ${step.reward}`)
    // A NaN or an infinity would be stored, then refused by every export and import: refuse it here, at the source.
    for (const key of ['state', 'observation', 'action'] as const) {
      const at = firstNonFinite(step[key])
      if (at >= 0)
        throw new StoreError(
          'io',
          `step ${this.appended} ${key}[${at}] must be finite, got ${step[key][at]}; step not recorded`,
        )
    }
    // Copy now: callers reuse their arrays between steps.
    this.buffer.push({
      state: toBlob(step.state),
      observation: toBlob(step.observation),
      action: toBlob(step.action),
      reward: step.reward,
      source: step.source,
    })
    this.appended++
    this.returnSoFar += step.reward
    if (this.buffer.length >= 8 * this.flushSteps && !this.flushError) {
      // The event loop is not turning (a tight synchronous loop): write now rather than grow without bound.
      // (After a failed flush the timer retries; the caller was told and stops appending.)
      this.flush()
    } else if (this.buffer.length >= this.flushSteps && !this.immediate) {
      this.immediate = setImmediate(() => {
        this.immediate = null
        this.flushQuietly()
      })
    }
  }

  /** Write the buffered steps now (one transaction). */
  flush(): void {
    if (this.buffer.length === 0) return
    const before = { buffer: this.buffer, flushed: this.flushed, ret: this.flushedReturn }
    const t0 = performance.now()
    try {
      this.writeBatch.immediate()
      this.flushTimes.push(performance.now() - t0)
      // Automatic checkpoints are off while recording; bound the WAL of a very long recording anyway.
      this.unCheckpointed += this.flushed - before.flushed
      if (this.unCheckpointed >= CHECKPOINT_EVERY_STEPS) {
        this.unCheckpointed = 0
        this.db.pragma('wal_checkpoint(PASSIVE)')
      }
    } catch (err) {
      // Rolled back: keep the steps buffered for the next try.
      this.buffer = before.buffer
      this.flushed = before.flushed
      this.flushedReturn = before.ret
      throw toStoreError(err, this.file)
    }
  }

  /**
   * keep: commit the episode as complete with its return; otherwise delete it and its steps.
   * Either way in one transaction, so the file never holds a half-settled episode.
   */
  finish(options: { keep: boolean }): EpisodeSummary {
    if (this.done) throw new StoreError('closed', `episode ${this.episodeId} is already finished`)
    this.stopTimers()
    const before = {
      buffer: this.buffer,
      flushed: this.flushed,
      ret: this.flushedReturn,
    }
    try {
      this.db
        .transaction(() => {
          if (options.keep) {
            this.writePending()
            this.db
              .prepare(
                'UPDATE episodes SET complete = 1, interrupted = 0, writer_pid = NULL, steps = ?, ret = ?, finished_at = ? WHERE id = ?',
              )
              .run(this.appended, this.returnSoFar, new Date().toISOString(), this.episodeId)
          } else {
            this.buffer = []
            this.db.prepare('DELETE FROM episodes WHERE id = ?').run(this.episodeId)
          }
        })
        .immediate()
    } catch (err) {
      this.buffer = before.buffer
      this.flushed = before.flushed
      this.flushedReturn = before.ret
      throw toStoreError(err, this.file)
    }
    this.done = true
    this.onSettled(this)
    return {
      episodeId: this.episodeId,
      steps: this.appended,
      ret: this.returnSoFar,
      kept: options.keep,
    }
  }

  /**
   * The workspace is closing with this episode unfinished: keep what was recorded, marked interrupted.
   * dropPending: the buffered steps cannot be written (the disk is full): keep only the steps already flushed.
   */
  interrupt(options: { dropPending?: boolean } = {}): void {
    if (this.done) return
    this.stopTimers()
    if (options.dropPending) this.buffer = []
    try {
      this.db
        .transaction(() => {
          this.writePending()
          this.db
            .prepare('UPDATE episodes SET interrupted = 1, writer_pid = NULL, finished_at = ? WHERE id = ?')
            .run(new Date().toISOString(), this.episodeId)
        })
        .immediate()
    } finally {
      this.done = true
      this.onSettled(this)
    }
  }

  private writePending(): void {
    const batch = this.buffer
    if (batch.length === 0) return
    let index = this.flushed
    let ret = this.flushedReturn
    for (const s of batch) {
      this.insertStep.run(this.episodeId, index++, s.state, s.observation, s.action, s.reward, s.source)
      ret += s.reward
    }
    this.updateProgress.run(index, ret, this.episodeId)
    // Only after the statements succeeded (the transaction commits right after): a failed flush is retried.
    this.buffer = []
    this.flushed = index
    this.flushedReturn = ret
  }

  private flushQuietly(): void {
    if (this.done) return
    try {
      this.flush()
      this.flushError = null
    } catch (err) {
      // The steps stay buffered for the retry; the caller hears of the first failure at once.
      const first = this.flushError === null
      this.flushError = toStoreError(err, this.file)
      if (first) this.onFlushError?.(this.flushError)
    }
  }

  private stopTimers(): void {
    if (this.timer) clearInterval(this.timer)
    this.timer = null
    if (this.immediate) clearImmediate(this.immediate)
    this.immediate = null
  }
}
