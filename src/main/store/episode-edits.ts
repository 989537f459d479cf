// Editing that cannot destroy (issue 26 item 4): trimming, splitting or marking steps bad makes new episodes,
// versions of it (episodes.version_of), and marks the old one replaced; a merge (episode-merge.ts) makes new
// episodes only. Nothing is deleted, so a session that trained on the old version keeps pointing at it, and undo
// takes the last edit back exactly (its new episodes and their steps go, the old one is live again). Each edit is
// one transaction. Only iwb dataset purge (episode-purge.ts) deletes.
import { StoreError } from './errors'
import type { Workspace } from './workspace'

export type EditKind = 'trim' | 'split' | 'merge' | 'mark-bad'

export interface EpisodeEdit {
  id: number
  kind: EditKind
  replaced: number[]
  made: number[]
  createdAt: string
}

/** A live, complete demonstration of no session: what an edit may replace. */
export function editable(ws: Workspace, id: number): { steps: number } {
  const row = ws
    .prepare('SELECT kind, complete, replaced, session_id, writer_pid, steps FROM episodes WHERE id = ?')
    .get(id) as
    | {
        kind: string
        complete: number
        replaced: number
        session_id: number | null
        writer_pid: number | null
        steps: number
      }
    | undefined
  if (!row) throw new StoreError('not-found', `no episode ${id} in ${ws.file}`)
  if (row.kind !== 'demonstration' || row.session_id !== null)
    throw new StoreError('invalid-value', `episode ${id} is a ${row.kind} of a session; only demonstrations are edited`)
  if (row.writer_pid !== null || row.complete !== 1)
    throw new StoreError('invalid-value', `episode ${id} is not a complete demonstration (recording or interrupted)`)
  if (row.replaced === 1)
    throw new StoreError('invalid-value', `episode ${id} was replaced by an edit; edit its newest version`)
  return row
}

/** Copy steps [from, to) of `id` into a new version of it; returns the new episode's id. */
export function copyVersion(ws: Workspace, id: number, from: number, to: number): number {
  const made = Number(
    ws
      .prepare(
        `INSERT INTO episodes (task_id, session_id, kind, complete, interrupted, ret, steps, operator, created_at,
           finished_at, tags, version_of)
         SELECT task_id, NULL, kind, 1, 0,
           (SELECT coalesce(sum(reward), 0) FROM steps WHERE episode_id = @id AND idx >= @from AND idx < @to),
           @to - @from, operator, created_at,
           -- the recording's time in proportion, so seconds per state (the cost measure) stay what they were
           CASE WHEN finished_at IS NULL OR steps = 0 THEN finished_at ELSE
             strftime('%Y-%m-%dT%H:%M:%fZ', julianday(created_at)
               + (julianday(finished_at) - julianday(created_at)) * (@to - @from) / steps) END,
           tags, @id
         FROM episodes WHERE id = @id`,
      )
      .run({ id, from, to }).lastInsertRowid,
  )
  ws.prepare(
    `INSERT INTO steps (episode_id, idx, state, observation, action, reward, source, bad)
     SELECT @made, idx - @from, state, observation, action, reward, source, bad FROM steps
     WHERE episode_id = @id AND idx >= @from AND idx < @to ORDER BY idx`,
  ).run({ made, id, from, to })
  return made
}

/** Mark `replaced` replaced and note the edit (inside the edit's transaction). */
export function record(ws: Workspace, kind: EditKind, replaced: number[], made: number[]): EpisodeEdit {
  const createdAt = new Date().toISOString()
  for (const id of replaced) ws.prepare('UPDATE episodes SET replaced = 1 WHERE id = ?').run(id)
  const editId = Number(
    ws
      .prepare('INSERT INTO episode_edits (kind, replaced, made, created_at) VALUES (?, ?, ?, ?)')
      .run(kind, JSON.stringify(replaced), JSON.stringify(made), createdAt).lastInsertRowid,
  )
  return { id: editId, kind, replaced, made, createdAt }
}

