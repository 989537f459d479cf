// tasks.geometry: the scene of a task for the page to draw a state it did not simulate itself (a query's
// state, a replay). Built once per task from a throwaway env; the env is freed right after.
import type { SceneGeometry } from '../../../shared/contract'
import { makeEnv } from '../../sim/registry'
import type { ServiceFactory } from '../service-types'
import type { ServiceHandlers } from '../service-types'

export function createSceneService(): ServiceHandlers {
  const cache = new Map<string, Promise<SceneGeometry>>()
  return {
    'tasks.geometry': (input) => {
      let p = cache.get(input.taskId)
      if (!p) {
        p = makeEnv(input.taskId).then((env) => {
          try {
            return env.geometry()
          } finally {
            env.close()
          }
        })
        p.catch(() => cache.delete(input.taskId)) // an unknown task is not remembered
        cache.set(input.taskId, p)
      }
      return p
    },
  }
}

export const sceneService: ServiceFactory = () => createSceneService()
