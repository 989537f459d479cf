// The main-thread handle on a teleop worker: typed requests with replies, and callbacks for what the worker
// pushes (frames at display rate, recorded steps in ~100 ms batches, episode ends).
import type { Worker } from 'node:worker_threads'
import type { Frame, SceneGeometry, TaskInfo } from '../../shared/contract'
import { startWorker } from '../workers'
import { taskCarry } from './registry'
import type { TeleopControl, TeleopStatus, TeleopStep } from './teleop-loop'
import type { FromWorker, TeleopReply, TeleopRequest } from './teleop-protocol'

export interface TeleopCallbacks {
  onFrame(frame: Frame): void
  onSteps(steps: TeleopStep[]): void
  onEpisodeEnd?(info: {
    terminated: boolean
    truncated: boolean
    steps: number
    ret: number
    success: boolean | null
  }): void
  onError?(message: string): void
}

export interface TeleopOpened {
  task: TaskInfo
  geometry: SceneGeometry
  frame: Frame
  status: TeleopStatus
}

export class TeleopClient {
  /** teleop workers of this process not yet exited: what a leak would show */
  private static alive = 0
  static get liveWorkers(): number {
    return TeleopClient.alive
  }

  private nextId = 1
  private readonly waiting = new Map<number, { resolve: (r: TeleopReply) => void; reject: (e: Error) => void }>()
  private closed = false

  private constructor(
    private readonly worker: Worker,
    callbacks: TeleopCallbacks,
  ) {
    worker.on('message', (msg: FromWorker) => {
      if ('id' in msg) {
        const w = this.waiting.get(msg.id)
        this.waiting.delete(msg.id)
        if ('error' in msg) w?.reject(new Error(msg.error))
        else w?.resolve(msg.reply)
      } else if (msg.event === 'frame') callbacks.onFrame(msg.frame)
      else if (msg.event === 'steps') callbacks.onSteps(msg.steps)
      else if (msg.event === 'episode-end') callbacks.onEpisodeEnd?.(msg)
      else callbacks.onError?.(msg.error)
    })
    const fail = (err: Error): void => {
      this.closed = true
      for (const w of this.waiting.values()) w.reject(err)
      this.waiting.clear()
    }
    worker.on('error', (err) => {
      callbacks.onError?.(err.message)
      fail(err)
    })
    TeleopClient.alive++
    worker.once('exit', () => {
      TeleopClient.alive--
      fail(new Error('the teleop worker stopped'))
    })
  }

  /** Start a worker without a simulation yet (open() gives it one, for any task registered by then). */
  static start(callbacks: TeleopCallbacks): TeleopClient {
    return new TeleopClient(startWorker(new URL('./teleop-worker.ts', import.meta.url)), callbacks)
  }

  /** Start a worker and open the task's simulation in it. */
  static async open(
    taskId: string,
    seed: number,
    callbacks: TeleopCallbacks,
    options: { historySeconds?: number; displayHz?: number } = {},
  ): Promise<{ client: TeleopClient; opened: TeleopOpened }> {
    const client = TeleopClient.start(callbacks)
    try {
      return { client, opened: await client.open(taskId, seed, options) }
    } catch (err) {
      await client.close()
      throw err
    }
  }

  /** Open the task's simulation in this worker (once); a folder task travels with the request. */
  async open(
    taskId: string,
    seed: number,
    options: { historySeconds?: number; displayHz?: number } = {},
  ): Promise<TeleopOpened> {
    const reply = await this.request({ kind: 'open', taskId, seed, ...options, folderTask: taskCarry(taskId) })
    if (reply.kind !== 'opened') throw new Error(`unexpected teleop reply ${reply.kind}`)
    return reply
  }

  private request(request: TeleopRequest): Promise<TeleopReply> {
    if (this.closed) return Promise.reject(new Error('the teleop simulation is closed'))
    const id = this.nextId++
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject })
      this.worker.postMessage({ id, request })
    })
  }

  private async status(request: TeleopRequest): Promise<TeleopStatus> {
    const reply = await this.request(request)
    if (reply.kind !== 'status') throw new Error(`unexpected teleop reply ${reply.kind}`)
    return reply.status
  }

  /** The held action (already validated by the caller); no reply, only the latest matters. */
  setAction(action: number[]): void {
    if (!this.closed) this.worker.postMessage({ action })
  }

  control(command: TeleopControl, value?: number): Promise<TeleopStatus> {
    return this.status({ kind: 'control', command, value })
  }

  /** on: start recording, from a fresh episode unless `fresh` is false (the contract's default); off: stop */
  record(on: boolean, fresh = true): Promise<TeleopStatus> {
    return this.status({ kind: 'record', on, fresh })
  }

  /** Stop the simulation (flushing recorded steps first) and end the worker. Safe to call twice. */
  async close(): Promise<void> {
    if (this.closed) return
    try {
      await Promise.race([this.request({ kind: 'close' }), new Promise((r) => setTimeout(r, 2000))])
    } catch {
      // the worker is gone already
    }
    this.closed = true
    await this.worker.terminate()
  }
}
