// `iwb dataset merge`: another workspace's demonstrations come in as new episodes of this one, each naming where it
// came from (episodes.merged_from: the other file's name and its episode id, never a path), as one edit that undo
// takes back. A task whose definition differs between the two (its files, or the model its episodes were recorded
// with) is refused in one line: its states and actions would not mean the same here.
import { createHash } from 'node:crypto'
import { realpathSync } from 'node:fs'
import { basename } from 'node:path'
import { DATASET_LIMITS } from './datasets/types'
import { record, type EpisodeEdit } from './episode-edits'
import { StoreError } from './errors'
import { openWorkspace, type Workspace } from './workspace'

export interface MergedFrom {
  /** the other workspace's file name */
  workspace: string
  episodeId: number
}

export interface MergeResult {
  edit: EpisodeEdit | null
  /** demonstrations of the other workspace already merged here before (same origin): left out */
  alreadyMerged: number
  taskIds: string[]
}

/** A task's definition as a workspace holds it: its files' digest (null: a built-in task) and its models' hashes. */
function definition(ws: Workspace, taskId: string): { files: string | null; models: Set<string> } {
  const rows = ws.prepare('SELECT path, content FROM task_files WHERE task_id = ? ORDER BY path').all(taskId) as {
    path: string
    content: Buffer
  }[]
  let files: string | null = null
  if (rows.length > 0) {
    const h = createHash('sha256')
    for (const r of rows) h.update(`${r.path}\0${r.content.length}\0`).update(r.content)
    files = h.digest('hex')
  }
  const models = ws.prepare('SELECT mjcf_hash FROM tasks WHERE task_id = ?').pluck().all(taskId) as string[]
  return { files, models: new Set(models) }
}

/** Why this task cannot be merged from `src`, or null when its definition is the same in both. */
function taskMismatch(src: Workspace, dst: Workspace, taskId: string): string | null {
  const a = definition(src, taskId)
  const b = definition(dst, taskId)
  if (a.files !== null && b.files === null)
    return `task '${taskId}' is not defined in this workspace; add the same task folder here first (iwb tasks add)`
  if (a.files !== b.files) return `task '${taskId}' is defined differently here (its files differ)`
  if (a.models.size > 0 && b.models.size > 0 && ![...a.models].some((m) => b.models.has(m)))
    return `task '${taskId}' was recorded with another model here (its MJCF differs)`
  return null
}

interface SourceEpisode {
  id: number
  task_id: string
  ret: number
  steps: number
  operator: string | null
  created_at: string
  finished_at: string | null
  tags: string
  merged_from: string | null
}

/** Bring the live, complete demonstrations of the workspace at `file` (of one task, or all) into `ws`. */
export function mergeWorkspace(ws: Workspace, file: string, options: { taskId?: string } = {}): MergeResult {
  let same = false
  try {
    same = realpathSync(file) === realpathSync(ws.file)
  } catch {
    // a missing file: openWorkspace below says so
  }
  const name = basename(file)
  if (same) throw new StoreError('invalid-value', `${name} is this workspace; merge another one`)
  const src = openWorkspace(file, { readonly: true })
  try {
    const episodes = src
      .prepare(
        `SELECT id, task_id, ret, steps, operator, created_at, finished_at, tags, merged_from FROM episodes
         WHERE kind = 'demonstration' AND session_id IS NULL AND complete = 1 AND replaced = 0
           AND writer_pid IS NULL AND steps > 0 AND (@task IS NULL OR task_id = @task)
         ORDER BY id`,
      )
      .all({ task: options.taskId ?? null }) as SourceEpisode[]
    if (episodes.length === 0)
      throw new StoreError(
        'not-found',
        `no complete demonstrations${options.taskId ? ` of ${options.taskId}` : ''} in ${name} to merge`,
      )
    const taskIds = [...new Set(episodes.map((e) => e.task_id))].sort()
    for (const t of taskIds) {
      const why = taskMismatch(src, ws, t)
      if (why) throw new StoreError('invalid-value', `merge of ${name} refused: ${why}; nothing was merged`)
    }
    const total = episodes.reduce((a, e) => a + e.steps, 0)
    if (episodes.length > DATASET_LIMITS.episodes || total > DATASET_LIMITS.totalSteps)
      throw new StoreError(
        'invalid-value',
        `${name} holds ${episodes.length} demonstrations of ${total} steps, more than one merge takes (${DATASET_LIMITS.totalSteps} steps); merge one task at a time with --task`,
      )
    const origin = (e: SourceEpisode): string =>
      e.merged_from ?? JSON.stringify({ workspace: name, episodeId: e.id } satisfies MergedFrom)
    return ws.write(() => {
      const here = new Set(
        ws.prepare('SELECT merged_from FROM episodes WHERE merged_from IS NOT NULL').pluck().all() as string[],
      )
      const fresh = episodes.filter((e) => !here.has(origin(e)))
      if (fresh.length === 0) return { edit: null, alreadyMerged: episodes.length, taskIds }
      const insertEpisode = ws.prepare(
        `INSERT INTO episodes (task_id, session_id, kind, complete, interrupted, ret, steps, operator, created_at,
           finished_at, tags, merged_from)
         VALUES (@task_id, NULL, 'demonstration', 1, 0, @ret, @steps, @operator, @created_at, @finished_at, @tags, @from)`,
      )
      const readSteps = src.prepare(
        'SELECT idx, state, observation, action, reward, source, bad FROM steps WHERE episode_id = ? ORDER BY idx',
      )
      const insertStep = ws.prepare(
        `INSERT INTO steps (episode_id, idx, state, observation, action, reward, source, bad)
         VALUES (@episode, @idx, @state, @observation, @action, @reward, @source, @bad)`,
      )
      const made: number[] = []
      for (const e of fresh) {
        const { id: _id, merged_from: _m, ...row } = e
        const id = Number(insertEpisode.run({ ...row, from: origin(e) }).lastInsertRowid)
        // one episode's rows at a time: memory stays that of the longest episode
        for (const s of readSteps.iterate(e.id) as Iterable<Record<string, unknown>>)
          insertStep.run({ ...s, episode: id })
        made.push(id)
      }
      return { edit: record(ws, 'merge', [], made), alreadyMerged: episodes.length - fresh.length, taskIds }
    })
  } finally {
    src.close()
  }
}
