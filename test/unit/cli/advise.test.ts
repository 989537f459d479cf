// iwb advise: the choice between BC, STAGGER and WARM-STAGGER at a cost ratio C, computed from curves stored in a
// real workspace (constructed through the store's APIs), and a small real run that fills in missing curves
// through the session host and then only reads them.
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { sessionConfig } from '../../../src/shared/session-config'
import { command as advise } from '../../../src/main/cli/commands/advise'
import type { CommandIO } from '../../../src/main/cli/command'
import { ADVICE_FRACTION, advise as adviseFrom, storedAdviceRuns } from '../../../src/main/learn/advice'
import { openWorkspace } from '../../../src/main/store'

const dir = mkdtempSync(join(tmpdir(), 'iwb-advise-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const io = (): CommandIO & { lines: string[] } => {
  const lines: string[] = []
  return { lines, out: (l) => lines.push(l), err: () => {}, tty: false }
}

// Constructed curves: from START the return rises linearly to EXPERT, reached after a number of labels (STAGGER,
// BC) or at a cost (WARM-STAGGER, whose offline half costs 1 a label); each crosses the target at
// ADVICE_FRACTION of that point (each reach point is an evaluation point, so the crossing is on a straight piece).
const START = -100
const EXPERT = -10
const BC_LABELS = 40
const STAGGER_LABELS = 15
const WARM_COST = 50
const EVERY = 5

function store(file: string, algo: 'bc' | 'stagger' | 'warm-stagger', costRatio: number, seed: number): void {
  const ws = openWorkspace(file)
  try {
    const config = sessionConfig({
      taskId: 'reacher-arm',
      algo,
      costRatio,
      seed,
      budget: 80,
      evalEvery: EVERY,
      evalEpisodes: 2,
    })
    const log = ws.createSession(config)
    const perLabel = algo === 'bc' ? 1 : algo === 'stagger' ? costRatio : (1 + costRatio) / 2
    const reachCost = algo === 'bc' ? BC_LABELS : algo === 'stagger' ? STAGGER_LABELS * costRatio : WARM_COST
    for (let cost = 0; cost <= config.budget; cost += EVERY * perLabel) {
      const r = START + (EXPERT - START) * Math.min(1, cost / reachCost)
      log.addEvaluation({ labels: Math.round(cost / perLabel), cost, humanSeconds: 0, returns: [r - 1, r + 1] })
    }
    log.setStatus('finished')
  } finally {
    ws.close()
  }
}

describe('iwb advise', () => {
  it('chooses the least cost to the target from stored curves, and the break-even C', () => {
    const file = join(dir, 'stored.db')
    for (const seed of [0, 1]) {
      store(file, 'bc', 1, seed)
      for (const c of [1, 4]) {
        store(file, 'stagger', c, seed)
        store(file, 'warm-stagger', c, seed)
      }
    }
    const ws = openWorkspace(file, { readonly: true })
    const runs = storedAdviceRuns(ws, 'reacher-arm')
    ws.close()
    expect(runs).toHaveLength(10)
    const costs = (c: number): Record<string, number> => ({
      bc: ADVICE_FRACTION * BC_LABELS,
      stagger: ADVICE_FRACTION * STAGGER_LABELS * c,
      'warm-stagger:0.5': ADVICE_FRACTION * WARM_COST,
    })
    for (const c of [1, 4]) {
      const a = adviseFrom(runs, EXPERT, c)
      const expected = costs(c)
      const best = Object.entries(expected).reduce((x, y) => (y[1] < x[1] ? y : x))[0]
      expect(a.choice).toBe(best)
      expect(a.target).toBeCloseTo(START + ADVICE_FRACTION * (EXPERT - START), 9)
      for (const o of a.options) expect(o.costToTarget).toBeCloseTo(expected[o.algo], 6)
      expect(a.breakEven).toBeCloseTo(BC_LABELS / STAGGER_LABELS, 6)
      expect(a.explanation.join(' ')).toContain('C < R/mu')
    }
    // the two regimes differ: interaction at C = 1, BC at C = 4 (the constructed curves put the break-even between)
    expect(adviseFrom(runs, EXPERT, 1).choice).not.toBe(adviseFrom(runs, EXPERT, 4).choice)
  })

  it('runs the missing curves through the session host, then only reads them', async () => {
    const db = join(dir, 'run.db')
    const out = join(dir, 'advice.svg')
    const flags = [
      '--task',
      'reacher-arm',
      '--cost-ratio',
      '2',
      '--db',
      db,
      '--budget',
      '10',
      '--seeds',
      '1',
      '--eval-every',
      '5',
      '--eval-episodes',
      '2',
      '--json',
    ]
    const first = io()
    expect(await advise.run([...flags, '--out', out], first)).toBe(0)
    const a = JSON.parse(first.lines[first.lines.length - 1])
    // bc once, stagger and warm-stagger at C/2, C, 2C
    expect(a.ran).toBe(7)
    expect(a.sessions).toBe(7)
    expect(a.around.map((r: { costRatio: number }) => r.costRatio)).toEqual([1, 2, 4])
    const reached = a.options.filter((o: { costToTarget: number | null }) => o.costToTarget !== null)
    const least = reached.length
      ? reached.reduce((x: { costToTarget: number }, y: { costToTarget: number }) =>
          y.costToTarget < x.costToTarget ? y : x,
        ).algo
      : null
    expect(a.choice).toBe(least)
    expect(existsSync(out) && existsSync(join(dir, 'advice.png'))).toBe(true)

    const second = io()
    expect(await advise.run([...flags, '--no-run'], second)).toBe(0)
    const b = JSON.parse(second.lines[second.lines.length - 1])
    expect(b.ran).toBe(0)
    expect(b.choice).toBe(a.choice)
    expect(b.options).toEqual(a.options)
  }, 240_000)
})
