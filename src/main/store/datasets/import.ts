// `iwb import --from PATH` for datasets, once a format (formats.ts) has read it whole: check it against the task's
// shapes, then add its episodes as demonstrations in one transaction (all or nothing).
import { DATASET_VIEW_LIMITS } from '../../../shared/contract'
import { HumanSeconds, OperatorName, Timestamp, storedValueProblem } from '../../../shared/stored-values'
import { toBlob } from '../codec'
import { StoreError } from '../errors'
import type { Workspace } from '../workspace'
import type { Dataset } from './types'

/** Every vector finite and of the task's length; physics states on every step (the store replays from them). */
export function validateDataset(path: string, dataset: Dataset): void {
  const { task } = dataset
  const problem = (why: string) => new StoreError('invalid-export', `${path}: ${why}; nothing was imported`)
  dataset.episodes.forEach((ep, e) => {
    // what the workspace stores (shared/stored-values.ts): a date that parses (the views and the cost measure
    // read it), a bounded name (the workspace's own export must come back in)
    const bad =
      storedValueProblem('operator', OperatorName.nullable(), ep.operator) ??
      storedValueProblem('created_at', Timestamp.nullable(), ep.createdAt)
    if (bad) throw problem(`episode ${e}: ${bad}`)
    if (!ep.states)
      throw problem(
        `episode ${e} has no physics states (robomimic states, LeRobot physics.state): it could not be replayed`,
      )
    const n = ep.actions.length
    if (n === 0) throw problem(`episode ${e} has no steps`)
    if (ep.observations.length !== n || ep.states.length !== n || ep.rewards.length !== n)
      throw problem(
        `episode ${e} has ${ep.observations.length} observations, ${n} actions, ${ep.states.length} states and ${ep.rewards.length} rewards`,
      )
    const check = (vs: Float64Array[], width: number, what: string) =>
      vs.forEach((v, i) => {
        if (v.length !== width)
          throw problem(`episode ${e} step ${i}: ${what} of ${v.length} values, task '${task.taskId}' has ${width}`)
        for (const x of v) if (!Number.isFinite(x)) throw problem(`episode ${e} step ${i}: ${what} holds ${x}`)
      })
    check(ep.observations, task.obsDim, 'observation')
    check(ep.actions, task.actDim, 'action')
    check(ep.states, task.stateSize, 'physics state')
    ep.rewards.forEach((r, i) => {
      if (!Number.isFinite(r)) throw problem(`episode ${e} step ${i}: reward ${r}`)
    })
    const tags = ep.tags ?? []
    if (tags.length > DATASET_VIEW_LIMITS.tags || tags.some((t) => t.length > DATASET_VIEW_LIMITS.tagLength))
      throw problem(
        `episode ${e}: at most ${DATASET_VIEW_LIMITS.tags} tags of at most ${DATASET_VIEW_LIMITS.tagLength} characters`,
      )
    const people = ep.people
    if (!people) return
    const { sources, operators, humanSeconds, expertActions } = people
    if ([sources, operators, humanSeconds, expertActions].some((list) => list.length !== n))
      throw problem(`episode ${e}: its steps' sources, operators, seconds and expert actions are not ${n} each`)
    for (let i = 0; i < n; i++) {
      const bad =
        storedValueProblem('operator', OperatorName.nullable(), operators[i]) ??
        storedValueProblem('human_seconds', HumanSeconds.nullable(), humanSeconds[i])
      if (bad) throw problem(`episode ${e} step ${i}: ${bad}`)
      const expert = expertActions[i]
      if (expert && (expert.length !== task.actDim || expert.some((x) => !Number.isFinite(x))))
        throw problem(
          `episode ${e} step ${i}: expert action of ${expert.length} values, not ${task.actDim} finite ones`,
        )
    }
  })
}

/**
 * Add a checked dataset's episodes as settled demonstrations, in one immediate transaction; returns the new ids.
 * Each step keeps its source (a takeover's steps stay interventions), the episode its operator (else the one who
 * gave its steps) and tags; when every step carries a person's seconds, the episode's recording time is their sum
 * (finished_at = created_at + the sum), which is how the workspace measures a demonstration's time; otherwise
 * finished_at is left empty (the time is not known). An expert's
 * action has no place in a stored step yet and is not kept.
 */
export function insertDataset(ws: Workspace, dataset: Dataset): number[] {
  const now = new Date().toISOString()
  return ws.write(() => {
    const insertEpisode = ws.prepare(
      `INSERT INTO episodes (task_id, session_id, kind, complete, interrupted, ret, steps, operator, created_at, finished_at, tags)
       VALUES (?, NULL, 'demonstration', 1, 0, ?, ?, ?, ?, ?, ?)`,
    )
    const insertStep = ws.prepare(
      'INSERT INTO steps (episode_id, idx, state, observation, action, reward, source) VALUES (?, ?, ?, ?, ?, ?, ?)',
    )
    return dataset.episodes.map((ep) => {
      const ret = ep.rewards.reduce((a, r) => a + r, 0)
      const n = ep.actions.length
      const people = ep.people
      const operator = ep.operator ?? people?.operators.find((o) => o !== null) ?? null
      const created = ep.createdAt ?? now
      const seconds = people?.humanSeconds.every((s) => s !== null)
        ? people.humanSeconds.reduce((a: number, s) => a + s!, 0)
        : null
      // unknown: no end, so the cost measure leaves the episode out rather than count the days since its recording
      const finished =
        seconds !== null && ep.createdAt ? new Date(Date.parse(created) + seconds * 1000).toISOString() : null
      const tags = JSON.stringify([...new Set((ep.tags ?? []).map((t) => t.trim()).filter((t) => t.length > 0))])
      const id = Number(
        insertEpisode.run(dataset.task.taskId, ret, n, operator, created, finished, tags).lastInsertRowid,
      )
      for (let i = 0; i < n; i++)
        insertStep.run(
          id,
          i,
          toBlob(ep.states![i]),
          toBlob(ep.observations[i]),
          toBlob(ep.actions[i]),
          ep.rewards[i],
          people?.sources[i] ?? 'demonstration',
        )
      return id
    })
  })
}
