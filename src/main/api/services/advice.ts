// advice.get: the advice of `iwb advise` from the curves stored in the workspace (it never runs sessions: that
// takes minutes, and `iwb advise` does it with a progress bar). null when the task has no stored curves.
import { hasExpert, expertFor } from '../../experts/registry'
import { adviceSvg, advise, evaluationSettings, storedAdviceRuns } from '../../learn/advice'
import { expertReturn, localEvaluator } from '../../learn/evaluation'
import { makeEnv, taskInfo } from '../../sim/registry'
import type { ServiceFactory, ServiceHandlers } from '../service-types'
import { useWorkspace } from './workspace-resource'

export const adviceService: ServiceFactory = (ctx) => {
  // The expert's return on a set of evaluation episodes, measured once per task and set of sessions.
  const experts = new Map<string, Promise<number>>()
  const handlers: ServiceHandlers = {
    'advice.get': async (input) => {
      const task = taskInfo(input.taskId) // throws for an unknown task
      const ws = await useWorkspace(ctx)
      const runs = storedAdviceRuns(ws, task.id)
      if (runs.length === 0 || !hasExpert(task.id)) return null
      const episodes = evaluationSettings(runs)
      const key = `${task.id}:${JSON.stringify(episodes)}`
      let expert = experts.get(key)
      if (!expert) {
        expert = makeEnv(task.id).then(async (env) => {
          const evaluator = localEvaluator(env)
          try {
            return (await expertReturn(expertFor(task.id), episodes, evaluator)).mean
          } finally {
            await evaluator.close()
          }
        })
        expert.catch(() => experts.delete(key))
        experts.set(key, expert)
      }
      const a = advise(runs, await expert, input.costRatio)
      return {
        taskId: task.id,
        costRatio: a.costRatio,
        choice: a.choice,
        target: a.target,
        expertReturn: a.expertReturn,
        startReturn: a.startReturn,
        breakEven: a.breakEven,
        options: a.options,
        explanation: a.explanation,
        svg: adviceSvg(runs, a, `${task.id}: advice at C = ${input.costRatio}`),
        sessions: runs.length,
      }
    },
  }
  return handlers
}
