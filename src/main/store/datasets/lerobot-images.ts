// Camera images in a LeRobot v3.0 export (issue 26 item 2), as LeRobot lays them out:
//   MP4: videos/observation.images.<camera>/chunk-XXX/file-YYY.mp4, consecutive episodes in one file up to the video
//        size limit, each episode's span in meta/episodes (videos/<key>/chunk_index, file_index, from_timestamp,
//        to_timestamp); the feature's dtype "video" with its codec, pixel format and fps
//   PNG: the data files' column observation.images.<camera>, a struct {bytes, path} per frame (Hugging Face
//        datasets' Image, what LeRobot writes without video); dtype "image"
// Both keep per-channel statistics (values / 255) of a sample of each episode's frames.
import { mkdirSync, statSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { PNG } from 'pngjs'
import { StoreError } from '../errors'
import { stats, type Stats } from './lerobot-parts'
import type { DatasetImages } from './types'
import { checkFfmpeg, openVideo, VIDEO_CODEC, type VideoWriter } from './video'

export const VIDEO_PATH = 'videos/{video_key}/chunk-{chunk_index:03d}/file-{file_index:03d}.mp4'
/** LeRobot's default; a video file is closed after the episode that reaches it */
export const VIDEO_FILE_MB = 200
/** an episode's PNG frames are held until its rows are written: at most this many raw bytes of them */
const PNG_EPISODE_BYTES = 2 ** 30
/** frames per episode its image statistics sample, and pixels a side they sample of each */
const STAT_FRAMES = 16
const STAT_SIDE = 32

export interface VideoPlace {
  chunk: number
  file: number
  from: number
  to: number
}

export interface EpisodeImages {
  columns: { name: string; data: unknown }[]
  schema: object[]
  stats: Record<string, Stats>
  videos?: Record<string, VideoPlace>
}

export interface ImagesInfo {
  features: Record<string, object>
  imageKeys: string[]
  videoPath: string | null
}

type Place = (template: string, n: number) => { chunk: number; file: number; rel: string }

export const imageKey = (camera: string) => `observation.images.${camera}`

export function imageWriter(images: DatasetImages, dir: string, fps: number, place: Place) {
  const { cameras, width, height, format } = images
  const frameBytes = width * height * 3
  if (format === 'mp4') checkFfmpeg()
  /** per camera: the open video file, where it is, the frames in it, how many files so far */
  const videos = cameras.map(() => ({
    open: null as null | { writer: VideoWriter; at: ReturnType<Place>; path: string },
    files: 0,
  }))
  const closeVideo = async (v: (typeof videos)[number]) => {
    const open = v.open
    v.open = null
    if (open) await open.writer.finish()
  }
  return {
    async episode(e: number, n: number): Promise<EpisodeImages> {
      if (format === 'png' && n * frameBytes * cameras.length > PNG_EPISODE_BYTES)
        throw new StoreError(
          'io',
          `episode ${e} has ${n} steps: its PNG frames would hold over ${PNG_EPISODE_BYTES / 2 ** 30} GiB; use --image-format mp4 or smaller images`,
        )
      const sampled = cameras.map(() => [] as number[][])
      const every = Math.max(1, Math.floor(n / STAT_FRAMES))
      const pngs = cameras.map(() => [] as { bytes: Uint8Array; path: null }[])
      const places: Record<string, VideoPlace> = {}
      cameras.forEach((camera, c) => {
        const v = videos[c]
        if (format !== 'mp4') return
        if (!v.open) {
          const at = place(VIDEO_PATH.replace('{video_key}', imageKey(camera)), v.files++)
          const path = join(dir, at.rel)
          mkdirSync(dirname(path), { recursive: true })
          v.open = { writer: openVideo(path, width, height, fps), at, path }
        }
        const from = v.open.writer.frames / fps
        places[imageKey(camera)] = { chunk: v.open.at.chunk, file: v.open.at.file, from, to: from + n / fps }
      })
      for (let from = 0; from < n; from += images.batch) {
        const to = Math.min(n, from + images.batch)
        const rendered = await images.render(e, from, to)
        for (let c = 0; c < cameras.length; c++) {
          const rgb = rendered[c]
          for (let i = from; i < to; i++) {
            const frame = rgb.subarray((i - from) * frameBytes, (i - from + 1) * frameBytes)
            if (i % every === 0) samplePixels(frame, width, height, sampled[c])
            if (format === 'png') pngs[c].push({ bytes: encodePng(frame, width, height), path: null })
          }
          if (format === 'mp4') await videos[c].open!.writer.write(rgb)
        }
      }
      // a video file is closed once it reaches the size limit (the episode in it stays whole)
      for (const v of videos)
        if (v.open && (statSync(v.open.path, { throwIfNoEntry: false })?.size ?? 0) >= VIDEO_FILE_MB * 2 ** 20)
          await closeVideo(v)
      const keys = cameras.map(imageKey)
      return {
        columns: format === 'png' ? keys.map((name, c) => ({ name, data: pngs[c] })) : [],
        schema: format === 'png' ? keys.flatMap(imageColumn) : [],
        // LeRobot's count of an image feature is the images its statistics were taken from (shape (1,))
        stats: Object.fromEntries(
          keys.map((k, c) => [k, { ...stats(sampled[c], 3, true), count: [Math.ceil(n / every)] }]),
        ),
        ...(format === 'mp4' ? { videos: places } : {}),
      }
    },
    /** closes the open videos; the number of video files written */
    async finish(): Promise<number> {
      for (const v of videos) await closeVideo(v)
      return videos.reduce((a, v) => a + v.files, 0)
    },
    abort(): void {
      for (const v of videos) v.open?.writer.abort()
    },
    info(): ImagesInfo {
      const shape = { shape: [height, width, 3], names: ['height', 'width', 'channels'] }
      const info = {
        'video.height': height,
        'video.width': width,
        'video.codec': VIDEO_CODEC.codec,
        'video.pix_fmt': VIDEO_CODEC.pixFmt,
        'video.is_depth_map': false,
        'video.fps': fps,
        'video.channels': 3,
        has_audio: false,
      }
      const features = Object.fromEntries(
        cameras.map((c) => [
          imageKey(c),
          format === 'mp4' ? { dtype: 'video', ...shape, info } : { dtype: 'image', ...shape },
        ]),
      )
      return { features, imageKeys: cameras.map(imageKey), videoPath: format === 'mp4' ? VIDEO_PATH : null }
    },
  }
}

/** An image column: Hugging Face datasets' Image struct, the PNG's bytes and no path. */
function imageColumn(name: string): object[] {
  return [
    { name, repetition_type: 'OPTIONAL', num_children: 2 },
    { name: 'bytes', type: 'BYTE_ARRAY', repetition_type: 'OPTIONAL' },
    { name: 'path', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' },
  ]
}

export function encodePng(rgb: Uint8Array, width: number, height: number): Uint8Array {
  const png = new PNG({ width, height, colorType: 2, inputColorType: 2, inputHasAlpha: false })
  png.data = Buffer.from(rgb.buffer, rgb.byteOffset, rgb.byteLength)
  return new Uint8Array(PNG.sync.write(png, { colorType: 2, inputColorType: 2, inputHasAlpha: false }))
}

/** Pixels on a grid of at most STAT_SIDE a side, as [r, g, b] / 255. */
function samplePixels(rgb: Uint8Array, width: number, height: number, into: number[][]): void {
  const sx = Math.max(1, Math.floor(width / STAT_SIDE))
  const sy = Math.max(1, Math.floor(height / STAT_SIDE))
  for (let y = 0; y < height; y += sy)
    for (let x = 0; x < width; x += sx) {
      const p = 3 * (y * width + x)
      into.push([rgb[p] / 255, rgb[p + 1] / 255, rgb[p + 2] / 255])
    }
}

/** meta/episodes' video columns, for the rows given (every row has the same keys). */
export function videoColumns(rows: (Record<string, VideoPlace> | undefined)[]): { name: string; data: number[] }[] {
  const keys = Object.keys(rows[0] ?? {})
  return keys.flatMap((k) => [
    { name: `videos/${k}/chunk_index`, data: rows.map((r) => r![k].chunk) },
    { name: `videos/${k}/file_index`, data: rows.map((r) => r![k].file) },
    { name: `videos/${k}/from_timestamp`, data: rows.map((r) => r![k].from) },
    { name: `videos/${k}/to_timestamp`, data: rows.map((r) => r![k].to) },
  ])
}

/** One statistic of an image feature per channel, shaped (3, 1, 1) as LeRobot's validator (compute_stats.py)
 * requires, in stats.json and in meta/episodes alike. */
export const perChannel = (v: readonly number[]): number[][][] => v.map((x) => [[x]])

/** An image feature's statistics: each (3, 1, 1), the count (1,). */
export function channelShaped(s: Stats): Record<string, number[] | number[][][]> {
  return Object.fromEntries(Object.entries(s).map(([k, v]) => [k, k === 'count' ? (v as number[]) : perChannel(v)]))
}
