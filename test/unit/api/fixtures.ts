// Small service sets for the transport tests: real dispatch, hand-written handlers.
import type { ServiceHandlers } from '../../../src/main/api/service-types'

export const VERSIONS = { workbench: '0.0.0-test', mujoco: '3.14.0', tfjsBackend: 'cpu', sqlite: '3.50.0' }

export function testHandlers(): ServiceHandlers {
  return {
    'app.version': () => VERSIONS,
    // A service bug: returns a payload that breaks the contract.
    'tasks.list': () => [{ id: 'broken' }] as never,
    'jobs.cancel': ({ jobId }, client) => {
      if (jobId === 'throw') throw new Error('no such job: throw')
      client.emit('progress', { jobId, kind: 'test', done: 1, total: 1, finished: true })
      return { ok: true }
    },
  }
}

/** A person's small STAGGER session: it waits on its first query without using the cores. */
export const PERSON_SESSION = {
  taskId: 'reacher-arm',
  algo: 'stagger',
  oracle: 'human',
  budget: 10,
  costRatio: 1,
  evalEpisodes: 1,
} as const
