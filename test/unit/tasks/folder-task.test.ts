// Task folders: a task.json with only id and model gives a working task; every kind of bad input is one line
// and registers nothing. Real MuJoCo compiles every model here.
import { execFileSync } from 'node:child_process'
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { TASK_FILE_DEFAULTS, TASK_FILE_LIMITS } from '../../../src/shared/task-file'
import {
  clearFolderTasks,
  folderTaskSpec,
  listTasks,
  makeEnv,
  registerFolderTask,
} from '../../../src/main/sim/registry'
import { checkTaskFolder, readTaskFolder, type TaskFiles } from '../../../src/main/sim/tasks/folder-task'
import { sceneTexture } from '../../../src/main/sim/scene-textures'

const MINIMAL = 'test/fixtures/tasks/minimal'
const SHOWCASE = 'test/fixtures/tasks/showcase'
const EE_ARM = 'test/fixtures/tasks/ee-arm'
const enc = (s: string): Uint8Array => new TextEncoder().encode(s)
const dec = (b: Uint8Array): string => new TextDecoder().decode(b)

afterEach(() => clearFolderTasks())

describe('a task folder with only id and model', () => {
  it('takes every actuator as an action in its ctrlrange, qpos and qvel as observation, the documented defaults', async () => {
    const spec = await checkTaskFolder(readTaskFolder(MINIMAL), MINIMAL)
    const { info } = spec
    expect(info.id).toBe('fixture-minimal')
    expect(info.actDim).toBe(2)
    // slider.xml: 'push' has ctrlrange -1 1; 'twist' is unlimited and gets [-1, 1].
    expect(info.actionLow).toEqual([-1, -1])
    expect(info.actionHigh).toEqual([1, 1])
    expect(info.horizon).toBe(TASK_FILE_DEFAULTS.horizon)
    // timestep 0.004 s with the default frame skip
    expect(info.controlHz).toBeCloseTo(1 / (0.004 * TASK_FILE_DEFAULTS.frameSkip), 6)
    expect(info.gamepad!.map((g) => [g.action, g.source, g.label])).toEqual([
      [0, 'axis0', 'push'],
      [1, 'axis1', 'twist'],
    ])

    registerFolderTask(spec)
    expect(listTasks().map((t) => t.id)).toContain('fixture-minimal')
    const env = await makeEnv('fixture-minimal')
    try {
      const obs0 = env.reset(1)
      expect(obs0.length).toBe(info.obsDim) // nq + nv = 2 + 2
      expect(info.obsDim).toBe(4)
      let last = env.step([1, 0])
      for (let i = 0; i < 19; i++) last = env.step([1, 0])
      expect(last.observation[0]).toBeGreaterThan(obs0[0]) // pushed along +x
      expect(last.reward).toBe(0) // no reward terms
      expect(env.step([2, 0]).info.clipped).toBe(true)
    } finally {
      env.close()
    }
  })

  it('computes sensor observations, reward terms and success from task.json', async () => {
    const spec = registerFolderTask(await checkTaskFolder(readTaskFolder(SHOWCASE), SHOWCASE))
    // nq 3 + 7 (free ball), nv 3 + 6, sensors 1 + 3
    expect(spec.obsDim).toBe(10 + 9 + 4)
    const env = await makeEnv('fixture-showcase')
    try {
      const r = env.step([0, 0, 0])
      const d = r.info.distance as number
      expect(r.info.success).toBe(d < 0.05)
      // site-distance (weight -1) + control cost 0 + alive 0.1
      expect(r.reward).toBeCloseTo(-d + 0.1, 9)
      // the framepos sensor (last 3) is the tip site's world position
      env.sim.kinematics()
      const tip = env.sim.data.site_xpos as Float64Array
      const id = env.sim.id('site', 'tip')
      const obs = env.observe()
      expect(Array.from(obs.slice(-3), (v, i) => Math.abs(v - tip[3 * id + i]) < 0.05)).toEqual([true, true, true])
      const geometry = env.geometry()
      const kinds = new Set(geometry.geoms.map((g) => g.type))
      for (const k of ['mesh', 'hfield', 'ellipsoid', 'cylinder', 'plane']) expect(kinds).toContain(k)
      // textures: the builtin checker floor, the PNG drum, the builtin cube crate, the skybox; RGBA bytes
      const textureOf = (name: string) =>
        geometry.textures![geometry.geoms.find((g) => g.name === name)!.texture!.index]
      expect(textureOf('floor')).toMatchObject({ type: '2d', width: 64, height: 64 })
      expect(textureOf('drum')).toMatchObject({ type: '2d', width: 32, height: 32 })
      expect(textureOf('crate')).toMatchObject({ type: 'cube', width: 32, height: 6 * 32 })
      expect(geometry.textures![geometry.skybox!].type).toBe('skybox')
      const png = Buffer.from(textureOf('drum').rgba, 'base64')
      expect(png.length).toBe(32 * 32 * 4)
      // the PNG's first pixel (checker.png, made by make-showcase-assets.mjs) is its yellow square
      expect(Array.from(png.subarray(0, 4))).toEqual([230, 200, 60, 255])
      // a texture bigger than the bound is sampled down to it
      const small = sceneTexture(env.sim, env.sim.requireId('texture', 'grid'), 16)
      expect([small.width, small.height, Buffer.from(small.rgba, 'base64').length]).toEqual([16, 16, 16 * 16 * 4])
    } finally {
      env.close()
    }
  })
})

