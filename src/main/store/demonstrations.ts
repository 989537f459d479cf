// The recorded demonstrations a session draws its offline labels from: the episodes it names, or every complete
// demonstration of its task (of one operator), with the person's seconds per state. Refused in one line when an
// episode is missing, of another task, not a demonstration or not complete.
import { SESSION_LIMITS, type OfflineSource } from '../../shared/session-config'
import { StoreError } from './errors'
import { demonstrationTimes, secondsPerDemoState } from './human-time'
import type { StoredStep } from './types'
import type { Workspace } from './workspace'

export interface SessionDemonstration {
  episodeId: number
  secondsPerState: number | null
  steps: StoredStep[]
}

/** The demonstrations' ids for a session of this task; throws StoreError naming what is wrong. */
export function resolveDemonstrations(
  ws: Workspace,
  taskId: string,
  offline: Extract<OfflineSource, { kind: 'demos' }>,
): number[] {
  if (offline.episodes === null) {
    const ids = demonstrationTimes(ws, { taskId, operator: offline.operator }).map((d) => d.episodeId)
    if (ids.length === 0)
      throw new StoreError(
        'not-found',
        `no complete demonstrations of ${taskId}${offline.operator ? ` by ${offline.operator}` : ''} in the workspace: record some in Teleop first`,
      )
    // The newest ones when there are more than a session may name.
    return ids.slice(-SESSION_LIMITS.demoEpisodes)
  }
  for (const id of offline.episodes) {
    const e = ws.episodeInfo(id) // throws not-found
    if (e.kind !== 'demonstration') throw new StoreError('io', `episode ${id} is a ${e.kind}, not a demonstration`)
    if (e.taskId !== taskId)
      throw new StoreError('io', `episode ${id} is a demonstration of ${e.taskId}, not of ${taskId}`)
    if (!e.complete || e.steps === 0)
      throw new StoreError('io', `demonstration ${id} is not complete (interrupted or empty); choose a kept one`)
  }
  return offline.episodes
}

/** The demonstrations with their steps, in episode order. */
export function loadDemonstrations(
  ws: Workspace,
  taskId: string,
  offline: Extract<OfflineSource, { kind: 'demos' }>,
): SessionDemonstration[] {
  const ids = resolveDemonstrations(ws, taskId, offline)
  const times = new Map(demonstrationTimes(ws, { taskId }).map((d) => [d.episodeId, d]))
  return ids.map((id) => {
    const t = times.get(id)
    return { episodeId: id, secondsPerState: t ? secondsPerDemoState(t) : null, steps: ws.loadEpisode(id).steps }
  })
}

/** A demonstration's return so far at up to `points` evenly spaced steps (the page draws it as a sparkline). */
export function returnPreview(ws: Workspace, episodeId: number, points = 24): number[] {
  const rewards = ws
    .prepare('SELECT reward FROM steps WHERE episode_id = ? ORDER BY idx')
    .pluck()
    .all(episodeId) as number[]
  if (rewards.length === 0) return []
  const n = Math.max(2, Math.min(points, rewards.length))
  const out: number[] = []
  let ret = 0
  let next = 0
  for (let i = 0; i < rewards.length; i++) {
    ret += rewards[i]
    // the last step always, and n - 1 evenly spaced ones before it
    if (i === Math.round((next * (rewards.length - 1)) / (n - 1))) {
      out.push(ret)
      next++
    }
  }
  return out
}