/** Keep steps [start, end) of a demonstration as its new version (at least one step). */
export function trimEpisode(ws: Workspace, id: number, range: { start?: number; end?: number }): EpisodeEdit {
  return ws.write(() => {
    const { steps } = editable(ws, id)
    const start = range.start ?? 0
    const end = range.end ?? steps
    if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end > steps || end - start < 1)
      throw new StoreError(
        'invalid-value',
        `trim of episode ${id} to steps ${start}..${end}: keep a range of at least one of its ${steps} steps`,
      )
    if (start === 0 && end === steps) throw new StoreError('invalid-value', `trim of episode ${id} keeps every step`)
    return record(ws, 'trim', [id], [copyVersion(ws, id, start, end)])
  })
}

/** Split a demonstration in two at step `at` (steps before it, and from it on). */
export function splitEpisode(ws: Workspace, id: number, at: number): EpisodeEdit {
  return ws.write(() => {
    const { steps } = editable(ws, id)
    if (!Number.isInteger(at) || at < 1 || at >= steps)
      throw new StoreError('invalid-value', `split of episode ${id} at step ${at}: choose 1..${steps - 1}`)
    return record(ws, 'split', [id], [copyVersion(ws, id, 0, at), copyVersion(ws, id, at, steps)])
  })
}

/** Make a version of a demonstration with steps [start, end) marked bad (learners skip them as labels). */
export function markBad(ws: Workspace, id: number, range: { start: number; end: number }): EpisodeEdit {
  return ws.write(() => {
    const { steps } = editable(ws, id)
    const { start, end } = range
    if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end > steps || end - start < 1)
      throw new StoreError(
        'invalid-value',
        `mark-bad of episode ${id}, steps ${start}..${end}: choose a range of at least one of its ${steps} steps`,
      )
    const good = ws
      .prepare('SELECT count(*) FROM steps WHERE episode_id = ? AND idx >= ? AND idx < ? AND bad = 0')
      .pluck()
      .get(id, start, end) as number
    if (good === 0) throw new StoreError('invalid-value', `steps ${start}..${end} of episode ${id} are all bad already`)
    const made = copyVersion(ws, id, 0, steps)
    ws.prepare('UPDATE steps SET bad = 1 WHERE episode_id = ? AND idx >= ? AND idx < ?').run(made, start, end)
    return record(ws, 'mark-bad', [id], [made])
  })
}

/** The edits in the order made. */
export function listEdits(ws: Workspace): EpisodeEdit[] {
  return (
    ws.prepare('SELECT id, kind, replaced, made, created_at FROM episode_edits ORDER BY id').all() as {
      id: number
      kind: EditKind
      replaced: string
      made: string
      created_at: string
    }[]
  ).map((r) => ({
    id: r.id,
    kind: r.kind,
    replaced: JSON.parse(r.replaced) as number[],
    made: JSON.parse(r.made) as number[],
    createdAt: r.created_at,
  }))
}

/**
 * Take the last edit back: its new episodes and their steps are deleted, the episodes it replaced are live again.
 * Refused while anything uses a new episode (a session's labels or its offline demonstrations, a later edit).
 */
export function undoEdit(ws: Workspace): EpisodeEdit {
  return ws.write(() => {
    const last = listEdits(ws).at(-1)
    if (!last) throw new StoreError('not-found', `no edit to undo in ${ws.file}`)
    for (const id of last.made) {
      const used =
        (ws.prepare('SELECT count(*) AS n FROM labels WHERE episode_id = ?').get(id) as { n: number }).n > 0 ||
        (
          ws
            .prepare(`SELECT count(*) AS n FROM sessions s, json_each(s.offline, '$.episodes') d WHERE d.value = ?`)
            .get(id) as { n: number }
        ).n > 0
      if (used)
        throw new StoreError(
          'invalid-value',
          `episode ${id}, made by edit ${last.id} (${last.kind}), is used by a session; the edit stays`,
        )
      const live = ws.prepare('SELECT replaced FROM episodes WHERE id = ?').get(id) as { replaced: number } | undefined
      if (!live || live.replaced === 1)
        throw new StoreError(
          'invalid-value',
          `episode ${id}, made by edit ${last.id}, was edited again; undo that first`,
        )
    }
    for (const id of last.made) ws.prepare('DELETE FROM episodes WHERE id = ?').run(id)
    for (const id of last.replaced) ws.prepare('UPDATE episodes SET replaced = 0 WHERE id = ?').run(id)
    ws.prepare('DELETE FROM episode_edits WHERE id = ?').run(last.id)
    return last
  })
}