describe('a task folder with an endEffector', () => {
  it('takes a Cartesian velocity of its site (x, y, z) and the gripper, and moves the site along it', async () => {
    const spec = await checkTaskFolder(readTaskFolder(EE_ARM), EE_ARM)
    // three axes in [-1, 1] of maxSpeed, then the gripper's -1..1 over its ctrlrange
    expect(spec.info.actDim).toBe(4)
    expect(spec.info.gamepad!.map((g) => g.source)).toEqual(['axis1', 'axis0', 'axis3', 'triggers'])
    registerFolderTask(spec)
    const env = await makeEnv('fixture-ee-arm')
    try {
      env.reset(0)
      const tip = env.sim.id('site', 'tip')
      const site = (): number[] => {
        env.sim.kinematics()
        return Array.from((env.sim.data.site_xpos as Float64Array).subarray(3 * tip, 3 * tip + 3))
      }
      const steps = 10
      // 10 steps at 50 Hz with full command: 0.2 m/s x 0.2 s = 4 cm along the commanded direction
      const expected = (0.2 * steps) / spec.info.controlHz
      for (const dir of [
        [1, 0, 0],
        [0, 1, 0],
        [0, 0, -1],
        [-1, -1, 0],
      ]) {
        const p0 = site()
        for (let i = 0; i < steps; i++) env.step([...dir, 0])
        const moved = site().map((v, i) => v - p0[i])
        const len = Math.hypot(...moved)
        const cos = moved.reduce((s, m, i) => s + m * dir[i], 0) / len / Math.hypot(...dir)
        expect(Math.acos(Math.min(1, cos)) * (180 / Math.PI)).toBeLessThan(15)
        expect(len).toBeGreaterThan(0.6 * expected * Math.min(1, Math.hypot(...dir)))
      }
      // gripper: +1 drives the finger to the top of its ctrlrange (0.025 m), -1 to the bottom
      const finger = (env.sim.model.jnt_qposadr as Int32Array)[env.sim.requireId('joint', 'finger')]
      for (let i = 0; i < 15; i++) env.step([0, 0, 0, 1])
      expect(env.sim.qpos()[finger]).toBeGreaterThan(0.02)
      for (let i = 0; i < 15; i++) env.step([0, 0, 0, -1])
      expect(env.sim.qpos()[finger]).toBeLessThan(0.005)
    } finally {
      env.close()
    }
  })
})

