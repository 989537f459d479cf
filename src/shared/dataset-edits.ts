// The Datasets view's edits and quality figures as the API carries them (issue 26 item 4): edits that make new
// versions of a demonstration (store/episode-edits.ts), undo, purge with a confirmation, and each episode's figures
// with its outliers among the task's (store/datasets/quality.ts).
import { z } from 'zod'

const id = z.number().int().nonnegative()
const step = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER)

/** The figures an outlier is looked for in (store/datasets/quality.ts QUALITY_FIGURES). */
export const QualityFigure = z.enum(['steps', 'idleSeconds', 'jerk', 'ret', 'expertDistance'])

export const EpisodeQualityInfo = z.object({
  idleSeconds: z.number().finite(),
  jerk: z.number().finite(),
  /** mean distance of the actions from the expert's; null for a task without an expert */
  expertDistance: z.number().finite().nullable(),
  outliers: z.array(QualityFigure),
})
export type EpisodeQualityInfo = z.infer<typeof EpisodeQualityInfo>

/** An edit of one demonstration: keep steps [start, end), split at a step, or mark steps [start, end) bad. */
export const DatasetEditInput = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('trim'), episodeId: id, start: step, end: step }).strict(),
  z.object({ kind: z.literal('split'), episodeId: id, at: step }).strict(),
  z.object({ kind: z.literal('mark-bad'), episodeId: id, start: step, end: step }).strict(),
])
export type DatasetEditInput = z.infer<typeof DatasetEditInput>

export const EpisodeEditInfo = z.object({
  id,
  kind: z.enum(['trim', 'split', 'merge', 'mark-bad']),
  replaced: z.array(id),
  made: z.array(id),
  createdAt: z.string(),
})
export type EpisodeEditInfo = z.infer<typeof EpisodeEditInfo>

/** What purge removes (or, unconfirmed, would remove). */
export const PurgeInfo = z.object({
  removed: z.boolean(),
  episodes: z.array(id),
  steps: z.number().int().nonnegative(),
  /** replaced versions kept because a session uses them */
  kept: z.array(id),
  /** edits that can no longer be undone after it */
  edits: z.array(id),
})
export type PurgeInfo = z.infer<typeof PurgeInfo>

/** Edits the view lists (the newest). */
export const DATASET_EDITS_SHOWN = 20
