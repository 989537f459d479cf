// A dataset's camera images (store/datasets' DatasetImages): each stored physics state set in the task's
// simulation, its body poses rendered by the page's scene in headless Chromiums, a batch per round trip. The
// writers ask for batches in order (episode by episode, from the first step), so while one batch is encoded the
// next ones are already being drawn: one batch ahead per renderer.
import type { SceneGeometry } from '../../shared/contract'
import { framesPerBatch, type DatasetImageSettings } from '../../shared/dataset-images'
import type { Env } from '../sim/env'
import type { Dataset, DatasetImages } from '../store'
import { FramesError } from './chromium'
import { openRendererPool, type Pose } from './renderer'

export interface OpenImages {
  images: DatasetImages
  close(): Promise<void>
}

type Span = readonly [episode: number, from: number, to: number]

/** The batch a writer asks for after [e, from, to): the rest of the episode, then the next one with steps. */
export function nextSpan(lengths: readonly number[], batch: number, [e, , to]: Span): Span | null {
  if (to < lengths[e]) return [e, to, Math.min(lengths[e], to + batch)]
  for (let next = e + 1; next < lengths.length; next++)
    if (lengths[next] > 0) return [next, 0, Math.min(lengths[next], batch)]
  return null
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
  const { cameras, width, height, format, renderers } = settings
  const pool = await openRendererPool(geometry, cameras, width, height, renderers)
  const batch = framesPerBatch(width, height, cameras.length)
  const lengths = dataset.episodes.map((ep) => ep.states!.length)
  /** batches drawing or drawn, not yet asked for, by span */
  const ahead = new Map<string, Promise<Uint8Array[]>>()
  const key = ([e, from, to]: Span): string => `${e}:${from}:${to}`
  const draw = ([e, from, to]: Span): Promise<Uint8Array[]> => {
    // poses are taken now, in order, on this thread: the simulation is never shared between two batches
    const states = dataset.episodes[e].states!
    const poses: Pose[] = []
    for (let i = from; i < to; i++) {
      env.setState(states[i])
      const f = env.frame()
      poses.push({ xpos: f.xpos, xquat: f.xquat })
    }
    return pool.render(poses).then((images) => {
      onFrames(to - from)
      return images
    })
  }
  const fetchAhead = (span: Span): void => {
    let next: Span | null = span
    for (let k = 0; k < renderers && (next = nextSpan(lengths, batch, next)); k++) {
      if (ahead.has(key(next))) continue
      const p = draw(next)
      p.catch(() => {}) // a failure is reported to the writer that asks for that batch
      ahead.set(key(next), p)
    }
  }
  return {
    images: {
      cameras,
      width,
      height,
      format,
      batch,
      async render(e, from, to) {
        const states = dataset.episodes[e]?.states
        if (!states || from < 0 || to > states.length || to - from > batch || to <= from)
          throw new RangeError(`frames ${from}..${to} of an episode of ${states?.length ?? 0}, at most ${batch} a call`)
        const span: Span = [e, from, to]
        let images = ahead.get(key(span))
        if (images) ahead.delete(key(span))
        else {
          // asked out of order: what was fetched ahead will not be asked for
          ahead.clear()
          images = draw(span)
        }
        fetchAhead(span)
        return images
      },
    },
    async close() {
      await Promise.allSettled(ahead.values())
      ahead.clear()
      await pool.close()
    },
  }
}
