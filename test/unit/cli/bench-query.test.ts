// `iwb bench query` end to end on a small task: a STAGGER session with a person as the oracle, answered through the
// in-process API; the figures it prints are computed from the prompts it saw.
import { describe, expect, it } from 'vitest'
import { main } from '../../../src/main/cli/main'
import { capture } from './capture'

describe('iwb bench query', () => {
  it('answers every prompt and reports ordered latencies, its evaluation rounds and the draw cost', async () => {
    const io = capture()
    const argv = [
      'bench',
      'query',
      '--task',
      'reacher-arm',
      '--queries',
      '8',
      '--eval-every',
      '4',
      '--eval-episodes',
      '1',
    ]
    expect(await main([...argv, '--json'], io)).toBe(0)
    const r = JSON.parse(io.stdout.at(-1)!)
    expect(r.task).toBe('reacher-arm')
    expect(r.queries).toBe(8)
    // the session stops after the 8th answer: 8 labels at cost 1 each
    expect([r.labels, r.cost]).toEqual([8, 8])
    // labels 4 and 8 are each followed by an evaluation round
    expect(r.evalRounds).toBe(2)
    expect(r.p50Ms).toBeGreaterThan(0)
    expect(r.p50Ms).toBeLessThanOrEqual(r.p95Ms)
    expect(r.p95Ms).toBeLessThanOrEqual(r.p99Ms)
    expect(r.p99Ms).toBeLessThanOrEqual(r.maxMs)
    expect(r.firstPromptMs).toBeGreaterThan(0)
    // 20 timed draws of each policy the session saved
    expect(r.drawCost.policies).toBeGreaterThan(0)
    expect(r.drawCost.draws).toBe(20 * r.drawCost.policies)
    expect(r.drawCost.stepsPerDraw).toBeGreaterThan(0)
    expect(r.drawWorkers).toBeGreaterThan(0)
  }, 120_000)

  it('refuses an out-of-range count in one line, exit 2', async () => {
    const io = capture()
    expect(await main(['bench', 'query', '--queries', '0'], io)).toBe(2)
    expect(io.stderr.join('\n')).toMatch(/--queries/)
    expect(io.stdout).toEqual([])
  })
})
