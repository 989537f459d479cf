// `iwb dataset purge`: the one edit that destroys. It deletes the versions an edit replaced that no session uses
// (no label names them, no session's offline demonstrations list them); what a session trained on stays. The edits
// up to the last one that replaced a purged episode can no longer be undone, so they are forgotten; later edits keep
// their undo. A kept version whose older version goes points at that one's own older version instead.
import type { Workspace } from './workspace'

export interface PurgePlan {
  /** the replaced versions that would go, oldest first */
  episodes: { episodeId: number; taskId: string; steps: number }[]
  steps: number
  /** replaced versions kept because a session uses them */
  kept: number[]
  /** edits that could no longer be undone */
  edits: number[]
}

/** What purge would remove; changes nothing. */
export function purgePlan(ws: Workspace): PurgePlan {
  const replaced = ws.prepare('SELECT id, task_id, steps FROM episodes WHERE replaced = 1 ORDER BY id').all() as {
    id: number
    task_id: string
    steps: number
  }[]
  const used = new Set([
    ...(ws.prepare('SELECT DISTINCT episode_id FROM labels WHERE episode_id IS NOT NULL').pluck().all() as number[]),
    ...(ws
      .prepare(`SELECT DISTINCT d.value FROM sessions s, json_each(s.offline, '$.episodes') d`)
      .pluck()
      .all() as number[]),
  ])
  const gone = replaced.filter((r) => !used.has(r.id))
  const goneIds = new Set(gone.map((r) => r.id))
  const edits = ws.prepare('SELECT id, replaced FROM episode_edits ORDER BY id').all() as {
    id: number
    replaced: string
  }[]
  const lastCut = Math.max(
    0,
    ...edits.filter((e) => (JSON.parse(e.replaced) as number[]).some((id) => goneIds.has(id))).map((e) => e.id),
  )
  return {
    episodes: gone.map((r) => ({ episodeId: r.id, taskId: r.task_id, steps: r.steps })),
    steps: gone.reduce((a, r) => a + r.steps, 0),
    kept: replaced.filter((r) => used.has(r.id)).map((r) => r.id),
    edits: edits.filter((e) => e.id <= lastCut).map((e) => e.id),
  }
}

/** Remove what purgePlan names, in one transaction; returns the plan carried out. */
export function purgeReplaced(ws: Workspace): PurgePlan {
  return ws.write(() => {
    const plan = purgePlan(ws)
    const parent = ws.prepare('SELECT version_of FROM episodes WHERE id = ?').pluck()
    const relink = ws.prepare('UPDATE episodes SET version_of = ? WHERE version_of = ?')
    const del = ws.prepare('DELETE FROM episodes WHERE id = ?')
    // newest first, so a chain of purged versions relinks to the nearest one kept
    for (const { episodeId } of [...plan.episodes].reverse()) {
      relink.run(parent.get(episodeId) as number | null, episodeId)
      del.run(episodeId)
    }
    const forget = ws.prepare('DELETE FROM episode_edits WHERE id = ?')
    for (const id of plan.edits) forget.run(id)
    return plan
  })
}
