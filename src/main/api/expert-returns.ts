// The task's expert on given evaluation episodes (seed and count each), the reference a learner's return is read
// against (the Compare view's line, the advice's target). It runs on the server's thread; each result is kept by
// task and episodes, a bounded number of them, and a failed run is forgotten so that it is tried again.
import { expertFor } from '../experts/registry'
import { expertReturn, localEvaluator } from '../learn/evaluation'
import { makeEnv } from '../sim/registry'

export interface ExpertLine {
  meanReturn: number
  successRate: number | null
  episodes: number
}

/** results remembered (by task and episodes) */
const MAX_REMEMBERED = 64

export class ExpertReturns {
  private readonly kept = new Map<string, Promise<ExpertLine>>()

  get(taskId: string, episodes: readonly { seed: number; evalEpisodes: number }[]): Promise<ExpertLine> {
    const key = `${taskId}:${JSON.stringify(episodes)}`
    let line = this.kept.get(key)
    if (!line) {
      line = makeEnv(taskId).then(async (env) => {
        const evaluator = localEvaluator(env)
        try {
          const r = await expertReturn(expertFor(taskId), episodes, evaluator)
          return { meanReturn: r.mean, successRate: r.successRate, episodes: r.returns.length }
        } finally {
          await evaluator.close()
        }
      })
      line.catch(() => this.kept.delete(key))
      if (this.kept.size >= MAX_REMEMBERED) this.kept.delete(this.kept.keys().next().value as string)
      this.kept.set(key, line)
    }
    return line
  }
}
