// `iwb bench queue [--sessions N] [--budget N] [--json]`: the study queue's throughput (two `iwb worker` processes
// on a private redis-server) against the in-process runner on the same sessions (target ratio >= 0.9).
import { runQueueBench } from '../../bench/queue'
import { z } from 'zod'
import { flag, parseCommandArgs } from '../args'
import type { Command } from '../command'

export const command: Command = {
  name: 'bench-queue',
  summary: 'benchmark the study queue: iwb worker processes through Redis against the in-process runner',
  usage: 'iwb bench queue [--task T] [--sessions N] [--budget N] [--workers W] [--json]  (needs redis-server)',
  async run(argv, io) {
    const { values } = parseCommandArgs(argv, {
      options: {
        task: { type: 'string' },
        sessions: { type: 'string' },
        budget: { type: 'string' },
        workers: { type: 'string' },
        json: { type: 'boolean' },
      },
      schema: z.object({
        task: flag.task().optional(),
        sessions: flag.int(1, 64).optional(),
        budget: flag.int(2, 10_000).optional(),
        workers: flag.int(1, 8).optional(),
        json: z.boolean().default(false),
      }),
    })
    const { task, sessions, budget, workers, json } = values
    const r = await runQueueBench({ task, sessions, budget, workers, log: (l) => io.err(l) })
    if (!json) {
      io.out(`${r.task}: ${r.sessions} sessions of budget ${r.budget}, ${r.workers} at a time`)
      io.out(`  in process ${r.inProcessSec} s; through the queue (${r.workers} iwb worker processes) ${r.queueSec} s`)
      io.out(`  throughput ratio queue / in process ${r.throughputRatio} (target >= 0.9); same curves: ${r.sameCurves}`)
      io.out(`  (the workers took ${r.workerStartSec} s to start, not counted)`)
    }
    io.out(JSON.stringify(r))
    return r.sameCurves ? 0 : 1
  },
}
