// Worker thread running one operator's live simulation (TeleopLoop), started by teleop-client.ts. Physics,
// the real-time clock and the history buffer live here so the main process only forwards frames and steps.
import { parentPort } from 'node:worker_threads'
import { adoptTask, makeEnv } from './registry'
import { TeleopLoop } from './teleop-loop'
import type { FromWorker, TeleopReply, TeleopRequest, ToWorker } from './teleop-protocol'

const port = parentPort
if (!port) throw new Error('teleop-worker must run in a worker thread')

let loop: TeleopLoop | null = null
const post = (msg: FromWorker): void => port.postMessage(msg)

async function handle(req: TeleopRequest): Promise<TeleopReply> {
  if (req.kind === 'open') {
    if (loop) throw new Error('this teleop worker already has a simulation')
    adoptTask(req.folderTask)
    const env = await makeEnv(req.taskId)
    if (!env.task.operator) {
      env.close()
      throw new Error(`task ${req.taskId} is not an operator task`)
    }
    loop = new TeleopLoop(env, {
      seed: req.seed,
      historySeconds: req.historySeconds,
      displayHz: req.displayHz,
      onFrame: (frame) => post({ event: 'frame', frame }),
      onSteps: (steps) => post({ event: 'steps', steps }),
      onEpisodeEnd: (info) => post({ event: 'episode-end', ...info }),
    })
    const reply: TeleopReply = {
      kind: 'opened',
      task: env.task,
      geometry: env.geometry(),
      frame: loop.frame(),
      status: loop.status(),
    }
    loop.start()
    return reply
  }
  if (req.kind === 'close') {
    loop?.close()
    loop = null
    return { kind: 'closed' }
  }
  if (!loop) throw new Error('no simulation open (call teleop.open first)')
  if (req.kind === 'control') return { kind: 'status', status: loop.control(req.command, req.value) }
  if (req.kind === 'record')
    return { kind: 'status', status: req.on ? loop.startRecording(req.fresh ?? false) : loop.stopRecording() }
  return { kind: 'status', status: loop.status() }
}

port.on('message', (msg: ToWorker) => {
  if ('action' in msg) {
    try {
      loop?.setAction(msg.action)
    } catch (err) {
      post({ event: 'error', error: err instanceof Error ? err.message : String(err) })
    }
    return
  }
  handle(msg.request).then(
    (reply) => post({ id: msg.id, reply }),
    (err: unknown) => post({ id: msg.id, error: err instanceof Error ? err.message : String(err) }),
  )
})
