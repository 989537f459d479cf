// What an export takes from a workspace: demonstrations of one task (all of them, or chosen episodes), a session's
// labels as one demonstration (observation + action per label, in label order), or a session's answered queries as
// one-step episodes. Each step says what a person did (StepPeople): its source, who, their seconds, the expert's
// action where one was asked.
import { fromBlob } from '../codec'
import { StoreError } from '../errors'
import { secondsPerDemoState } from '../human-time'
import type { EpisodeInfo, StepSource, StoredStep } from '../types'
import type { Workspace } from '../workspace'
import { DATASET_LIMITS, type Dataset, type DatasetEpisode, type DatasetTasks, type StepPeople } from './types'

export interface CollectOptions {
  /** every settled demonstration of this task */
  taskId?: string
  /** these episodes (any kind), all of one task */
  episodeIds?: readonly number[]
}

function taskOf(tasks: DatasetTasks, taskId: string) {
  const task = tasks.get(taskId)
  if (!task) throw new StoreError('not-found', `unknown task '${taskId}' (known: ${[...tasks.keys()].join(', ')})`)
  return task
}

/** Demonstrations of one task as a dataset (oldest first, so demo_0 is the first recorded). */
export function collectEpisodes(ws: Workspace, tasks: DatasetTasks, options: CollectOptions = {}): Dataset {
  let infos
  if (options.episodeIds?.length) {
    infos = options.episodeIds.map((id) => ws.episodeInfo(id))
    const taskIds = [...new Set(infos.map((i) => i.taskId))]
    if (taskIds.length > 1)
      throw new StoreError('io', `episodes of several tasks (${taskIds.join(', ')}): export one task at a time`)
    if (options.taskId && taskIds[0] !== options.taskId)
      throw new StoreError('io', `episode ${infos[0].episodeId} is of task '${taskIds[0]}', not '${options.taskId}'`)
  } else {
    // Complete ones only: an interrupted recording ends where the recorder died, not where the episode did.
    infos = ws
      .listEpisodes({ kind: 'demonstration', taskId: options.taskId })
      .filter((e) => e.complete)
      .reverse()
    const taskIds = [...new Set(infos.map((i) => i.taskId))]
    if (taskIds.length > 1)
      throw new StoreError('io', `demonstrations of several tasks (${taskIds.join(', ')}): choose one with --task`)
    if (infos.length === 0)
      throw new StoreError(
        'not-found',
        `no demonstrations${options.taskId ? ` of task '${options.taskId}'` : ''} in ${ws.file}`,
      )
  }
  const task = taskOf(tasks, infos[0].taskId)
  // The dataset is built in memory before it is written: bound it as an import is bounded.
  const total = infos.reduce((a, i) => a + i.steps, 0)
  if (total > DATASET_LIMITS.totalSteps)
    throw new StoreError(
      'io',
      `${total} steps is more than one export holds (${DATASET_LIMITS.totalSteps}): choose episodes with --episodes`,
    )
  const tags = ws.episodeTags(task.taskId)
  const episodes: DatasetEpisode[] = infos.map((info) => {
    const { steps } = ws.loadEpisode(info.episodeId)
    return {
      sourceId: info.episodeId,
      operator: info.operator,
      createdAt: info.createdAt,
      observations: steps.map((s) => s.observation),
      actions: steps.map((s) => s.action),
      states: steps.map((s) => s.state),
      rewards: Float64Array.from(steps, (s) => s.reward),
      people: episodePeople(ws, info, steps),
      tags: tags.get(info.episodeId) ?? [],
    }
  })
  return { task, episodes }
}

/** Whether the labels table has the expert's action (a workspace of a schema before it has not). */
function hasExpertAction(ws: Workspace): boolean {
  return (ws.prepare('SELECT name FROM pragma_table_info(?)').all('labels') as { name: string }[]).some(
    (c) => c.name === 'expert_action',
  )
}

/**
 * What a person did at each step of a stored episode: the step's source; the episode's operator for a person's
 * steps; the seconds of the label taken from the step (a takeover's share of its held time) or, for a recorded
 * demonstration, its recording time over its steps; the expert's action stored with that label.
 */
