// `iwb bench query [--task T] [--queries N] [--json]`: time from committing an answer to the next query prompt
// (target: p95 <= 150 ms on Hopper-sized tasks), and what one exact STAGGER draw costs, the floor under it.
import { runQueryBench } from '../../bench/query'
import { z } from 'zod'
import { flag, MAX_SEED, parseCommandArgs } from '../args'
import type { Command } from '../command'

export const command: Command = {
  name: 'bench-query',
  summary: 'benchmark the time from answering a query to the next prompt (STAGGER with a person as the oracle)',
  usage:
    'iwb bench query [--task T] [--queries N] [--seed S] [--think-ms MS] [--eval-every K] [--eval-episodes E] [--db FILE] [--json]',
  async run(argv, io) {
    const { values } = parseCommandArgs(argv, {
      options: {
        task: { type: 'string' },
        queries: { type: 'string' },
        seed: { type: 'string' },
        'think-ms': { type: 'string' },
        'eval-every': { type: 'string' },
        'eval-episodes': { type: 'string' },
        db: { type: 'string' },
        json: { type: 'boolean' },
      },
      schema: z.object({
        task: flag.task().optional(),
        queries: flag.int(1, 100_000).optional(),
        seed: flag.int(0, MAX_SEED).optional(),
        'think-ms': flag.int(0, 60_000).optional(),
        'eval-every': flag.int(1, 1_000_000).optional(),
        'eval-episodes': flag.int(1, 1000).optional(),
        db: flag.text().optional(),
        json: z.boolean().default(false),
      }),
    })
    const { task, queries, seed, db, json } = values
    const thinkMs = values['think-ms']
    const evalEvery = values['eval-every']
    const evalEpisodes = values['eval-episodes']
    const r = await runQueryBench({ task, queries, seed, evalEvery, evalEpisodes, db, thinkMs, log: (l) => io.err(l) })
    if (!json) {
      io.out(`${r.task}: ${r.queries} queries answered with the expert's action, ${r.thinkMs} ms after each prompt`)
      io.out(`  commit -> next prompt: p50 ${r.p50Ms} ms, p95 ${r.p95Ms} ms, p99 ${r.p99Ms} ms, max ${r.maxMs} ms`)
      io.out(`  (${r.evalRounds} of them followed by an evaluation round; first prompt after ${r.firstPromptMs} ms)`)
      if (r.drawCost)
        io.out(
          `  one exact STAGGER draw of the session's policies on one thread: mean ${r.drawCost.meanMs} ms, p95 ${r.drawCost.p95Ms} ms (${r.drawCost.stepsPerDraw} steps); on ${r.drawWorkers} draw threads a quick answer waits at least ~${(r.drawCost.meanMs / r.drawWorkers).toFixed(0)} ms on average`,
        )
    }
    io.out(JSON.stringify(r))
    return 0
  },
}
