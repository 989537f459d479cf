// Camera images in dataset exports (issue 26 item 2), end to end through `iwb export --cameras`: a pick-place
// workspace's scripted demonstrations rendered by the page's scene in Debian's Chromium, written as robomimic
// obs/<camera>_image (read back with h5py), LeRobot v3.0 PNG frames (equal to the renderer's own output) and MP4
// video (decoded by ffmpeg: frame count and size).
import { execFileSync } from 'node:child_process'
import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { tableFromIPC } from 'apache-arrow'
import * as parquetWasm from 'parquet-wasm/node'
import { PNG } from 'pngjs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { main } from '../../../src/main/cli/main'
import { openImageRenderer } from '../../../src/main/frames/renderer'
import { makeEnv } from '../../../src/main/sim/registry'
import { scriptedPolicy } from '../../../src/main/sim/scripted'
import { openWorkspace } from '../../../src/main/store'
import { capture } from '../cli/capture'
import { tempDir } from '../store/helpers'

const TASK = 'pick-place'
const STEPS = [10, 7]
const SIDE = 48
let tmp: ReturnType<typeof tempDir>
let db: string
/** each episode's stored physics states, in order */
const states: Float64Array[][] = []

beforeAll(async () => {
  tmp = tempDir()
  db = tmp.path('ws.db')
  const env = await makeEnv(TASK)
  const expert = scriptedPolicy(TASK)
  const ws = openWorkspace(db)
  try {
    for (const [d, n] of STEPS.entries()) {
      const rec = ws.startEpisode({ taskId: TASK, kind: 'demonstration', operator: 'ana' })
      let obs = env.reset(20 + d)
      const mine: Float64Array[] = []
      for (let t = 0; t < n; t++) {
        const state = env.getState()
        const action = expert.act(obs)
        const r = env.step(action)
        rec.append({ state, observation: obs, action, reward: r.reward, source: 'demonstration' })
        mine.push(state)
        obs = r.observation
      }
      rec.finish({ keep: true })
      states.push(mine)
    }
  } finally {
    ws.close()
    env.close()
  }
})
afterAll(() => tmp.cleanup())

async function exportWith(args: string[]): Promise<string> {
  const io = capture()
  const code = await main(['export', '--db', db, '--task', TASK, ...args], io)
  expect(
    io.stderr.filter((l) => l.startsWith('iwb ')),
    io.stderr.join('\n'),
  ).toEqual([])
  expect(code).toBe(0)
  return io.stdout.join('\n')
}

/** a nested array's shape, as numpy's np.array(x).shape */
const shapeOf = (x: unknown): number[] => (Array.isArray(x) ? [x.length, ...shapeOf(x[0])] : [])

const arrow = (file: string) =>
  tableFromIPC(parquetWasm.readParquet(new Uint8Array(readFileSync(file))).intoIPCStream())

