// Two equally good ways round a wall, taken at random by the expert: the Gaussian MLP averages them into the wall,
// a class that keeps them apart (here action chunks on a history, a small network) goes round. BC on the same
// 600 expert states, the same seed and the same 20 evaluation episodes.
import { describe, expect, it } from 'vitest'
import { sessionConfig, type SessionConfigInput } from '../../../src/shared/session-config'
import { expertFor } from '../../../src/main/experts/registry'
import { MemorySessionLog } from '../../../src/main/learn/session-log'
import { runSession } from '../../../src/main/learn/session-runner'
import { ExpertOracle } from '../../../src/main/learn/oracle'
import { makeEnv } from '../../../src/main/sim/registry'

async function finalSuccess(policy: SessionConfigInput['policy']): Promise<number> {
  const expert = expertFor('two-way')
  const log = new MemorySessionLog(
    sessionConfig({ taskId: 'two-way', algo: 'bc', budget: 600, evalEvery: 600, evalEpisodes: 20, seed: 3, policy }),
  )
  await runSession({ log, oracle: new ExpertOracle(expert), expert, makeEnv })
  const last = log.evaluations().at(-1)!
  expect(last.labels).toBe(600)
  return last.successRate!
}

describe('two ways round a wall', () => {
  it('the MLP averages them into the wall; action chunks on a history go round', async () => {
    const mlp = await finalSuccess({ id: 'mlp', params: {} })
    const chunk = await finalSuccess({ id: 'chunk', params: { hidden: [64, 64] } })
    expect(mlp).toBeLessThanOrEqual(0.5)
    expect(chunk).toBeGreaterThanOrEqual(0.9)
  }, 240_000)
})
