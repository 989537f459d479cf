// A WARM-STAGGER session with nothing stored yet starts from its BC twin's kept checkpoint when the workspace
// holds one (shared/warm-fork.ts): the twin's first k labels, curve and checkpoint are copied in one transaction and
// the runner continues from there as from the session's own checkpoint. Without a twin it runs in full.
import type { Demonstration } from '../learn/offline-source'
import type { SessionCheckpoint } from '../learn/session-log'
import { WarmStagger } from '../learn/algorithms/warm-stagger'
import type { SqliteSessionLog, Workspace } from '../store'
import { offlineShare } from '../../shared/session-config'

export interface Fork {
  twinSessionId: number
  labels: number
}

/**
 * Fork `log`'s session from its twin, if it is a WARM-STAGGER session with nothing stored and the workspace holds
 * a twin. `demos`: the demonstrations this session draws from (offline source 'demos'), loaded now.
 */
export function forkFromTwin(
  ws: Workspace,
  log: SqliteSessionLog,
  demos: readonly Demonstration[] | null,
): Fork | null {
  const config = log.config
  if (config.algo !== 'warm-stagger' || ws.sessionInfo(log.sessionId).labels > 0 || log.checkpoint()) return null
  // "Every complete demonstration of the task" is resolved when a session starts: the twin's draw must be over the
  // same episodes as this session's would be now.
  const episodes = demos ? demos.map((d) => d.episodeId).sort((a, b) => a - b) : null
  const sameDraw = (c: SessionCheckpoint): boolean => {
    if (!episodes) return true
    const drawn = (c.algorithm as { episodes?: unknown } | null)?.episodes
    return Array.isArray(drawn) && drawn.length === episodes.length && drawn.every((e, i) => e === episodes[i])
  }
  const twin = ws.findTwin(config, offlineShare(config), sameDraw)
  if (!twin) return null
  const checkpoint = { ...twin.checkpoint, algorithm: WarmStagger.beforeSwitch(twin.checkpoint.algorithm) }
  return log.startFrom(twin.sessionId, checkpoint)
    ? { twinSessionId: twin.sessionId, labels: twin.checkpoint.labels }
    : null
}
