// `iwb bench frames`: camera images of stored states per second, drawn as `iwb export --cameras` draws them
// (frames/dataset-images.ts: the page's scene in headless Chromiums, batches fetched ahead), without the encoding;
// the browsers' start timed apart.
import { readFileSync, readdirSync } from 'node:fs'
import { cpus } from 'node:os'
import { DatasetImageSettings } from '../../shared/dataset-images'
import { datasetImages } from '../frames/dataset-images'
import { makeEnv } from '../sim/registry'
import { scriptedPolicy } from '../sim/scripted'
import type { Dataset } from '../store'

export interface FramesBenchOptions {
  taskId?: string
  cameras?: string[]
  side?: number
  frames?: number
  /** Chromiums drawing at once (DatasetImageSettings' default) */
  renderers?: number
}

export interface FramesBenchResult {
  taskId: string
  cameras: string[]
  side: number
  frames: number
  renderers: number
  /** states rendered per second (every camera's image of each); images per second is this times cameras */
  framesPerSec: number
  imagesPerSec: number
  /** Node's CPU a frame (poses, transfers); Chromium's own work is not in it */
  nodeCpuMsPerFrame: number
  /** CPU a frame of this process and every process under it (Chromium's GPU process draws), from /proc; null
   * where there is none. A busy machine stretches the wall time, not this: cores x 1000 / it bounds frames/s */
  treeCpuMsPerFrame: number | null
  startSec: number
  cores: number
}

export async function runFramesBench(options: FramesBenchOptions = {}): Promise<FramesBenchResult> {
  const taskId = options.taskId ?? 'pick-place'
  const settings = DatasetImageSettings.parse({
    cameras: options.cameras ?? ['free'],
    width: options.side,
    height: options.side,
    renderers: options.renderers,
  })
  const total = options.frames ?? 1024
  const env = await makeEnv(taskId)
  try {
    // the physics states of an expert's episodes: what a demonstration export renders
    const expert = scriptedPolicy(taskId)
    const episodes: Dataset['episodes'] = []
    for (let seed = 0, n = 0; n < total; seed++) {
      const states: Float64Array[] = []
      let obs = env.reset(seed)
      for (let t = 0; t < env.task.horizon && n < total; t++, n++) {
        states.push(env.getState())
        const r = env.step(expert.act(obs))
        obs = r.observation
        if (r.terminated || r.truncated) break
      }
      episodes.push({
        sourceId: seed,
        operator: null,
        createdAt: null,
        observations: [],
        actions: [],
        states,
        rewards: new Float64Array(),
      })
    }
    const dataset = { task: { taskId }, episodes } as unknown as Dataset // only the states are drawn
    // Chromiums started, scenes built, shaders compiled (frame-renderer.ts draws once at opening)
    let t = performance.now()
    const open = await datasetImages(dataset, env, settings)
    const startSec = (performance.now() - t) / 1000
    try {
      const { images } = open
      const cpu = process.cpuUsage()
      const tree = treeCpuSeconds()
      t = performance.now()
      for (let e = 0; e < episodes.length; e++)
        for (let from = 0; from < episodes[e].states!.length; from += images.batch)
          await images.render(e, from, Math.min(episodes[e].states!.length, from + images.batch))
      const sec = (performance.now() - t) / 1000
      const used = process.cpuUsage(cpu)
      const treeAfter = treeCpuSeconds()
      return {
        taskId,
        cameras: settings.cameras,
        side: settings.width,
        frames: total,
        renderers: settings.renderers,
        framesPerSec: Math.round(total / sec),
        imagesPerSec: Math.round((total * settings.cameras.length) / sec),
        nodeCpuMsPerFrame: Number(((used.user + used.system) / 1000 / total).toFixed(3)),
        treeCpuMsPerFrame:
          tree === null || treeAfter === null ? null : Number((((treeAfter - tree) * 1000) / total).toFixed(2)),
        startSec: Number(startSec.toFixed(2)),
        cores: cpus().length,
      }
    } finally {
      await open.close()
    }
  } finally {
    env.close()
  }
}

/** CPU seconds (user + system) of this process and its descendants alive now, from Linux's /proc; null elsewhere. */
function treeCpuSeconds(): number | null {
  let entries: string[]
  try {
    entries = readdirSync('/proc').filter((d) => /^\d+$/.test(d))
  } catch {
    return null
  }
  const tick = 100 // USER_HZ on Linux
  const parent = new Map<number, number>()
  const cpu = new Map<number, number>()
  for (const d of entries) {
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8')
      // fields after the command's closing parenthesis: state ppid ... utime (14th field) stime (15th)
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      parent.set(Number(d), Number(f[1]))
      cpu.set(Number(d), (Number(f[11]) + Number(f[12])) / tick)
    } catch {
      // the process ended while listed
    }
  }
  let sum = 0
  for (const [pid, seconds] of cpu) {
    for (let p: number | undefined = pid, hops = 0; p !== undefined && hops < 64; p = parent.get(p), hops++)
      if (p === process.pid) {
        sum += seconds
        break
      }
  }
  return sum
}
