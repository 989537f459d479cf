// MP4 video of RGB frames with Debian's ffmpeg (LeRobot's observation.images.* as video): H.264 in yuv420p, a key
// frame every 2 frames as LeRobot encodes (random access to any frame is cheap), frames streamed in on stdin.
import { spawn, spawnSync } from 'node:child_process'
import { once } from 'node:events'
import { StoreError } from '../errors'

export const VIDEO_CODEC = { codec: 'h264', pixFmt: 'yuv420p', gop: 2, crf: 23 } as const

export function ffmpegPath(): string {
  return process.env.IWB_FFMPEG ?? 'ffmpeg'
}

/** One line when ffmpeg cannot run, before anything is rendered. */
export function checkFfmpeg(): void {
  const r = spawnSync(ffmpegPath(), ['-hide_banner', '-version'], { stdio: 'ignore' })
  if (r.error || r.status !== 0)
    throw new StoreError(
      'io',
      `MP4 video needs ffmpeg, which did not run (${ffmpegPath()}): apt-get install ffmpeg (or set IWB_FFMPEG), or use --image-format png`,
    )
}

export interface VideoWriter {
  /** frames written so far */
  readonly frames: number
  write(rgb: Uint8Array): Promise<void>
  finish(): Promise<void>
  /** stop ffmpeg (a failed export) */
  abort(): void
}

export function openVideo(path: string, width: number, height: number, fps: number): VideoWriter {
  const frameBytes = width * height * 3
  // prettier-ignore
  const args = [
    '-hide_banner', '-loglevel', 'error', '-nostdin',
    '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', `${width}x${height}`, '-framerate', String(fps), '-i', 'pipe:0',
    '-c:v', 'libx264', '-preset', 'veryfast', '-crf', String(VIDEO_CODEC.crf), '-g', String(VIDEO_CODEC.gop),
    '-pix_fmt', VIDEO_CODEC.pixFmt, '-movflags', '+faststart', '-f', 'mp4', path,
  ]
  const child = spawn(ffmpegPath(), args, { stdio: ['pipe', 'ignore', 'pipe'] })
  let stderr = ''
  child.stderr.on('data', (d: Buffer) => {
    if (stderr.length < 2000) stderr += d.toString()
  })
  let failed: Error | null = null
  child.on('error', (e) => (failed = e))
  child.stdin.on('error', (e) => (failed ??= e))
  const exited = once(child, 'close')
  let frames = 0
  const fail = (): StoreError =>
    new StoreError(
      'io',
      `ffmpeg could not write ${path}: ${(stderr.trim().split('\n')[0] || failed?.message) ?? 'it stopped'}`,
    )
  return {
    get frames() {
      return frames
    },
    async write(rgb) {
      if (rgb.length % frameBytes !== 0)
        throw new RangeError(`${rgb.length} bytes are not whole ${width}x${height} frames`)
      if (failed || child.exitCode !== null) throw fail()
      frames += rgb.length / frameBytes
      // back-pressure: wait while ffmpeg's pipe is full, so memory holds a pipe's worth of frames at most
      if (!child.stdin.write(rgb)) await Promise.race([once(child.stdin, 'drain'), exited])
    },
    abort() {
      if (child.exitCode === null) child.kill('SIGKILL')
    },
    async finish() {
      child.stdin.end()
      const [code] = (await exited) as [number | null]
      if (code !== 0 || failed) throw fail()
    },
  }
}
