// tasks.geometry through the service: real MuJoCo, the same scene a teleop simulation would give.
import { describe, expect, it } from 'vitest'
import { createSceneService } from '../../../src/main/api/services/scene'
import { parseOutput } from '../../../src/shared/contract'

const client = { id: 't', emit: () => {}, onClose: () => {} }

describe('tasks.geometry', () => {
  it('returns a valid scene for a walker and caches it', async () => {
    const service = createSceneService()
    const handler = service['tasks.geometry']!
    const scene = parseOutput('tasks.geometry', await handler({ taskId: 'hopper' }, client))
    expect(scene.taskId).toBe('hopper')
    expect(scene.geoms.some((g) => g.type === 'capsule')).toBe(true)
    expect(scene.bodyNames.length).toBe(scene.nbody)
    const a = await handler({ taskId: 'hopper' }, client)
    expect(await handler({ taskId: 'hopper' }, client)).toBe(a)
  })
  it('rejects an unknown task', async () => {
    const handler = createSceneService()['tasks.geometry']!
    await expect(Promise.resolve(handler({ taskId: 'no-such-task' }, client))).rejects.toThrow()
  })
})