describe('iwb export --cameras', () => {
  it('writes robomimic obs/<camera>_image as uint8 (n, H, W, 3), a different image for each state', async () => {
    const out = tmp.path('demos.hdf5')
    await exportWith(['--format', 'robomimic', '--out', out, '--cameras', 'track', '--image-size', String(SIDE)])
    const script = `
import h5py, json, sys, numpy as np
f = h5py.File(sys.argv[1], 'r')
r = []
for name in ('demo_0', 'demo_1'):
    d = f['data'][name]['obs']['track_image']
    a = d[()]
    r.append({'shape': list(d.shape), 'dtype': str(d.dtype), 'distinct': len({a[i].tobytes() for i in range(len(a))}), 'mean': float(a.mean())})
print(json.dumps(r))`
    const got = JSON.parse(execFileSync('/usr/bin/python3', ['-c', script, out], { encoding: 'utf8' })) as {
      shape: number[]
      dtype: string
      distinct: number
      mean: number
    }[]
    got.forEach((g, e) => {
      expect(g.shape).toEqual([STEPS[e], SIDE, SIDE, 3])
      expect(g.dtype).toBe('uint8')
      // the arm moves every step: no two states give the same image
      expect(g.distinct).toBe(STEPS[e])
      // a lit scene, not a blank canvas
      expect(g.mean).toBeGreaterThan(10)
    })
  })

  it('writes LeRobot v3.0 PNG frames in the data files, equal to what the renderer draws', async () => {
    const out = tmp.path('lerobot-png')
    await exportWith([
      '--format',
      'lerobot',
      '--out',
      out,
      '--cameras',
      'free',
      '--image-size',
      `${SIDE}x${SIDE}`,
      '--image-format',
      'png',
    ])
    const info = JSON.parse(readFileSync(join(out, 'meta/info.json'), 'utf8'))
    expect(info.features['observation.images.free']).toMatchObject({ dtype: 'image', shape: [SIDE, SIDE, 3] })
    expect(info.video_path).toBeNull()
    const table = arrow(join(out, 'data/chunk-000/file-000.parquet'))
    expect(table.numRows).toBe(STEPS[0] + STEPS[1])
    const column = table.getChild('observation.images.free')!
    // the renderer's own output for the same states, one batch per episode as the export sends them
    const env = await makeEnv(TASK)
    const renderer = await openImageRenderer(env.geometry(), ['free'], SIDE, SIDE)
    try {
      let row = 0
      for (const episode of states) {
        const poses = episode.map((s) => {
          env.setState(s)
          const f = env.frame()
          return { xpos: f.xpos, xquat: f.xquat }
        })
        const [want] = await renderer.render(poses)
        for (let i = 0; i < episode.length; i++, row++) {
          const png = PNG.sync.read(Buffer.from(column.get(row)!.bytes as Uint8Array))
          expect([png.width, png.height]).toEqual([SIDE, SIDE])
          const rgb = new Uint8Array(SIDE * SIDE * 3)
          for (let p = 0; p < SIDE * SIDE; p++) rgb.set(png.data.subarray(4 * p, 4 * p + 3), 3 * p)
          expect(Buffer.from(rgb).equals(Buffer.from(want.subarray(i * rgb.length, (i + 1) * rgb.length)))).toBe(true)
        }
      }
    } finally {
      await renderer.close()
      env.close()
    }
  })

  it('writes LeRobot v3.0 MP4 video with each episode placed in it by its timestamps', async () => {
    const out = tmp.path('lerobot-mp4')
    await exportWith(['--format', 'lerobot', '--out', out, '--cameras', 'track', '--image-size', String(SIDE)])
    const info = JSON.parse(readFileSync(join(out, 'meta/info.json'), 'utf8'))
    expect(info.video_path).toBe('videos/{video_key}/chunk-{chunk_index:03d}/file-{file_index:03d}.mp4')
    expect(info.features['observation.images.track']).toMatchObject({
      dtype: 'video',
      shape: [SIDE, SIDE, 3],
      names: ['height', 'width', 'channels'],
      info: { 'video.codec': 'h264', 'video.pix_fmt': 'yuv420p', 'video.fps': info.fps },
    })
    const dir = join(out, 'videos/observation.images.track/chunk-000')
    expect(readdirSync(dir)).toEqual(['file-000.mp4'])
    const rgb = execFileSync(
      'ffmpeg',
      ['-v', 'error', '-i', join(dir, 'file-000.mp4'), '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'],
      {
        maxBuffer: 64 * 2 ** 20,
      },
    )
    expect(rgb.length).toBe((STEPS[0] + STEPS[1]) * SIDE * SIDE * 3)
    const size = execFileSync(
      'ffprobe',
      ['-v', 'error', '-show_entries', 'stream=width,height', '-of', 'csv=p=0', join(dir, 'file-000.mp4')],
      { encoding: 'utf8' },
    )
    expect(size.trim()).toBe(`${SIDE},${SIDE}`)
    const metas = arrow(join(out, 'meta/episodes/chunk-000/file-000.parquet'))
    const rows = Array.from({ length: metas.numRows }, (_, i) => metas.get(i)!.toJSON())
    expect(
      rows.map((r) => [
        r['videos/observation.images.track/from_timestamp'],
        r['videos/observation.images.track/to_timestamp'],
      ]),
    ).toEqual([
      [0, STEPS[0] / info.fps],
      [STEPS[0] / info.fps, (STEPS[0] + STEPS[1]) / info.fps],
    ])
    // an image's statistics as LeRobot's validator (compute_stats.py) takes them: every stat (3, 1, 1) in [0, 1],
    // the count (1,), in meta/episodes and in stats.json
    const key = 'observation.images.track'
    const stats = JSON.parse(readFileSync(join(out, 'meta/stats.json'), 'utf8'))[key]
    const perEpisode = rows.map((r) =>
      Object.fromEntries(
        Object.entries(r)
          .filter(([k]) => k.startsWith(`stats/${key}/`))
          .map(([k, v]) => [
            k.slice(`stats/${key}/`.length),
            JSON.parse(JSON.stringify(v, (_, x) => (typeof x === 'bigint' ? Number(x) : x))),
          ]),
      ),
    )
    for (const s of [stats, ...perEpisode]) {
      expect(Object.keys(s).sort()).toEqual(['count', 'max', 'mean', 'min', 'q01', 'q10', 'q50', 'q90', 'q99', 'std'])
      expect(shapeOf(s.count)).toEqual([1])
      for (const stat of ['min', 'max', 'mean', 'std', 'q01', 'q50', 'q99']) {
        expect(shapeOf(s[stat]), stat).toEqual([3, 1, 1])
        const values = (s[stat] as number[][][]).flat(2)
        expect(Math.min(...values)).toBeGreaterThanOrEqual(0)
        expect(Math.max(...values)).toBeLessThanOrEqual(1)
      }
      expect(s.min[0][0][0]).toBeLessThanOrEqual(s.mean[0][0][0])
    }
    // the overall count is the episodes' together
    expect(stats.count[0]).toBe(perEpisode[0].count[0] + perEpisode[1].count[0])
  })

  it('imports an export with images: every step, and a line naming the images left out', async () => {
    for (const [format, out, notImported] of [
      ['robomimic', tmp.path('small.hdf5'), ['obs/free_image']],
      ['lerobot', tmp.path('small-lerobot'), ['observation.images.free']],
    ] as const) {
      await exportWith([
        '--format',
        format,
        '--out',
        out,
        '--cameras',
        'free',
        '--image-size',
        '16',
        '--image-format',
        'png',
      ])
      const io = capture()
      expect(await main(['import', '--db', tmp.path(`${format}-in.db`), '--from', out, '--json'], io)).toBe(0)
      expect(JSON.parse(io.stdout.at(-1)!)).toMatchObject({ steps: STEPS[0] + STEPS[1], notImported })
      const plain = capture()
      expect(await main(['import', '--db', tmp.path(`${format}-in2.db`), '--from', out], plain)).toBe(0)
      expect(plain.stdout.at(-1)).toBe(
        `not imported: ${notImported[0]} (the workspace keeps physics states; iwb export --cameras draws the images again)`,
      )
    }
  })

  it('refuses an unknown camera in one line, naming the choices', async () => {
    const io = capture()
    expect(
      await main(
        [
          'export',
          '--db',
          db,
          '--task',
          TASK,
          '--format',
          'robomimic',
          '--out',
          tmp.path('x.hdf5'),
          '--cameras',
          'nope',
        ],
        io,
      ),
    ).not.toBe(0)
    expect(io.stderr.filter((l) => l.startsWith('iwb '))).toEqual([
      expect.stringMatching(/^iwb export: no camera 'nope' in task pick-place: one of free, track, top, side/),
    ])
  })
})