describe('bad task folders: one clear line, nothing registered', () => {
  const base = readTaskFolder(SHOWCASE)
  const xml = dec(base['showcase.xml'])
  const without = (path: string): TaskFiles => Object.fromEntries(Object.entries(base).filter(([k]) => k !== path))
  const withJson = (json: unknown): TaskFiles => ({ ...base, 'task.json': enc(JSON.stringify(json)) })
  const cases: [string, TaskFiles, RegExp][] = [
    [
      'an MJCF error: MuJoCo own message with its line',
      { ...base, 'showcase.xml': enc(xml.replace('<geom name="egg"', '<geom name="egg" bogus="1"')) },
      /^MJCF error in .*showcase\.xml: Schema violation: unrecognized attribute: 'bogus' \(Element 'geom', line \d+\)$/,
    ],
    [
      'a missing mesh',
      without('meshes/torus.stl'),
      /needs the file 'meshes\/torus\.stl', which is not in the task folder$/,
    ],
    ['a missing texture', without('textures/checker.png'), /needs the file 'textures\/checker\.png'/],
    [
      'a model without actuators',
      { ...base, 'showcase.xml': enc(xml.replace(/<actuator>[\s\S]*<\/actuator>/, '')) },
      /^showcase\.xml has no actuators/,
    ],
    [
      'an unknown sensor',
      withJson({ id: 'x', model: 'showcase.xml', observations: { sensors: ['nope'] } }),
      /^task\.json: observations\.sensors\.0: no sensor named 'nope' in showcase\.xml$/,
    ],
    [
      'an unknown site',
      withJson({ id: 'x', model: 'showcase.xml', success: { siteA: 'tip', siteB: 'goal', below: 0.1 } }),
      /^task\.json: success\.siteB: no site named 'goal'/,
    ],
    [
      'an unknown actuator in the gamepad mapping',
      withJson({ id: 'x', model: 'showcase.xml', gamepad: [{ action: 7, source: 'axis0', scale: 1, label: 'a' }] }),
      /^task\.json: gamepad\.0\.action: 7 but showcase\.xml has 3 actuators$/,
    ],
    [
      'an endEffector whose joints have no servo',
      withJson({ id: 'x', model: 'showcase.xml', endEffector: { site: 'tip' } }),
      /^task\.json: endEffector\.site: joint 'yaw' \(it moves site 'tip'\) needs a position or velocity servo/,
    ],
    [
      'an unknown gripper actuator',
      withJson({ id: 'x', model: 'showcase.xml', endEffector: { site: 'tip', gripper: 'hand' } }),
      /^task\.json: endEffector\.gripper: no actuator named 'hand' in showcase\.xml$/,
    ],
    ['a schema error', withJson({ id: 'Bad Id', model: 'showcase.xml' }), /^task\.json: id: must be/],
    [
      'an unknown reward term',
      withJson({ id: 'x', model: 'showcase.xml', reward: [{ term: 'speed' }] }),
      /^task\.json: reward\.0\.term: /,
    ],
    [
      'a model not in the folder',
      withJson({ id: 'x', model: 'other.xml' }),
      /^task\.json: model 'other\.xml' is not in the task folder$/,
    ],
    ['no task.json', without('task.json'), /^no task\.json at the top of the task folder$/],
  ]
  for (const [what, files, message] of cases) {
    it(what, async () => {
      const before = listTasks().length
      const err = await checkTaskFolder(files, 'dir').then(
        () => null,
        (e: unknown) => e as Error,
      )
      expect(err?.message).toMatch(message)
      expect(err?.message).not.toContain('\n')
      expect(listTasks().length).toBe(before)
      expect(folderTaskSpec('x')).toBeNull()
    })
  }

  it('refuses a path outside the folder and a shipped task id', async () => {
    await expect(checkTaskFolder({ ...base, '../evil.xml': enc('') }, 'dir')).rejects.toThrow(
      /not a plain relative path/,
    )
    const spec = await checkTaskFolder(withJson({ id: 'hopper', model: 'showcase.xml' }), 'dir')
    expect(() => registerFolderTask(spec)).toThrow(/shipped task/)
    expect(listTasks().filter((t) => t.id === 'hopper')).toHaveLength(1)
  })
})

describe('a task folder on disk: only its own regular files are read (issue #27)', () => {
  /** A copy of the minimal fixture in a temp folder, changed by `add`; returns readTaskFolder's error. */
  const readWith = (add: (dir: string) => void): Error | null => {
    const top = mkdtempSync(join(tmpdir(), 'iwb-task-links-'))
    const dir = join(top, 'task')
    try {
      cpSync(MINIMAL, dir, { recursive: true })
      add(dir)
      readTaskFolder(dir)
      return null
    } catch (e) {
      return e as Error
    } finally {
      rmSync(top, { recursive: true, force: true })
    }
  }
  const refused = (err: Error | null, message: RegExp): void => {
    expect(err?.name).toBe('TaskFolderError')
    expect(err?.message).toMatch(message)
    expect(err?.message).not.toContain('\n')
    expect(err?.message).not.toContain(tmpdir()) // the entry's name inside the folder, not where the folder is
  }

  it('reads the plain copy', () => {
    expect(readWith(() => {})).toBeNull()
  })

  it('refuses a symlinked file, naming it, and never reads what it points at', () => {
    refuseLink('passwd', '/etc/passwd')
    refuseLink('environ', '/proc/self/environ')
    // inside a sub-folder, and pointing at a file of the folder itself: still refused
    const err = readWith((dir) => {
      mkdirSync(join(dir, 'meshes'))
      symlinkSync(join(dir, 'slider.xml'), join(dir, 'meshes', 'copy.xml'))
    })
    refused(err, /^meshes\/copy\.xml in the task folder is a symbolic link; refused/)
  })

  it('refuses a symlinked folder and a dangling link', () => {
    refused(
      readWith((dir) => symlinkSync('/etc', join(dir, 'assets'))),
      /^assets in the task folder is a symbolic link/,
    )
    refused(
      readWith((dir) => symlinkSync(join(dir, 'nowhere'), join(dir, 'gone.png'))),
      /^gone\.png in the task folder is a symbolic link/,
    )
  })

  it('refuses a FIFO without hanging on it', () => {
    const err = readWith((dir) => execFileSync('mkfifo', [join(dir, 'pipe.stl')]))
    refused(err, /^pipe\.stl in the task folder is not a regular file or folder; refused$/)
  })

  it('names a file over the size bound by its name in the folder', () => {
    const err = readWith((dir) => writeFileSync(join(dir, 'big.stl'), Buffer.alloc(TASK_FILE_LIMITS.fileBytes + 1)))
    refused(err, /^big\.stl is \d+ bytes; a task file may have at most \d+$/)
  })

  function refuseLink(name: string, target: string): void {
    const err = readWith((dir) => symlinkSync(target, join(dir, name)))
    refused(err, new RegExp(`^${name} in the task folder is a symbolic link; refused`))
  }
})
