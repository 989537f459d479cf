// A model's own <camera>s are cameras of the dataset images too: the showcase fixture's `overview` and `closeup`
// draw the scene from where the model places them, unlike each other and unlike the viewer's opening view.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openImageRenderer, type ImageRenderer } from '../../../src/main/frames/renderer'
import { clearFolderTasks, makeEnv, registerFolderTask } from '../../../src/main/sim/registry'
import { checkTaskFolder, readTaskFolder } from '../../../src/main/sim/tasks/folder-task'
import type { Env } from '../../../src/main/sim/env'

const SHOWCASE = 'test/fixtures/tasks/showcase'
const SIDE = 32
let env: Env
let renderer: ImageRenderer
beforeAll(async () => {
  registerFolderTask(await checkTaskFolder(readTaskFolder(SHOWCASE), SHOWCASE))
  env = await makeEnv('fixture-showcase')
  renderer = await openImageRenderer(env.geometry(), ['overview', 'closeup', 'free'], SIDE, SIDE)
})
afterAll(async () => {
  await renderer?.close()
  env?.close()
  clearFolderTasks()
})

describe("a model's own cameras", () => {
  it('draw their own views, and show the model as it moves', async () => {
    const pose = () => {
      const f = env.frame()
      return { xpos: f.xpos, xquat: f.xquat }
    }
    env.reset(0)
    const before = pose()
    for (let i = 0; i < 20; i++) env.step([1, 1, 1])
    const [overview, closeup, free] = await renderer.render([before, pose()])
    const image = (b: Uint8Array, i: number) => Buffer.from(b.subarray(i * SIDE * SIDE * 3, (i + 1) * SIDE * SIDE * 3))
    expect(image(overview, 0).equals(image(closeup, 0))).toBe(false)
    expect(image(overview, 0).equals(image(free, 0))).toBe(false)
    // the arm moved: the overview sees it
    expect(image(overview, 0).equals(image(overview, 1))).toBe(false)
  })
})
