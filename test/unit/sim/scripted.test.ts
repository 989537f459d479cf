import { describe, expect, it } from 'vitest'
import { scriptedPolicy } from '../../../src/main/sim/scripted'
import { makeEnv } from '../../../src/main/sim/registry'

// The scripted experts are the simulated oracle for the operator tasks: they must solve nearly every episode.
describe.each(['reacher-arm', 'point-maze', 'cartpole'])('scripted expert for %s', (id) => {
  it('solves at least 18 of 20 seeded episodes', async () => {
    const env = await makeEnv(id)
    const policy = scriptedPolicy(id)
    let solved = 0
    try {
      for (let seed = 100; seed < 120; seed++) {
        let obs = env.reset(seed)
        let success = false
        for (;;) {
          const r = env.step(policy.act(obs))
          obs = r.observation
          if (r.info.success === true) success = true
          if (r.terminated || r.truncated) {
            if (id === 'cartpole') success = r.truncated
            break
          }
        }
        if (id === 'reacher-arm') success = Boolean(env.step([0, 0]).info.success)
        if (success) solved++
      }
    } finally {
      env.close()
    }
    expect(solved).toBeGreaterThanOrEqual(18)
  })
})

it('a do-nothing policy does not solve them (the check can fail)', async () => {
  const env = await makeEnv('cartpole')
  env.reset(100)
  let r = env.step([0])
  while (!r.terminated && !r.truncated) r = env.step([0])
  expect(r.terminated).toBe(true)
  env.close()
})
