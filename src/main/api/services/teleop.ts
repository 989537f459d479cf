// teleop.*: one live simulation per client (a window or a socket), run in its own worker so the main process
// only forwards frames ('sim.frame' at display rate) and writes recorded steps through the store's recorder.
// Recording: start -> (stop | the episode ends) -> keep | discard; what an episode becomes is the store's
// Recording (store/recording.ts). Steps reach the recorder in ~100 ms batches and the recorder commits at least
// every 500 ms, so a crash loses about a second at most.
import type { Output } from '../../../shared/contract'
import { Recording, type RecordingFailure, type Workspace } from '../../store'
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
  recording: Recording | null = null
  /** the worker side is still recording (false after stop, the end of the episode or a failure) */
  live = false
  lastError: string | null = null

  constructor(
    readonly client: TeleopClient,
    readonly opened: TeleopOpened,
  ) {}

  get taskId(): string {
    return this.opened.task.id
  }

  output(): RecordOutput {
    return { recording: this.live, steps: this.recording?.steps ?? 0, episodeId: this.recording?.episodeId ?? null }
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

  /** Settle the recording: keep it (complete unless it failed: then interrupted, and keep throws) or discard it. */
  const settle = (s: TeleopSession, how: 'keep' | 'discard'): number | null => {
    const rec = s.recording
    s.recording = null
    s.live = false
    if (!rec) return null
    if (how === 'discard') {
      rec.discard()
      return null
    }
    return rec.keep()
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
    // The page went away mid-recording: what was recorded stays, marked interrupted (never silently complete).
    s.recording?.interrupt()
    s.recording = null
  }

  /** The recording cannot be written: stop it in the worker and tell the page now, not at keep. */
  const recordingFailed = (s: TeleopSession, client: ClientContext, failure: RecordingFailure): void => {
    s.live = false
    s.client.record(false).catch(() => {
      // the worker is gone already: nothing more is recorded anyway
    })
    client.emit('progress', {
      jobId: `recording-${failure.episodeId}`,
      kind: 'recording',
      done: failure.saved,
      total: failure.recorded,
      message: `${failure.saved} of ${failure.recorded} steps saved`,
      finished: true,
      error: failure.message,
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
          box.s?.recording?.append(steps.map((st) => ({ ...st, source: 'demonstration' as const })))
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
          if (s.recording) settle(s, 'keep')
          const ws = await getWorkspace()
          s.recording = Recording.start(ws, {
            taskId: s.taskId,
            kind: 'demonstration',
            operator: input.operator ?? null,
            onFailure: (failure) => recordingFailed(s, client, failure),
          })
          try {
            await s.client.record(true, input.fresh ?? true)
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
          const steps = s.recording?.steps ?? 0
          return { recording: false, steps, episodeId: settle(s, input.command) }
        }
      }
    },
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
