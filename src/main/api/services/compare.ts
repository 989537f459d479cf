// sessions.curves: what the comparison view plots: each session's evaluations against labels, cumulative cost
// and human seconds (the store's cost-curve query), and its context switches. sessions.expert: the task's expert on the same evaluation
// episodes, the reference line a learner's return is read against.
import { hasExpert } from '../../experts/registry'
import { taskInfo } from '../../sim/registry'
import { sessionEffort } from '../../store'
import { ExpertReturns } from '../expert-returns'
import type { ServiceFactory } from '../service-types'
import type { ServiceHandlers } from '../service-types'
import { useWorkspace } from './workspace-resource'

/** The expert's episodes per reference line: it runs on the server's thread, so a few seconds at most. */
const MAX_EXPERT_EPISODES = 50

export const compareService: ServiceFactory = (ctx) => {
  const experts = new ExpertReturns()
  const handlers: ServiceHandlers = {
    'sessions.curves': async (input) => {
      const ws = await useWorkspace(ctx)
      return input.sessionIds.map((id) => ({
        session: ws.sessionInfo(id),
        points: ws.curve(id),
        contextSwitches: sessionEffort(ws, id).contextSwitches,
      }))
    },
    'sessions.expert': async (input) => {
      const task = taskInfo(input.taskId) // throws for an unknown task
      const ws = await useWorkspace(ctx)
      const configs = input.sessionIds.map((id) => ws.openSession(id).config)
      const other = configs.find((c) => c.taskId !== task.id)
      if (other) throw new Error(`a session of ${other.taskId} has no place on ${task.id}'s expert line`)
      if (!hasExpert(task.id)) return null
      // the sessions' own evaluation episodes (seed and count), the first MAX_EXPERT_EPISODES of them
      let budget = MAX_EXPERT_EPISODES
      const episodes = [...new Map(configs.map((c) => [`${c.seed}:${c.evalEpisodes}`, c])).values()].flatMap((c) => {
        const n = Math.min(c.evalEpisodes, budget)
        budget -= n
        return n > 0 ? [{ seed: c.seed, evalEpisodes: n }] : []
      })
      return { taskId: task.id, ...(await experts.get(task.id, episodes)) }
    },
  }
  return handlers
}
