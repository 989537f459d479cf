// A dataset's camera images (store/datasets' DatasetImages): each stored physics state set in the task's
// simulation, its body poses rendered by the page's scene in a headless Chromium, a batch per round trip.
import type { SceneGeometry } from '../../shared/contract'
import { framesPerBatch, type DatasetImageSettings } from '../../shared/dataset-images'
import type { Env } from '../sim/env'
import type { Dataset, DatasetImages } from '../store'
import { FramesError } from './chromium'
import { openImageRenderer, type Pose } from './renderer'

export interface OpenImages {
  images: DatasetImages
  close(): Promise<void>
}

/** Images for `dataset`'s states; `env` is the dataset's task (closed by the caller). `onFrames` counts states drawn. */
export async function datasetImages(
  dataset: Dataset,
  env: Env,
  settings: DatasetImageSettings,
  onFrames: (n: number) => void = () => {},
): Promise<OpenImages> {
  if (dataset.episodes.some((ep) => !ep.states))
    throw new FramesError(
      'camera images are drawn from physics states, and this dataset has none (session labels without states)',
    )
  const geometry: SceneGeometry = env.geometry()
  const { cameras, width, height, format } = settings
  const renderer = await openImageRenderer(geometry, cameras, width, height)
  const batch = framesPerBatch(width, height, cameras.length)
  return {
    images: {
      cameras,
      width,
      height,
      format,
      batch,
      async render(e, from, to) {
        const states = dataset.episodes[e].states!
        if (from < 0 || to > states.length || to - from > batch || to <= from)
          throw new RangeError(`frames ${from}..${to} of an episode of ${states.length}, at most ${batch} a call`)
        const poses: Pose[] = []
        for (let i = from; i < to; i++) {
          env.setState(states[i])
          const f = env.frame()
          poses.push({ xpos: f.xpos, xquat: f.xquat })
        }
        const images = await renderer.render(poses)
        onFrames(to - from)
        return images
      },
    },
    close: () => renderer.close(),
  }
}
