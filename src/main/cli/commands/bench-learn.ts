// `iwb bench learn [--task T] [--labels N] [--overlap] [--json]`: a STAGGER session vs only simulating its steps.
import { runLearnBench } from '../../bench/learn'
import { z } from 'zod'
import { flag, MAX_SEED, parseCommandArgs } from '../args'
import type { Command } from '../command'

export const command: Command = {
  name: 'bench-learn',
  summary: 'benchmark learning: a STAGGER session against simulating the same environment steps',
  usage:
    'iwb bench learn [--task T] [--labels N] [--seed S] [--eval-every K] [--eval-episodes E] [--overlap] [--json]\n' +
    '  defaults: hopper, 1000 labels, evaluations every 50 labels over 25 episodes; target overhead <= 1.3',
  async run(argv, io) {
    const { values } = parseCommandArgs(argv, {
      options: {
        task: { type: 'string' },
        labels: { type: 'string' },
        seed: { type: 'string' },
        'eval-every': { type: 'string' },
        'eval-episodes': { type: 'string' },
        overlap: { type: 'boolean' },
        json: { type: 'boolean' },
      },
      schema: z.object({
        task: flag.task().default('hopper'),
        labels: flag.int(1, 1_000_000).optional(),
        seed: flag.int(0, MAX_SEED).optional(),
        'eval-every': flag.int(1, 1_000_000).optional(),
        'eval-episodes': flag.int(1, 1000).optional(),
        overlap: z.boolean().default(false),
        json: z.boolean().default(false),
      }),
    })
    const { task, labels, seed, overlap, json } = values
    const evalEvery = values['eval-every']
    const evalEpisodes = values['eval-episodes']
    const r = await runLearnBench({ task, labels, seed, evalEvery, evalEpisodes, overlap, log: (l) => io.err(l) })
    if (!json) {
      io.out(
        `STAGGER on ${r.task}, ${r.labels} labels (${r.backend}${r.overlap ? ', overlapped training' : ''}): ${r.seconds.toFixed(1)} s`,
      )
      io.out(`simulating the same ${r.rolloutSteps + r.evalSteps} steps: ${r.simOnlySeconds.toFixed(1)} s`)
      io.out(
        `overhead ${r.overhead.toFixed(2)} wall clock, ${r.cpuOverhead.toFixed(2)} CPU time (target <= 1.3); final return ${r.finalReturn?.toFixed(1)}`,
      )
    }
    io.out(JSON.stringify(r))
    return 0
  },
}
