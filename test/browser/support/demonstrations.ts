// Cartpole demonstrations recorded with real MuJoCo into a workspace, for the Datasets view's tests: the stored
// states replay in the page's 3D view.
import { makeEnv } from '../../../src/main/sim/registry'
import { openWorkspace } from '../../../src/main/store'

/**
 * One kept demonstration of `length` steps per entry of `actions` (its action at step i), operator 'ana', episode
 * e reset with seed e + 1; their episode ids in order.
 */
export async function recordCartpoleDemos(
  db: string,
  length: number,
  actions: readonly ((i: number) => number)[],
): Promise<number[]> {
  const ws = openWorkspace(db)
  const env = await makeEnv('cartpole')
  const ids: number[] = []
  try {
    for (const [e, actionAt] of actions.entries()) {
      const rec = ws.startEpisode({ taskId: 'cartpole', kind: 'demonstration', operator: 'ana' })
      let obs = env.reset(e + 1)
      for (let i = 0; i < length; i++) {
        const state = env.getState()
        const action = [actionAt(i)]
        const r = env.step(action)
        rec.append({ state, observation: obs, action, reward: r.reward, source: 'demonstration' })
        obs = r.observation
      }
      ids.push(rec.finish({ keep: true }).episodeId)
    }
  } finally {
    env.close()
    ws.close()
  }
  return ids
}
