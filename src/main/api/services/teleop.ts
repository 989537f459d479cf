// teleop.*: one live simulation per client (a window or a socket), run in its own worker so the main process
// only forwards frames ('sim.frame' at display rate) and writes recorded steps through the store's recorder.
// Recording: start -> (stop | the episode ends) -> keep | discard. Steps reach the recorder in ~100 ms batches
// and the recorder commits at least every 500 ms, so a crash loses about a second at most.
import type { Output } from '../../../shared/contract'
import type { EpisodeRecorder, Workspace } from '../../store'
import { taskInfo } from '../../sim/registry'
import { TeleopClient, type TeleopOpened } from '../../sim/teleop-client'
import type { TeleopStatus } from '../../sim/teleop-loop'
import { workbenchLimits, type WorkbenchLimits } from '../../../shared/limits'
import type { ServiceContext, ServiceFactory } from '../service-types'
import type { ClientContext, ServiceHandlers } from '../service-types'
import { useWorkspace } from './workspace-resource'

type RecordOutput = Output<'teleop.record'>

/** One client's teleoperation: its simulation worker and the recording in progress, if any. */
class TeleopSession {
  recorder: EpisodeRecorder | null = null
  /** the recorder's worker side is still recording (false after stop or the end of the episode) */
  live = false
  lastError: string | null = null
  /** the recording could not be written (disk full, I/O error): what the person was told */
  recordFailure: string | null = null

  constructor(
    readonly client: TeleopClient,
    readonly opened: TeleopOpened,
  ) {}

  get taskId(): string {
    return this.opened.task.id
  }

  output(): RecordOutput {
    return { recording: this.live, steps: this.recorder?.steps ?? 0, episodeId: this.recorder?.episodeId ?? null }
  }
}

/**
 * One connection's slot: at most one simulation, owned by the connection and closed with it. Opens on one
 * connection run one after another, so two at once cannot both start a worker.
 */
interface ClientSlot {
  closed: boolean
  session: TeleopSession | null
  queue: Promise<unknown>
}

