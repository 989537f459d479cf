// `iwb import --from PATH` for datasets, once a format (formats.ts) has read it whole: check it against the task's
// shapes, then add its episodes as demonstrations in one transaction (all or nothing).
import { OperatorName, Timestamp, storedValueProblem } from '../../../shared/stored-values'
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
  })
}

/** Add a checked dataset's episodes as settled demonstrations, in one immediate transaction; returns the new ids. */
export function insertDataset(ws: Workspace, dataset: Dataset): number[] {
  const now = new Date().toISOString()
  return ws.write(() => {
    const insertEpisode = ws.prepare(
      `INSERT INTO episodes (task_id, session_id, kind, complete, interrupted, ret, steps, operator, created_at, finished_at)
       VALUES (?, NULL, 'demonstration', 1, 0, ?, ?, ?, ?, ?)`,
    )
    const insertStep = ws.prepare(
      "INSERT INTO steps (episode_id, idx, state, observation, action, reward, source) VALUES (?, ?, ?, ?, ?, ?, 'demonstration')",
    )
    return dataset.episodes.map((ep) => {
      const ret = ep.rewards.reduce((a, r) => a + r, 0)
      const n = ep.actions.length
      const id = Number(
        insertEpisode.run(dataset.task.taskId, ret, n, ep.operator, ep.createdAt ?? now, now).lastInsertRowid,
      )
      for (let i = 0; i < n; i++)
        insertStep.run(id, i, toBlob(ep.states![i]), toBlob(ep.observations[i]), toBlob(ep.actions[i]), ep.rewards[i])
      return id
    })
  })
}