describe('iwb export --cameras refuses in one line', () => {
  const refused = async (args: string[], env: Record<string, string> = {}) => {
    const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]))
    Object.assign(process.env, env)
    try {
      const io = capture()
      const code = await main(
        ['export', '--db', db, '--task', TASK, '--out', tmp.path(`r-${Math.random()}`), ...args],
        io,
      )
      expect(code).not.toBe(0)
      const lines = io.stderr.filter((l) => l.startsWith('iwb '))
      expect(lines).toHaveLength(1)
      return lines[0]
    } finally {
      for (const [k, v] of Object.entries(saved))
        if (v === undefined) delete process.env[k]
        else process.env[k] = v
    }
  }
  it('a size out of bounds or odd, a format without images, size without cameras', async () => {
    expect(await refused(['--format', 'lerobot', '--cameras', 'free', '--image-size', '1024'])).toMatch(/--image-size/)
    expect(await refused(['--format', 'lerobot', '--cameras', 'free', '--image-size', '95'])).toMatch(/even/)
    expect(await refused(['--format', 'lerobot-v2.1', '--cameras', 'free'])).toMatch(/not lerobot-v2\.1/)
    expect(await refused(['--format', 'lerobot', '--image-size', '64'])).toMatch(/go with --cameras/)
  })
  it('missing Chromium or ffmpeg, before anything is written', async () => {
    expect(
      await refused(['--format', 'robomimic', '--cameras', 'free'], { IWB_CHROMIUM: '/nonexistent/chromium' }),
    ).toMatch(
      /^iwb export: camera images are rendered in Chromium, not found at \/nonexistent\/chromium: apt-get install chromium/,
    )
    expect(await refused(['--format', 'lerobot', '--cameras', 'free'], { IWB_FFMPEG: '/nonexistent/ffmpeg' })).toMatch(
      /^iwb export: MP4 video needs ffmpeg, which did not run \(\/nonexistent\/ffmpeg\): apt-get install ffmpeg/,
    )
  })
})
