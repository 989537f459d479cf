// Your own model, driven (issue 27, item 14): unnamed actuators are labelled by the joint or tendon they drive,
// else 'actuator N' (they read 'emsc' before); a fifth action takes the triggers; the description says what the
// reward and the success are, and its success sites are marked for drawing. Real MuJoCo compiles the model.
import { afterEach, describe, expect, it } from 'vitest'
import { clearFolderTasks, makeEnv, registerFolderTask } from '../../../src/main/sim/registry'
import { checkTaskFolder } from '../../../src/main/sim/tasks/folder-task'

const bytes = (s: string): Uint8Array => new TextEncoder().encode(s)

const MODEL = `<mujoco>
  <worldbody>
    <site name="goal" pos="0.3 0 0" size="0.02"/>
    <body name="base">
      <joint name="j0" type="hinge" axis="0 0 1"/>
      <geom type="capsule" fromto="0 0 0 0.1 0 0" size="0.02"/>
      <site name="s0" pos="0 0 0" size="0.01"/>
      <body pos="0.1 0 0">
        <joint name="j1" type="hinge" axis="0 0 1"/>
        <joint name="j2" type="hinge" axis="0 1 0"/>
        <joint type="slide" axis="1 0 0"/>
        <geom type="capsule" fromto="0 0 0 0.1 0 0" size="0.02"/>
        <site name="tip" pos="0.1 0 0" size="0.01"/>
      </body>
    </body>
  </worldbody>
  <tendon>
    <spatial name="cable"><site site="s0"/><site site="tip"/></spatial>
  </tendon>
  <actuator>
    <motor joint="j0"/>
    <motor joint="j1"/>
    <motor name="wrist" joint="j2"/>
    <motor joint="j0" gear="2"/>
    <motor tendon="cable"/>
  </actuator>
</mujoco>`

describe('an own model with unnamed actuators', () => {
  afterEach(() => clearFolderTasks())

  it('labels them by joint or tendon, maps the fifth to the triggers, and describes reward and success', async () => {
    const spec = await checkTaskFolder({
      'task.json': bytes(
        JSON.stringify({
          id: 'five-motors',
          title: 'Five motors',
          model: 'arm.xml',
          reward: [{ term: 'site-distance', siteA: 'tip', siteB: 'goal' }, { term: 'control-cost' }],
          success: { siteA: 'tip', siteB: 'goal', below: 0.05 },
        }),
      ),
      'arm.xml': bytes(MODEL),
    })
    expect(spec.info.title).toBe('Five motors')
    expect(spec.info.gamepad?.map((g) => [g.action, g.source, g.label])).toEqual([
      [0, 'axis0', 'j0'],
      [1, 'axis1', 'j1'],
      [2, 'axis2', 'wrist'],
      [3, 'axis3', 'j0'],
      [4, 'triggers', 'cable (RT + / LT -)'],
    ])
    expect(spec.info.description).toContain(
      'Reward per step: -distance tip-goal + -0.01 x sum of squared actions. Success: tip within 0.05 m of goal.',
    )
    // the success condition's sites are marked in the scene, so the page draws them without the sites toggle
    registerFolderTask(spec)
    const env = await makeEnv('five-motors')
    try {
      const sites = env.geometry().sites ?? []
      expect(sites.filter((x) => x.success).map((x) => x.name)).toEqual(['goal', 'tip'])
      expect(sites.find((x) => x.name === 's0')?.success).toBeUndefined()
    } finally {
      env.close()
    }
  })
})
