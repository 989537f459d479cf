// The operator's live simulation: one Env stepped in real time at the task's control rate with the action the
// person holds, a history of recent states to scrub back through, and the steps of a recording handed out in
// batches. It runs inside the teleop worker (teleop-worker.ts) so the main process never waits on physics.
import type { EpisodeEnd, Frame, TaskInfo } from '../../shared/contract'
import type { Env } from './env'

/** One recorded control step: the state and observation the action was taken in, the action, the reward. */
export interface TeleopStep {
  state: number[]
  observation: number[]
  action: number[]
  reward: number
}

export interface TeleopStatus {
  paused: boolean
  speed: number
  step: number
  recording: boolean
  recordedSteps: number
}

export type TeleopControl = 'pause' | 'resume' | 'step' | 'reset' | 'speed' | 'seek' | 'start-on-input'

interface HistoryEntry {
  step: number
  ret: number
  state: Float64Array
}

export interface TeleopLoopOptions {
  seed?: number
  /** seconds of states kept for the history scrubber (MuJoCo simulate keeps a similar window) */
  historySeconds?: number
  /** how often a frame goes to the page; the control loop itself runs at the task's rate */
  displayHz?: number
  /** a frame to show */
  onFrame: (frame: Frame) => void
  /** recorded steps, at most ~100 ms old */
  onSteps: (steps: TeleopStep[]) => void
  /** the episode ended (terminated or truncated); the loop has reset and stopped recording */
  onEpisodeEnd?: (info: {
    terminated: boolean
    truncated: boolean
    steps: number
    ret: number
    success: boolean | null
  }) => void
  now?: () => number
}

export const MIN_SPEED = 0.05
export const MAX_SPEED = 8

export class TeleopLoop {
  readonly task: TaskInfo
  private readonly held: Float64Array
  private readonly history: HistoryEntry[] = []
  private readonly historyLimit: number
  private readonly displayMs: number
  private readonly now: () => number
  private paused = false
  /** start on first input: each new episode holds still until the held action leaves neutral */
  private startOnInput = false
  private waiting = false
  private speed = 1
  private step = 0
  private ret = 0
  private reward = 0
  /** the last step's info.success; undefined for tasks without one and before the episode's first step */
  private success: boolean | undefined
  /** the latest episode that ended, shown with every frame until the next one ends */
  private ended: EpisodeEnd | undefined
  private seed: number
  private recording = false
  private recordedSteps = 0
  private pending: TeleopStep[] = []
  private lastFlush = 0
  private lastFrameAt = -Infinity
  /** wall-clock ms of recent steps, to measure the real control rate */
  private readonly stepTimes: number[] = []
  private nextDue = 0
  private behind = false
  private timer: ReturnType<typeof setTimeout> | null = null
  private running = false

  constructor(
    private readonly env: Env,
    private readonly opts: TeleopLoopOptions,
  ) {
    this.task = env.task
    this.now = opts.now ?? (() => performance.now())
    this.seed = opts.seed ?? 0
    this.held = this.neutralAction()
    this.historyLimit = Math.max(1, Math.round((opts.historySeconds ?? 10) * this.task.controlHz))
    this.displayMs = 1000 / (opts.displayHz ?? 60)
    env.reset(this.seed)
    this.remember()
  }

  /** Zero where the range allows it, else the middle of the range: what "sticks released" means. */
  private neutralAction(): Float64Array {
    const { actionLow: lo, actionHigh: hi, actDim } = this.task
    const a = new Float64Array(actDim)
    for (let i = 0; i < actDim; i++) a[i] = lo[i] <= 0 && hi[i] >= 0 ? 0 : (lo[i] + hi[i]) / 2
    return a
  }

  /** Validate (length, finite) and clip to the action bounds, the same rule Env.step applies. */
  setAction(action: ArrayLike<number>): void {
    const { actDim, actionLow: lo, actionHigh: hi } = this.task
    if (action.length !== actDim)
      throw new RangeError(`action has ${action.length} values, task ${this.task.id} takes ${actDim}`)
    for (let i = 0; i < actDim; i++) {
      const v = action[i]
      if (!Number.isFinite(v)) throw new RangeError(`action[${i}] is not a finite number`)
      this.held[i] = Math.min(hi[i], Math.max(lo[i], v))
    }
  }

