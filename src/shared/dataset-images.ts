// Camera images in dataset exports (`iwb export --cameras`, issue 26 item 2): which views, their size and encoding,
// with every default and bound in one place. The page's preset views and a model's own <camera>s are both cameras.
import { z } from 'zod'

/** The viewer's presets (SceneView's camera menu): the default view, it following the tracked body, top, side. */
export const CAMERA_PRESETS = ['free', 'track', 'top', 'side'] as const
export type CameraPreset = (typeof CAMERA_PRESETS)[number]

export const IMAGE_LIMITS = {
  /** pixels a side: LeRobot and robomimic policies mostly train on 84-128 */
  defaultSide: 96,
  minSide: 16,
  maxSide: 512,
  cameras: 4,
  /** the most frames of all cameras together one round trip to the renderer carries */
  batchFrames: 256,
  /** and the most raw RGB bytes it carries (a batch of 512 x 512 images is smaller) */
  batchBytes: 32 * 2 ** 20,
  /** headless Chromiums drawing at once; each holds one batch ahead in memory */
  renderers: 4,
  /** two keep a small machine's cores busy: SwiftShader's GPU process draws while the other page takes poses */
  defaultRenderers: 2,
} as const

/** an image's side in pixels */
export const ImageSide = z
  .number()
  .int()
  .min(IMAGE_LIMITS.minSide)
  .max(IMAGE_LIMITS.maxSide)
  // yuv420p (what LeRobot's decoders expect of an MP4) halves both sides
  .refine((n) => n % 2 === 0, 'an even number of pixels')

export const DatasetImageSettings = z.object({
  cameras: z
    .array(z.string().min(1).max(100))
    .min(1)
    .max(IMAGE_LIMITS.cameras)
    .refine((c) => new Set(c).size === c.length, 'each camera once'),
  width: ImageSide.default(IMAGE_LIMITS.defaultSide),
  height: ImageSide.default(IMAGE_LIMITS.defaultSide),
  /** LeRobot: MP4 video per camera (LeRobot's default) or PNG frames in the data files; robomimic stores raw uint8 */
  format: z.enum(['mp4', 'png']).default('mp4'),
  /** Chromiums drawing batches side by side, the next ones fetched while a writer encodes the last */
  renderers: z.number().int().min(1).max(IMAGE_LIMITS.renderers).default(IMAGE_LIMITS.defaultRenderers),
})
export type DatasetImageSettings = z.infer<typeof DatasetImageSettings>

/** Frames per round trip for `cameras` images of width x height: both batch bounds hold. */
export function framesPerBatch(width: number, height: number, cameras: number): number {
  const perFrame = width * height * 3 * cameras
  return Math.max(
    1,
    Math.min(Math.floor(IMAGE_LIMITS.batchFrames / cameras), Math.floor(IMAGE_LIMITS.batchBytes / perFrame)),
  )
}