export function createTeleopService(
  getWorkspace: () => Promise<Workspace>,
  limits: WorkbenchLimits = workbenchLimits(),
): {
  handlers: ServiceHandlers
  closeAll(): Promise<void>
  /** simulations open or opening on this workbench */
  readonly simulations: number
} {
  const slots = new Map<string, ClientSlot>()
  /** simulations started (opening or open) and not yet closed: what the cap counts */
  let simulations = 0

  const slotOf = (client: ClientContext): ClientSlot => {
    let slot = slots.get(client.id)
    if (!slot) {
      const created: ClientSlot = { closed: false, session: null, queue: Promise.resolve() }
      slots.set(client.id, created)
      // Registered before any worker starts: a connection that goes away mid-open still ends its simulation.
      client.onClose(() => {
        created.closed = true
        slots.delete(client.id)
        void closeSession(created)
      })
      slot = created
    }
    return slot
  }

  const need = (client: ClientContext): TeleopSession => {
    const s = slots.get(client.id)?.session
    if (!s) throw new Error('no teleoperation open for this window (call teleop.open first)')
    return s
  }

  /** Settle the recording: keep it (complete), discard it, or mark it interrupted (the client went away). */
  const settle = (s: TeleopSession, how: 'keep' | 'discard' | 'interrupt'): number | null => {
    const rec = s.recorder
    s.recorder = null
    s.live = false
    if (!rec || rec.finished) return null
    if (how === 'interrupt') {
      rec.interrupt({ dropPending: s.recordFailure !== null })
      return rec.episodeId
    }
    const summary = rec.finish({ keep: how === 'keep' })
    return summary.kept ? summary.episodeId : null
  }

  const closeSession = async (slot: ClientSlot): Promise<void> => {
    const s = slot.session
    if (!s) return
    slot.session = null
    try {
      await s.client.close() // flushes the last steps into the recorder first
    } finally {
      simulations--
    }
    try {
      // The page went away mid-recording: what was recorded stays, marked interrupted (never silently complete).
      if (s.recorder && s.recorder.steps > 0) settle(s, 'interrupt')
      else settle(s, 'discard')
    } catch {
      // the workspace is closing (its own close() marks the episode interrupted) or the disk is full (the next
      // open of the workspace marks it interrupted, with the steps flushed before the fault)
    }
  }

  /** The recording cannot be written: stop it in the worker and tell the page now, not at keep. */
  const recordingFailed = (s: TeleopSession, client: ClientContext, err: Error): void => {
    if (s.recordFailure !== null || !s.recorder) return
    const rec = s.recorder
    s.recordFailure = `recording failed: ${err.message}`
    s.live = false
    s.client.record(false).catch(() => {
      // the worker is gone already: nothing more is recorded anyway
    })
    client.emit('progress', {
      jobId: `recording-${rec.episodeId}`,
      kind: 'recording',
      done: rec.flushedSteps,
      total: rec.steps,
      message: `${rec.flushedSteps} of ${rec.steps} steps saved`,
      finished: true,
      error: s.recordFailure,
    })
  }

  const open = async (
    slot: ClientSlot,
    input: { taskId: string; seed?: number },
    client: ClientContext,
  ): Promise<Output<'teleop.open'>> => {
    if (slot.closed) throw new Error('the connection closed before the simulation opened')
    // Unknown and expert-only tasks are refused here, before a worker (and its MuJoCo) starts for nothing.
    const task = taskInfo(input.taskId)
    if (!task.operator) throw new Error(`task ${task.id} is not an operator task`)
    await closeSession(slot) // one simulation per client: a second open replaces the first
    if (simulations >= limits.simulations) {
      throw new Error(
        `${limits.simulations} simulations are open on this workbench, the most it runs at once; close Teleop in another page and retry`,
      )
    }
    simulations++
    const box: { s: TeleopSession | null } = { s: null }
    let started: Awaited<ReturnType<typeof TeleopClient.open>>
    try {
      started = await TeleopClient.open(input.taskId, input.seed ?? 0, {
        onFrame: (frame) => client.emit('sim.frame', frame),
        onSteps: (steps) => {
          const s = box.s
          const rec = s?.recorder
          if (!s || !rec || rec.finished || s.recordFailure !== null) return
          try {
            for (const st of steps) rec.append({ ...st, source: 'demonstration' })
          } catch (err) {
            recordingFailed(s, client, err as Error)
          }
        },
        onEpisodeEnd: () => {
          // The task ended the episode (goal, fall, horizon): the recording stops and waits for keep/discard.
          if (box.s) box.s.live = false
        },
        onError: (message) => {
          if (box.s) box.s.lastError = message
        },
      })
    } catch (err) {
      simulations--
      throw err
    }
    const s = new TeleopSession(started.client, started.opened)
    box.s = s
    slot.session = s
    if (slot.closed) {
      // The connection went away while the worker started: it ends here, with nobody left to drive it.
      await closeSession(slot)
      throw new Error('the connection closed before the simulation opened')
    }
    const { opened } = started
    return { task: opened.task, geometry: opened.geometry, frame: opened.frame }
  }

  const handlers: ServiceHandlers = {
    'teleop.open': (input, client) => {
      const slot = slotOf(client)
      const run = slot.queue.then(() => open(slot, input, client))
      slot.queue = run.catch(() => undefined)
      return run
    },

    'teleop.action': (input, client) => {
      const s = need(client)
      const { actDim, id } = s.opened.task
      if (input.action.length !== actDim) {
        throw new RangeError(`action has ${input.action.length} values, task ${id} takes ${actDim}`)
      }
      // Finite values are guaranteed by the contract; the worker clips to the bounds, as Env.step does.
      s.client.setAction(input.action)
      return { ok: true }
    },

    'teleop.control': async (input, client) => {
      const s = need(client)
      const st: TeleopStatus = await s.client.control(input.command, input.value)
      return { paused: st.paused, speed: st.speed, step: st.step }
    },

    'teleop.record': async (input, client) => {
      const s = need(client)
      switch (input.command) {
        case 'start': {
          if (s.live) return s.output()
          // An earlier recording still waiting for keep/discard is kept: nothing recorded is dropped silently.
          if (s.recorder) settleFailed(s, 'keep')
          const ws = await getWorkspace()
          s.recordFailure = null
          const rec = ws.startEpisode(
            { taskId: s.taskId, kind: 'demonstration', operator: input.operator ?? null },
            { onFlushError: (err) => recordingFailed(s, client, err) },
          )
          s.recorder = rec
          try {
            await s.client.record(true)
          } catch (err) {
            settle(s, 'discard')
            throw err
          }
          s.live = true
          return s.output()
        }
        case 'stop': {
          if (s.live) await s.client.record(false)
          s.live = false
          return s.output()
        }
        case 'keep':
        case 'discard': {
          if (s.live) await s.client.record(false)
          const steps = s.recorder?.steps ?? 0
          if (input.command === 'keep' && steps === 0)
            return { recording: false, steps, episodeId: settle(s, 'discard') }
          const kept = settleFailed(s, input.command)
          return { recording: false, steps, episodeId: kept }
        }
      }
    },
  }

  /**
   * settle, and when the recording could not be written keep what was flushed before the fault (marked
   * interrupted) and say so in one line: how many steps were saved, in which episode.
   */
  const settleFailed = (s: TeleopSession, how: 'keep' | 'discard'): number | null => {
    const rec = s.recorder
    try {
      return settle(s, how)
    } catch (err) {
      if (!rec || how === 'discard') throw err
      const saved = rec.flushedSteps
      try {
        rec.interrupt({ dropPending: true })
      } catch {
        // still full: the next open of the workspace marks it interrupted, with the same flushed steps
      }
      throw new Error(
        `${s.recordFailure ?? 'recording failed'}; episode ${rec.episodeId} keeps the ${saved} of ${rec.steps} steps saved before the fault, marked interrupted`,
        { cause: err },
      )
    }
  }

  return {
    handlers,
    async closeAll() {
      await Promise.all([...slots.values()].map((slot) => closeSession(slot)))
    },
    get simulations() {
      return simulations
    },
  }
}

export const teleopService: ServiceFactory = async (ctx: ServiceContext) => {
  // Open the workspace first so that it is closed after the simulations (closers run in reverse): a recording
  // in progress then gets its last steps written before the file closes.
  if (ctx.options.workspaceFile) await useWorkspace(ctx)
  const service = createTeleopService(() => useWorkspace(ctx), workbenchLimits(ctx.options.limits))
  ctx.onClose(() => service.closeAll())
  return service.handlers
}