  private isNeutral(): boolean {
    const n = this.neutralAction()
    return this.held.every((v, i) => v === n[i])
  }

  status(): TeleopStatus {
    return {
      paused: this.paused,
      speed: this.speed,
      step: this.step,
      recording: this.recording,
      recordedSteps: this.recordedSteps,
    }
  }

  frame(): Frame {
    const f = this.env.frame()
    return {
      ...f,
      step: this.step,
      reward: this.reward,
      ret: this.ret,
      action: Array.from(this.held),
      controlHz: this.measuredHz(),
      behind: this.behind,
      recording: this.recording,
      paused: this.paused,
      ...(this.startOnInput ? { waiting: this.waiting } : {}),
      ...(this.success !== undefined ? { success: this.success } : {}),
      ...(this.ended ? { ended: this.ended } : {}),
    }
  }

  /** Start the real-time loop (a timer per control step; a late timer catches up by stepping more). */
  start(): void {
    if (this.running) return
    this.running = true
    this.nextDue = this.now()
    this.schedule(0)
  }

  stop(): void {
    this.running = false
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
  }

  private schedule(ms: number): void {
    if (!this.running) return
    this.timer = setTimeout(() => this.tick(), Math.max(0, ms))
  }

  private tick(): void {
    this.timer = null
    if (!this.running) return
    const now = this.now()
    const periodMs = 1000 / (this.task.controlHz * this.speed)
    if (this.waiting && !this.isNeutral()) {
      // the person moved: the episode starts now (cartpole should not fall before anyone can act)
      this.waiting = false
      this.nextDue = now
      this.stepTimes.length = 0
    }
    if (!this.paused && !this.waiting) {
      // Catch up at most a quarter second; beyond that the simulation is behind real time: say so and skip ahead.
      let n = 0
      const maxCatchUp = Math.max(1, Math.ceil(250 / periodMs))
      while (this.nextDue <= now && n < maxCatchUp && !this.paused) {
        this.advance(now)
        this.nextDue += periodMs
        n++
      }
      if (now - this.nextDue > 250) {
        this.behind = true
        this.nextDue = now + periodMs
      } else {
        const hz = this.measuredHz()
        const target = this.task.controlHz * this.speed
        this.behind = hz !== undefined && this.stepTimes.length >= target / 2 && hz < 0.9 * target
      }
    } else {
      this.nextDue = now + periodMs
    }
    // While paused nothing moves: control() sends the frame after each command instead.
    const still = this.paused || this.waiting
    if (!still && now - this.lastFrameAt >= this.displayMs) this.emitFrame(now)
    this.flush(false)
    this.schedule(still ? this.displayMs : this.nextDue - this.now())
  }

  private emitFrame(now = this.now()): void {
    this.lastFrameAt = now
    this.opts.onFrame(this.frame())
  }

  /** One control step with the held action. */
  private advance(now = this.now()): void {
    const before = this.recording ? this.env.getState() : null
    const obs = this.recording ? this.env.observe() : null
    const r = this.env.step(this.held)
    this.step++
    this.reward = r.reward
    this.ret += r.reward
    this.success = typeof r.info.success === 'boolean' ? r.info.success : undefined
    this.stepTimes.push(now)
    while (this.stepTimes.length && now - this.stepTimes[0] > 1000) this.stepTimes.shift()
    if (before && obs) {
      this.pending.push({
        state: Array.from(before),
        observation: Array.from(obs),
        action: Array.from(this.held),
        reward: r.reward,
      })
      this.recordedSteps++
    }
    this.remember()
    if (r.terminated || r.truncated) {
      const success = this.success ?? null
      const info = { terminated: r.terminated, truncated: r.truncated, steps: this.step, ret: this.ret, success }
      this.ended = {
        count: (this.ended?.count ?? 0) + 1,
        steps: this.step,
        ret: this.ret,
        success,
        truncated: r.truncated,
        recorded: this.recording,
      }
      this.recording = false
      this.flush(true)
      this.opts.onEpisodeEnd?.(info)
      this.resetEnv(this.seed + 1)
    }
  }

