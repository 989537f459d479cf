// `iwb cost --db FILE [--task T] [--operator O] [--json]`: what the person's time says a label costs. A
// demonstration state costs its share of the recording time, a query its time from prompt to commit, a takeover
// state its share of the held time; the measured cost ratio C = seconds per query / seconds per demonstration
// state, with an 80% bootstrap band (demonstrations and queries resampled).
import { z } from 'zod'
import { measureHumanCost, openWorkspace, type HumanCost } from '../../store'
import { flag, parseCommandArgs } from '../args'
import type { Command } from '../command'

const fmt = (v: number | null, d = 2): string => (v === null ? '–' : v.toFixed(d))

export function describeCost(c: HumanCost): string[] {
  return [
    `demonstrations: ${c.demos} (${c.demoStates} states), ${fmt(c.secondsPerDemoState, 3)} s per state`,
    `queries: ${c.queries}, ${fmt(c.secondsPerQuery)} s per query`,
    `takeover states: ${c.takeoverStates}, ${fmt(c.secondsPerTakeoverState, 3)} s per state`,
    c.costRatio === null
      ? 'cost ratio: needs at least one demonstration and one answered query'
      : `cost ratio (query / demonstration state): ${fmt(c.costRatio)} (80% band ${fmt(c.costRatioBand?.lo ?? null)} to ${fmt(c.costRatioBand?.hi ?? null)})`,
  ]
}

export const command: Command = {
  name: 'cost',
  summary: "measure a label's cost in the person's seconds (demonstration state, query, takeover) and the cost ratio",
  usage:
    'iwb cost --db FILE [--task T] [--operator O] [--json]\n' +
    '  seconds per demonstration state (recording time / steps), per answered query (prompt to commit) and per\n' +
    '  takeover state; costRatio = secondsPerQuery / secondsPerDemoState with an 80% bootstrap band',
  async run(argv, io) {
    const { values: v } = parseCommandArgs(argv, {
      options: {
        db: { type: 'string' },
        task: { type: 'string' },
        operator: { type: 'string' },
        json: { type: 'boolean' },
      },
      schema: z.object({
        db: flag.text(),
        task: flag.task().optional(),
        operator: flag.operator().optional(),
        json: z.boolean().default(false),
      }),
    })
    const ws = openWorkspace(v.db, { readonly: true })
    try {
      const cost = measureHumanCost(ws, { taskId: v.task ?? null, operator: v.operator ?? null })
      if (!v.json) for (const line of describeCost(cost)) io.out(line)
      else io.out(JSON.stringify(cost))
      return 0
    } finally {
      ws.close()
    }
  },
}
