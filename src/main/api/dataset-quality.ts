// Per-demonstration quality figures (store/datasets/quality.ts) from stored episodes: one place for iwb dataset
// quality and the Datasets view. Success comes from replaying the last step; the expert's distance from its action
// in each stored state, where the task has an expert.
import { expertFor } from '../experts/registry'
import type { Env } from '../sim/env'
import { policyFromSpec } from '../sim/policy-spec'
import { stepSuccess } from '../sim/success'
import { episodeQuality, type EpisodeInfo, type EpisodeQuality, type Workspace } from '../store'

type Expert = ReturnType<typeof policyFromSpec> & { reset?: () => void }

/** The task's expert, or null for a task without one (your own model). */
export function qualityExpert(taskId: string): Expert | null {
  try {
    return policyFromSpec(expertFor(taskId))
  } catch {
    return null
  }
}

/** One stored demonstration's figures; outliers are left empty for flagOutliers over the task's list. */
export function storedEpisodeQuality(
  ws: Workspace,
  info: EpisodeInfo,
  env: Env,
  controlHz: number,
  expert: Expert | null,
): EpisodeQuality {
  const { steps } = ws.loadEpisode(info.episodeId)
  const last = steps[steps.length - 1]
  expert?.reset?.()
  return episodeQuality({
    episodeId: info.episodeId,
    actions: steps.map((s) => s.action),
    rewards: Float64Array.from(steps, (s) => s.reward),
    controlHz,
    success: last ? stepSuccess(env, last.state, last.action) : null,
    expertActions: expert ? steps.map((s) => Array.from(expert.act(s.observation))) : null,
  })
}
