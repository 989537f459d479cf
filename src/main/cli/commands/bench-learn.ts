// `iwb bench learn [--task T] [--labels N] [--overlap] [--json]`: a STAGGER session vs only simulating its steps,
// then each policy class's training and rollout speed (`--classes-only` for that part alone).
import { runLearnBench } from '../../bench/learn'
import { runClassBench } from '../../bench/policy-classes'
import { z } from 'zod'
import { flag, MAX_SEED, parseCommandArgs } from '../args'
import type { Command } from '../command'

export const command: Command = {
  name: 'bench-learn',
  summary: 'benchmark learning: a STAGGER session against simulating the same environment steps',
  usage:
    'iwb bench learn [--task T] [--labels N] [--seed S] [--eval-every K] [--eval-episodes E] [--overlap] [--json]\n' +
    '        [--classes-task T] [--classes-only]\n' +
    '  defaults: hopper, 1000 labels, evaluations every 50 labels over 25 episodes; target overhead <= 1.3.\n' +
    '  Then every policy class (mlp, gmm, chunk, diffusion; default parameters) on --classes-task (push-t):\n' +
    '  training samples per second on 500 expert labels and rollout steps per second acting, and each against mlp.',
  async run(argv, io) {
    const { values } = parseCommandArgs(argv, {
      options: {
        task: { type: 'string' },
        labels: { type: 'string' },
        seed: { type: 'string' },
        'eval-every': { type: 'string' },
        'eval-episodes': { type: 'string' },
        overlap: { type: 'boolean' },
        'classes-task': { type: 'string' },
        'classes-only': { type: 'boolean' },
        json: { type: 'boolean' },
      },
      schema: z.object({
        task: flag.task().default('hopper'),
        labels: flag.int(1, 1_000_000).optional(),
        seed: flag.int(0, MAX_SEED).optional(),
        'eval-every': flag.int(1, 1_000_000).optional(),
        'eval-episodes': flag.int(1, 1000).optional(),
        overlap: z.boolean().default(false),
        'classes-task': flag.task().default('push-t'),
        'classes-only': z.boolean().default(false),
        json: z.boolean().default(false),
      }),
    })
    const { task, labels, seed, overlap, json } = values
    const evalEvery = values['eval-every']
    const evalEpisodes = values['eval-episodes']
    const log = (l: string): void => io.err(l)
    const session = values['classes-only']
      ? null
      : await runLearnBench({ task, labels, seed, evalEvery, evalEpisodes, overlap, log })
    const classes = await runClassBench({ task: values['classes-task'], log })
    if (!json)
      for (const c of classes)
        io.out(
          `${c.name}: ${c.trainSamplesPerSecond.toFixed(0)} training samples/s (${c.trainSpeedVsMlp.toFixed(2)} x mlp), ` +
            `${c.rolloutStepsPerSecond.toFixed(0)} rollout steps/s (${c.rolloutSpeedVsMlp.toFixed(2)} x mlp)`,
        )
    if (!session) {
      io.out(JSON.stringify({ classesTask: values['classes-task'], classes }))
      return 0
    }
    const r = session
    if (!json) {
      io.out(
        `STAGGER on ${r.task}, ${r.labels} labels (${r.backend}${r.overlap ? ', overlapped training' : ''}): ${r.seconds.toFixed(1)} s`,
      )
      io.out(`simulating the same ${r.rolloutSteps + r.evalSteps} steps: ${r.simOnlySeconds.toFixed(1)} s`)
      io.out(
        `overhead ${r.overhead.toFixed(2)} wall clock, ${r.cpuOverhead.toFixed(2)} CPU time (target <= 1.3); final return ${r.finalReturn?.toFixed(1)}`,
      )
    }
    io.out(JSON.stringify({ ...r, classesTask: values['classes-task'], classes }))
    return 0
  },
}
