// `iwb bench frames`: camera images of stored states per second, as `iwb export --cameras` renders them (the
// page's scene in a headless Chromium, a batch of poses per round trip), the browser's start timed apart.
import { readFileSync, readdirSync } from 'node:fs'
import { cpus } from 'node:os'
import { framesPerBatch } from '../../shared/dataset-images'
import { openImageRenderer, type Pose } from '../frames/renderer'
import { makeEnv } from '../sim/registry'
import { scriptedPolicy } from '../sim/scripted'

export interface FramesBenchOptions {
  taskId?: string
  cameras?: string[]
  side?: number
  frames?: number
}

export interface FramesBenchResult {
  taskId: string
  cameras: string[]
  side: number
  frames: number
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
  const cameras = options.cameras ?? ['free']
  const side = options.side ?? 96
  const total = options.frames ?? 1024
  const env = await makeEnv(taskId)
  try {
    // poses of an expert's episodes: what a demonstration export renders
    const expert = scriptedPolicy(taskId)
    const poses: Pose[] = []
    for (let seed = 0; poses.length < total; seed++) {
      let obs = env.reset(seed)
      for (let t = 0; t < env.task.horizon && poses.length < total; t++) {
        const f = env.frame()
        poses.push({ xpos: f.xpos, xquat: f.xquat })
        const r = env.step(expert.act(obs))
        obs = r.observation
        if (r.terminated || r.truncated) break
      }
    }
    let t = performance.now()
    const renderer = await openImageRenderer(env.geometry(), cameras, side, side)
    const startSec = (performance.now() - t) / 1000
    try {
      const batch = framesPerBatch(side, side, cameras.length)
      await renderer.render(poses.slice(0, Math.min(batch, 8))) // first draws compile the shaders
      const cpu = process.cpuUsage()
      const tree = treeCpuSeconds()
      t = performance.now()
      for (let from = 0; from < total; from += batch) await renderer.render(poses.slice(from, from + batch))
      const sec = (performance.now() - t) / 1000
      const used = process.cpuUsage(cpu)
      const treeAfter = treeCpuSeconds()
      return {
        taskId,
        cameras,
        side,
        frames: total,
        framesPerSec: Math.round(total / sec),
        imagesPerSec: Math.round((total * cameras.length) / sec),
        nodeCpuMsPerFrame: Number(((used.user + used.system) / 1000 / total).toFixed(3)),
        treeCpuMsPerFrame:
          tree === null || treeAfter === null ? null : Number((((treeAfter - tree) * 1000) / total).toFixed(2)),
        startSec: Number(startSec.toFixed(2)),
        cores: cpus().length,
      }
    } finally {
      await renderer.close()
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
