// teleop.*: one live simulation per client (a window or a socket), run in its own worker so the main process
// only forwards frames ('sim.frame' at display rate) and writes recorded steps through the store's recorder.
// Recording: start -> (stop | the episode ends) -> keep | discard. Steps reach the recorder in ~100 ms batches
// and the recorder commits at least every 500 ms, so a crash loses about a second at most.
import type { Output } from '../../../shared/contract'
import type { EpisodeRecorder, Workspace } from '../../store'
import { TeleopClient, type TeleopOpened } from '../../sim/teleop-client'
import type { TeleopStatus } from '../../sim/teleop-loop'
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

export function createTeleopService(getWorkspace: () => Promise<Workspace>): {
  handlers: ServiceHandlers
  closeAll(): Promise<void>
} {
  const sessions = new Map<string, TeleopSession>()

  const need = (client: ClientContext): TeleopSession => {
    const s = sessions.get(client.id)
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
      rec.interrupt()
      return rec.episodeId
    }
    const summary = rec.finish({ keep: how === 'keep' })
    return summary.kept ? summary.episodeId : null
  }

  const close = async (clientId: string): Promise<void> => {
    const s = sessions.get(clientId)
    if (!s) return
    sessions.delete(clientId)
    await s.client.close() // flushes the last steps into the recorder first
    try {
      // The page went away mid-recording: what was recorded stays, marked interrupted (never silently complete).
      if (s.recorder && s.recorder.steps > 0) settle(s, 'interrupt')
      else settle(s, 'discard')
    } catch {
      // the workspace is closing; its own close() marks the episode interrupted
    }
  }

  const handlers: ServiceHandlers = {
    'teleop.open': async (input, client) => {
      await close(client.id) // one simulation per client: a second open replaces the first
      const box: { s: TeleopSession | null } = { s: null }
      const { client: tc, opened } = await TeleopClient.open(input.taskId, input.seed ?? 0, {
        onFrame: (frame) => client.emit('sim.frame', frame),
        onSteps: (steps) => {
          const rec = box.s?.recorder
          if (!rec || rec.finished) return
          for (const st of steps) rec.append({ ...st, source: 'demonstration' })
        },
        onEpisodeEnd: () => {
          // The task ended the episode (goal, fall, horizon): the recording stops and waits for keep/discard.
          if (box.s) box.s.live = false
        },
        onError: (message) => {
          if (box.s) box.s.lastError = message
        },
      })
      const s = new TeleopSession(tc, opened)
      box.s = s
      sessions.set(client.id, s)
      client.onClose(() => void close(client.id))
      return { task: opened.task, geometry: opened.geometry, frame: opened.frame }
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
          if (s.recorder) settle(s, 'keep')
          const ws = await getWorkspace()
          s.recorder = ws.startEpisode({ taskId: s.taskId, kind: 'demonstration', operator: input.operator ?? null })
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
          const kept = input.command === 'keep' && steps === 0 ? settle(s, 'discard') : settle(s, input.command)
          return { recording: false, steps, episodeId: kept }
        }
      }
    },
  }

  return {
    handlers,
    async closeAll() {
      await Promise.all([...sessions.keys()].map((id) => close(id)))
    },
  }
}

export const teleopService: ServiceFactory = async (ctx: ServiceContext) => {
  // Open the workspace first so that it is closed after the simulations (closers run in reverse): a recording
  // in progress then gets its last steps written before the file closes.
  if (ctx.options.workspaceFile) await useWorkspace(ctx)
  const service = createTeleopService(() => useWorkspace(ctx))
  ctx.onClose(() => service.closeAll())
  return service.handlers
}
