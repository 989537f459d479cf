// The trainer's thread: owns tfjs and the TrainingCore; answers TrainRequests in order.
import { parentPort } from 'node:worker_threads'
import { selectBackend, type BackendName } from './backend'
import { TrainingCore } from './training-core'
import type { TrainReply, TrainRequest } from './train-protocol'

const port = parentPort
if (!port) throw new Error('train-worker must run in a worker thread')

let core: TrainingCore | null = null
const reply = (m: TrainReply): void => port.postMessage(m)

const handle = async (m: TrainRequest): Promise<void> => {
  const id = 'id' in m ? m.id : -1
  try {
    if (m.type === 'init') {
      const { tf, name } = await selectBackend(m.backend as BackendName | undefined)
      core = new TrainingCore(tf, m.options)
      reply({ type: 'ready', id, backend: name })
      return
    }
    if (!core) throw new Error('trainer not initialised')
    if (m.type === 'add') core.add(m.obs, m.act, m.count, m.mask)
    else if (m.type === 'update') reply({ type: 'updated', id, result: core.update(m.extraSteps, m.weights) })
    else if (m.type === 'load') {
      core.load(m.weights)
      reply({ type: 'ok', id })
    } else if (m.type === 'weights') reply({ type: 'weights', id, weights: core.weights() })
    else if (m.type === 'state') reply({ type: 'state', id, state: core.state() })
    else if (m.type === 'restore') {
      core.restore(m.state)
      reply({ type: 'ok', id })
    } else if (m.type === 'close') {
      core.dispose()
      core = null
      reply({ type: 'ok', id })
      port.close()
    }
  } catch (e) {
    reply({ type: 'error', id, message: e instanceof Error ? e.message : String(e) })
  }
}

// handle() answers every failure with an 'error' reply, so not awaiting it here loses nothing.
port.on('message', (m: TrainRequest) => void handle(m))
