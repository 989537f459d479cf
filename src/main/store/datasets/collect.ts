// What an export takes from a workspace: demonstrations of one task (all of them, or chosen episodes), or a
// session's labels as one demonstration (observation + action per label, in label order).
import { StoreError } from '../errors'
import type { Workspace } from '../workspace'
import { DATASET_LIMITS, type Dataset, type DatasetEpisode, type DatasetTasks } from './types'

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
    }
  })
  return { task, episodes }
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
      },
    ],
  }
}
