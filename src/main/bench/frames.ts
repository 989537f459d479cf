// `iwb bench frames`: camera images of stored states per second, as `iwb export --cameras` renders them (the
// page's scene in a headless Chromium, a batch of poses per round trip), the browser's start timed apart.
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
  /** process CPU seconds (Node's side: poses, transfers) per 1000 frames; Chromium's own work is not in it */
  nodeCpuMsPerFrame: number
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
      t = performance.now()
      for (let from = 0; from < total; from += batch) await renderer.render(poses.slice(from, from + batch))
      const sec = (performance.now() - t) / 1000
      const used = process.cpuUsage(cpu)
      return {
        taskId,
        cameras,
        side,
        frames: total,
        framesPerSec: Math.round(total / sec),
        imagesPerSec: Math.round((total * cameras.length) / sec),
        nodeCpuMsPerFrame: Number(((used.user + used.system) / 1000 / total).toFixed(3)),
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