  /** Steps per wall-clock second over the last second, undefined until there is a second's worth. */
  private measuredHz(): number | undefined {
    const t = this.stepTimes
    if (t.length < 2 || this.paused) return undefined
    const span = t[t.length - 1] - t[0]
    return span > 0 ? ((t.length - 1) * 1000) / span : undefined
  }

  private remember(): void {
    this.history.push({ step: this.step, ret: this.ret, state: this.env.getState() })
    if (this.history.length > this.historyLimit) this.history.splice(0, this.history.length - this.historyLimit)
  }

  private resetEnv(seed: number): void {
    this.seed = seed
    this.env.reset(seed)
    this.step = 0
    this.ret = 0
    this.reward = 0
    this.success = undefined
    this.history.length = 0
    this.stepTimes.length = 0
    this.waiting = this.startOnInput
    this.remember()
  }

  /** Hand recorded steps out: every ~100 ms, or now when forced. */
  private flush(force: boolean): void {
    const now = this.now()
    if (!this.pending.length) return
    if (!force && now - this.lastFlush < 100) return
    this.lastFlush = now
    const batch = this.pending
    this.pending = []
    this.opts.onSteps(batch)
  }

  control(command: TeleopControl, value?: number): TeleopStatus {
    switch (command) {
      case 'pause':
        this.paused = true
        break
      case 'resume':
        this.paused = false
        this.nextDue = this.now()
        this.stepTimes.length = 0
        break
      case 'step':
        this.paused = true
        for (let i = 0; i < Math.max(1, Math.min(1000, Math.round(value ?? 1))); i++) this.advance()
        break
      case 'reset':
        if (this.recording) throw new Error('stop recording before resetting')
        this.resetEnv(value !== undefined ? Math.round(value) : this.seed + 1)
        break
      case 'start-on-input':
        this.startOnInput = value !== undefined && value !== 0
        // armed now, the current episode waits too if it has not begun (still at its first state)
        this.waiting = this.startOnInput && this.step === 0 && this.isNeutral()
        break
      case 'speed':
        if (value === undefined || !(value > 0)) throw new RangeError('speed needs a positive value')
        this.speed = Math.min(MAX_SPEED, Math.max(MIN_SPEED, value))
        this.stepTimes.length = 0
        break
      case 'seek': {
        if (value === undefined) throw new RangeError('seek needs a step number')
        if (this.recording) throw new Error('stop recording before seeking back')
        const h = this.history
        const first = h[0].step
        const target = Math.min(h[h.length - 1].step, Math.max(first, Math.round(value)))
        const idx = h.findIndex((e) => e.step === target)
        const entry = h[idx]
        // Scrubbing pauses, like MuJoCo simulate; resuming continues from the chosen state, dropping the later ones.
        this.paused = true
        this.env.setState(entry.state)
        this.step = entry.step
        this.ret = entry.ret
        h.length = idx + 1
        break
      }
    }
    this.flush(true)
    this.emitFrame()
    return this.status()
  }

  /** The oldest and newest steps the scrubber can reach. */
  historyRange(): { first: number; last: number } {
    return { first: this.history[0].step, last: this.history[this.history.length - 1].step }
  }

  /**
   * Record from here, or (fresh) from a new episode at the next seed: a demonstration then runs from step 0, and with
   * start on first input the new episode waits until the person moves.
   */
  startRecording(fresh = false): TeleopStatus {
    if (!this.recording) {
      if (fresh) {
        this.resetEnv(this.seed + 1)
        // a paused simulation would ignore the person's first input; the fresh episode waits for it instead
        if (this.startOnInput) this.paused = false
      }
      this.recording = true
      this.recordedSteps = 0
      this.pending = []
      if (fresh) this.emitFrame()
    }
    return this.status()
  }

  stopRecording(): TeleopStatus {
    this.recording = false
    this.flush(true)
    return this.status()
  }

  close(): void {
    this.stop()
    this.flush(true)
    this.env.close()
  }
}
