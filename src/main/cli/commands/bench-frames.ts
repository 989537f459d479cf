// `iwb bench frames [--task T] [--cameras NAMES] [--side N] [--frames N] [--renderers N] [--json]`: dataset images per second.
import { z } from 'zod'
import { IMAGE_LIMITS, ImageSide } from '../../../shared/dataset-images'
import { runFramesBench } from '../../bench/frames'
import { flag, parseCommandArgs } from '../args'
import type { Command } from '../command'

export const command: Command = {
  name: 'bench-frames',
  summary: 'benchmark camera images for dataset exports: states rendered per second in the headless Chromium',
  usage: 'iwb bench frames [--task pick-place] [--cameras free] [--side 96] [--frames 1024] [--renderers 2] [--json]',
  async run(argv, io) {
    const { values } = parseCommandArgs(argv, {
      options: {
        task: { type: 'string' },
        cameras: { type: 'string' },
        side: { type: 'string' },
        frames: { type: 'string' },
        renderers: { type: 'string' },
        json: { type: 'boolean' },
      },
      schema: z.object({
        task: flag.task().optional(),
        cameras: flag.text().optional(),
        side: flag.int(IMAGE_LIMITS.minSide, IMAGE_LIMITS.maxSide).pipe(ImageSide).optional(),
        frames: flag.int(16, 100_000).optional(),
        renderers: flag.int(1, IMAGE_LIMITS.renderers).optional(),
        json: z.boolean().default(false),
      }),
    })
    const r = await runFramesBench({
      taskId: values.task,
      cameras: values.cameras?.split(','),
      side: values.side,
      frames: values.frames,
      renderers: values.renderers,
    })
    if (!values.json)
      io.out(
        `${r.taskId} ${r.cameras.join(',')} ${r.side}x${r.side}: ${r.framesPerSec} frames/s (${r.imagesPerSec} images/s) over ${r.frames} frames with ${r.renderers} Chromium(s), started in ${r.startSec} s; CPU a frame: ${r.treeCpuMsPerFrame ?? '?'} ms with Chromium's processes, Node ${r.nodeCpuMsPerFrame} ms (${r.cores} cores)`,
      )
    io.out(JSON.stringify(r))
    return 0
  },
}