function episodePeople(ws: Workspace, info: EpisodeInfo, steps: readonly StoredStep[]): StepPeople {
  const expert = hasExpertAction(ws)
  const rows = ws
    .prepare(
      `SELECT step_index AS i, human_seconds AS s${expert ? ', expert_action AS e' : ''} FROM labels
       WHERE episode_id = ? AND step_index IS NOT NULL ORDER BY id`,
    )
    .all(info.episodeId) as { i: number; s: number | null; e?: Buffer | null }[]
  const seconds = new Map<number, number>()
  const experts = new Map<number, Float64Array>()
  for (const r of rows) {
    // a step drawn by several sessions: the label a person gave carries the seconds
    if (r.s !== null && !seconds.has(r.i)) seconds.set(r.i, r.s)
    if (r.e && !experts.has(r.i)) experts.set(r.i, fromBlob(r.e))
  }
  const recorded =
    info.kind === 'demonstration' && info.complete && info.finishedAt && info.steps > 0
      ? secondsPerDemoState({
          steps: info.steps,
          seconds: Math.max(0, (Date.parse(info.finishedAt) - Date.parse(info.createdAt)) / 1000),
        })
      : null
  return {
    sources: steps.map((s) => s.source),
    operators: steps.map((s) => (s.source === 'policy' ? null : info.operator)),
    humanSeconds: steps.map(
      (s, i) => seconds.get(i) ?? (s.source === 'demonstration' && recorded !== null ? recorded : null),
    ),
    expertActions: steps.map((_, i) => experts.get(i) ?? null),
  }
}

/** A label's source as a step's: an offline label is a demonstration's step. */
function stepSource(source: string): StepSource {
  return source === 'offline' ? 'demonstration' : (source as StepSource)
}

/**
 * A session's labels as a one-episode dataset: each label's observation and action, in label order, rewards 0;
 * physics states only when every label carries one. Labels are not a trajectory: the steps need not follow
 * each other in time, so the dataset trains a policy (BC) but does not replay.
 */
export function collectSessionLabels(ws: Workspace, tasks: DatasetTasks, sessionId: number): Dataset {
  const info = ws.sessionInfo(sessionId)
  const task = taskOf(tasks, info.taskId)
  const labels = ws.openSession(sessionId).labels()
  if (labels.length === 0) throw new StoreError('not-found', `session ${sessionId} has no labels yet`)
  const withStates = labels.every((l) => l.state && l.state.length === task.stateSize)
  return {
    task,
    episodes: [
      {
        sourceId: sessionId,
        operator: null,
        createdAt: info.createdAt ?? null,
        observations: labels.map((l) => Float64Array.from(l.observation)),
        actions: labels.map((l) => Float64Array.from(l.action)),
        states: withStates ? labels.map((l) => Float64Array.from(l.state!)) : null,
        rewards: new Float64Array(labels.length),
        people: {
          sources: labels.map((l) => stepSource(l.source)),
          operators: labels.map(() => null), // a label keeps no operator
          humanSeconds: labels.map((l) => l.humanSeconds),
          expertActions: labels.map((l) => expertOf(l)),
        },
      },
    ],
  }
}

/** An epoch-ms time as ISO text, or null when it is not one. */
function dateOf(ms: number): string | null {
  const at = new Date(ms)
  return Number.isNaN(at.getTime()) ? null : at.toISOString()
}

function expertOf(label: object): Float64Array | null {
  const e = (label as { expertAction?: ArrayLike<number> | null }).expertAction
  return e ? Float64Array.from(e) : null
}

/**
 * A session's answered queries, each a one-step episode: the queried state (its label's observation and physics
 * state), the person's answer as the action, who answered and how long it took (prompt to commit), the expert's
 * action where it was stored; rewards 0. A query abandoned or skipped has no answer and is left out.
 */
export function collectSessionQueries(ws: Workspace, tasks: DatasetTasks, sessionId: number): Dataset {
  const info = ws.sessionInfo(sessionId)
  const task = taskOf(tasks, info.taskId)
  const labels = new Map(
    ws
      .openSession(sessionId)
      .labels()
      .map((l) => [l.id, l]),
  )
  const rows = ws
    .prepare(
      `SELECT id, label_id, issued_at, committed_at, operator FROM queries
       WHERE session_id = ? AND label_id IS NOT NULL AND committed_at IS NOT NULL ORDER BY id`,
    )
    .all(sessionId) as {
    id: number
    label_id: number
    issued_at: number
    committed_at: number
    operator: string | null
  }[]
  if (rows.length === 0) throw new StoreError('not-found', `session ${sessionId} has no answered queries`)
  if (rows.length > DATASET_LIMITS.episodes)
    throw new StoreError('io', `session ${sessionId} has more than ${DATASET_LIMITS.episodes} answered queries`)
  const withStates = rows.every((r) => labels.get(r.label_id)?.state?.length === task.stateSize)
  return {
    task,
    episodes: rows.map((r) => {
      const l = labels.get(r.label_id)!
      return {
        sourceId: r.id,
        operator: r.operator,
        createdAt: dateOf(r.issued_at) ?? info.createdAt ?? null,
        observations: [Float64Array.from(l.observation)],
        actions: [Float64Array.from(l.action)],
        states: withStates ? [Float64Array.from(l.state!)] : null,
        rewards: new Float64Array(1),
        people: {
          sources: ['query'],
          operators: [r.operator],
          humanSeconds: [Math.max(0, (r.committed_at - r.issued_at) / 1000)],
          expertActions: [expertOf(l)],
        },
      }
    }),
  }
}
