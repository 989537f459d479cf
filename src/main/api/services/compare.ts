// sessions.curves: what the comparison view plots: each session's evaluations against labels, cumulative cost
// and human seconds (the store's cost-curve query). sessions.expert: the task's expert on the same evaluation
// episodes, the reference line a learner's return is read against.
import { hasExpert, expertFor } from '../../experts/registry'
import { expertReturn, localEvaluator } from '../../learn/evaluation'
import { makeEnv, taskInfo } from '../../sim/registry'
import type { ServiceFactory } from '../service-types'
import type { ServiceHandlers } from '../service-types'
import { useWorkspace } from './workspace-resource'

/** The expert's episodes per reference line: it runs on the server's thread, so a few seconds at most. */
const MAX_EXPERT_EPISODES = 50
/** reference lines remembered (by task and episodes) */
const MAX_REMEMBERED = 64

export const compareService: ServiceFactory = (ctx) => {
  const experts = new Map<string, Promise<{ meanReturn: number; successRate: number | null; episodes: number }>>()
  const handlers: ServiceHandlers = {
    'sessions.curves': async (input) => {
      const ws = await useWorkspace(ctx)
      return input.sessionIds.map((id) => ({ session: ws.sessionInfo(id), points: ws.curve(id) }))
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
      const key = `${task.id}:${JSON.stringify(episodes)}`
      let expert = experts.get(key)
      if (!expert) {
        expert = makeEnv(task.id).then(async (env) => {
          const evaluator = localEvaluator(env)
          try {
            const r = await expertReturn(expertFor(task.id), episodes, evaluator)
            return { meanReturn: r.mean, successRate: r.successRate, episodes: r.returns.length }
          } finally {
            await evaluator.close()
          }
        })
        expert.catch(() => experts.delete(key))
        if (experts.size >= MAX_REMEMBERED) experts.delete(experts.keys().next().value as string)
        experts.set(key, expert)
      }
      return { taskId: task.id, ...(await expert) }
    },
  }
  return handlers
}
