// A demonstration's recording life cycle: start -> steps -> keep | discard | interrupt. The recorder writes the
// steps; this decides what an episode becomes. A recording whose steps could not be written (disk full, I/O
// error) has failed for good: it takes no more steps, and keep marks it interrupted and says so, even when the
// disk has room again by then (what the person drove after the fault is not in it).
import { StoreError } from './errors'
import type { EpisodeRecorder } from './recorder'
import type { StepRecord, EpisodeKind } from './types'
import type { Workspace } from './workspace'

/** What the person is told the moment a recording fails. */
export interface RecordingFailure {
  episodeId: number
  /** one line: `recording failed: <why>` */
  message: string
  /** steps in the file, of those recorded */
  saved: number
  recorded: number
}

export interface RecordingStart {
  taskId: string
  kind: EpisodeKind
  operator?: string | null
  sessionId?: number | null
  /** the recording cannot be written; called once, at the first failure */
  onFailure?: (failure: RecordingFailure) => void
}

export class Recording {
  private failed: string | null = null

  private constructor(
    private readonly recorder: EpisodeRecorder,
    private readonly onFailure: (failure: RecordingFailure) => void,
  ) {}

  static start(ws: Workspace, start: RecordingStart): Recording {
    const box: { r: Recording | null } = { r: null }
    const recorder = ws.startEpisode(
      { taskId: start.taskId, kind: start.kind, operator: start.operator ?? null, sessionId: start.sessionId },
      { onFlushError: (err) => box.r?.fail(err) },
    )
    box.r = new Recording(recorder, start.onFailure ?? (() => {}))
    return box.r
  }

  get episodeId(): number {
    return this.recorder.episodeId
  }
  /** steps recorded (appended) */
  get steps(): number {
    return this.recorder.steps
  }
  /** steps in the file */
  get savedSteps(): number {
    return this.recorder.flushedSteps
  }
  /** `recording failed: <why>` once the recording could not be written, else null */
  get failure(): string | null {
    return this.failed
  }
  /** kept, discarded or interrupted already */
  get settled(): boolean {
    return this.recorder.finished
  }

  /** Record steps; after a failure (or once settled) they are dropped, since the person was told it stopped. */
  append(steps: readonly StepRecord[]): void {
    if (this.failed !== null || this.recorder.finished) return
    try {
      for (const st of steps) this.recorder.append(st)
    } catch (err) {
      this.fail(err)
    }
  }

  /**
   * Keep the episode as complete; returns its id, or null when nothing was recorded (then it is discarded). A
   * recording that failed is kept interrupted instead, with every step that can still be written, and keep
   * throws one line saying so.
   */
  keep(): number | null {
    if (this.recorder.finished) return null
    if (this.recorder.steps === 0) {
      this.discard()
      return null
    }
    if (this.failed === null) {
      try {
        return this.recorder.finish({ keep: true }).episodeId
      } catch (err) {
        this.fail(err)
      }
    }
    const saved = this.interrupt()
    throw new StoreError(
      'io',
      `${this.failed}; episode ${this.episodeId} keeps the ${saved} of ${this.recorder.steps} steps saved before the fault, marked interrupted`,
    )
  }

  /** Delete the episode and its steps. */
  discard(): void {
    if (this.recorder.finished) return
    this.recorder.finish({ keep: false })
  }

  /**
   * Settle as interrupted (the page went away, or the recording failed): what can be written stays, marked
   * interrupted, never complete; an empty recording is discarded. Returns the steps kept. If even that cannot be
   * written, the next open of the workspace marks the episode interrupted with the steps flushed before.
   */
  interrupt(): number {
    if (this.recorder.finished) return this.recorder.flushedSteps
    if (this.recorder.steps === 0) {
      try {
        this.discard()
      } catch {
        // left for the next open, which marks the empty episode interrupted
      }
      return 0
    }
    try {
      this.recorder.flush() // the disk may have room again: keep what was buffered
    } catch {
      // still full: keep what was flushed before
    }
    try {
      this.recorder.interrupt({ dropPending: true })
    } catch {
      // the next open of the workspace marks it interrupted
    }
    return this.recorder.flushedSteps
  }

  private fail(err: unknown): void {
    if (this.failed !== null) return
    this.failed = `recording failed: ${err instanceof Error ? err.message : String(err)}`
    this.onFailure({
      episodeId: this.episodeId,
      message: this.failed,
      saved: this.recorder.flushedSteps,
      recorded: this.recorder.steps,
    })
  }
}
