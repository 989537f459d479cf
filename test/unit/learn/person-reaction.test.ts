// The takeover reaction delay `iwb person` fits (learn/person-fit.ts): the learner's steps from its first large
// error to the takeover, read from the rows a takeover session keeps of the learner's own steps; a simulated person
// with lag L, watching reacher-arm's learner, is fitted back to L.
import { describe, expect, it } from 'vitest'
import { LARGE_ERROR, parsePersonText } from '../../../src/shared/person-model'
import { sessionConfig } from '../../../src/shared/session-config'
import { makeEnv, taskInfo } from '../../../src/main/sim/registry'
import { expertFor } from '../../../src/main/experts/registry'
import { MemorySessionLog } from '../../../src/main/learn/session-log'
import { runSession } from '../../../src/main/learn/session-runner'
import { PersonOracle } from '../../../src/main/learn/simulated-person'
import { fitPerson, reactionDelays, type PersonLabelData } from '../../../src/main/learn/person-fit'

const step = (source: string, stepIndex: number, error: number, sessionId = 1): PersonLabelData => ({
  source,
  seconds: null,
  action: [error],
  expertAction: [0],
  contextSwitch: false,
  sessionId,
  stepIndex,
})

describe('the takeover reaction delay', () => {
  it('counts the large-error steps before a takeover, after a small one, and leaves out a lead-up it cannot see', () => {
    const big = 2 * LARGE_ERROR
    const rows = [
      step('policy', 0, 0),
      step('policy', 1, big),
      step('policy', 2, big),
      step('intervention', 3, 0), // 2 steps late
      step('policy', 4, big), // strays while the person hands back: not seen begin
      step('intervention', 5, 0),
      step('policy', 0, 0, 2),
      step('intervention', 1, 0, 2), // took over before a large error: 0
    ]
    expect(reactionDelays(rows, [1])).toEqual([2, 0])
  })

  it("fits a simulated person's lag back from its takeover session", async () => {
    const TASK = 'reacher-arm'
    const PERSON = 'person:lag=4'
    const expert = expertFor(TASK)
    const log = new MemorySessionLog(
      sessionConfig({
        taskId: TASK,
        algo: 'hg-dagger',
        oracle: PERSON,
        budget: 60,
        seed: 2,
        evalEvery: 60,
        evalEpisodes: 1,
      }),
    )
    await runSession({
      log,
      oracle: new PersonOracle(parsePersonText(PERSON), taskInfo(TASK), expert),
      expert,
      makeEnv,
    })
    const labels = log.labels().map((l) => ({
      source: l.source,
      seconds: l.humanSeconds,
      action: l.action,
      expertAction: l.expertAction!,
      contextSwitch: false,
      sessionId: 1,
      stepIndex: l.stepIndex,
    }))
    const fit = fitPerson({ labels, queries: { answered: 0, skipped: 0 }, demoSecondsPerState: null }, taskInfo(TASK))
    expect(fit.measured.reactionDelaySteps!.takeovers).toBeGreaterThan(0)
    expect(fit.model.lag).toBe(4)
    // the learner's own steps are not the person's actions: the takeover states alone are counted
    expect(fit.measured.actionLabels).toBe(labels.filter((l) => l.source === 'intervention').length)
  })
})
