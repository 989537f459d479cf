// A folder task reaches worker threads in the request that names it, so a worker started before the task was
// added (the page's "Add task" while a teleop worker is up) builds it, and rollout workers need nothing else.
import { afterEach, describe, expect, it } from 'vitest'
import { clearFolderTasks, registerFolderTask } from '../../../src/main/sim/registry'
import { VectorEnv } from '../../../src/main/sim/rollout-pool'
import { TeleopClient } from '../../../src/main/sim/teleop-client'
import { checkTaskFolder, readTaskFolder } from '../../../src/main/sim/tasks/folder-task'
import type { Frame } from '../../../src/shared/contract'
import { waitFor } from '../../wait-for'

const MINIMAL = 'test/fixtures/tasks/minimal'

afterEach(() => clearFolderTasks())

describe('folder tasks in worker threads', () => {
  it('a teleop worker started before the task was added opens it', async () => {
    const frames: Frame[] = []
    // Started first: nothing about the task exists when the thread is created.
    const client = TeleopClient.start({ onFrame: (f) => frames.push(f), onSteps: () => {} })
    try {
      registerFolderTask(await checkTaskFolder(readTaskFolder(MINIMAL), MINIMAL))
      const opened = await client.open('fixture-minimal', 0)
      expect(opened.task.id).toBe('fixture-minimal')
      expect(opened.geometry.geoms.map((g) => g.name)).toEqual(['floor', 'cart', 'pole'])
      client.setAction([1, 0])
      await waitFor(() => frames.length > 5, { message: 'frames of the folder task' })
    } finally {
      await client.close()
    }
  })

  it('a rollout worker builds a folder task from its init request alone', async () => {
    const spec = registerFolderTask(await checkTaskFolder(readTaskFolder(MINIMAL), MINIMAL))
    const vec = await VectorEnv.create('fixture-minimal', 2)
    try {
      const obs = await vec.reset([0, 1])
      expect(obs.length).toBe(2 * spec.obsDim)
      const step = await vec.step(Float64Array.of(1, 0, -1, 0))
      // the carts were pushed in opposite directions (qpos[0] is the slide)
      expect(step.observations[0]).toBeGreaterThan(obs[0])
      expect(step.observations[spec.obsDim]).toBeLessThan(obs[spec.obsDim])
    } finally {
      await vec.close()
    }
  })
})
