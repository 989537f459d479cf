// `iwb bench sim [--task T] [--json]`: raw mj_step, our Env, one vs two rollout workers, and native MuJoCo C.
import { runSimBench } from '../../bench/sim'
import { z } from 'zod'
import { flag, parseCommandArgs } from '../args'
import type { Command } from '../command'

export const command: Command = {
  name: 'bench-sim',
  summary: 'benchmark the simulation: raw mj_step, env, worker rollouts, native MuJoCo',
  usage: 'iwb bench sim [--task T] [--steps N] [--json]',
  async run(argv, io) {
    const { task, steps, json } = parseCommandArgs(argv, {
      options: { task: { type: 'string' }, steps: { type: 'string' }, json: { type: 'boolean' } },
      schema: z.object({
        task: flag.task().default('hopper'),
        steps: flag.int(1, 100_000_000).optional(),
        json: z.boolean().default(false),
      }),
    }).values
    const r = await runSimBench({ task, physicsSteps: steps, log: (l) => io.err(l) })
    if (!json) {
      io.out(`task ${r.task} (frame skip ${r.frameSkip}), physics steps per second:`)
      io.out(`  raw mj_step (wasm ${r.mujocoWasm})  ${r.rawStepsPerSec}`)
      io.out(`  env.step                    ${r.envStepsPerSec}  (${r.envOverRaw} of raw; target >= 0.9)`)
      io.out(`  rollouts, one worker        ${r.singleWorkerStepsPerSec}`)
      io.out(`  rollouts, two workers       ${r.vecStepsPerSec}  (${r.vecOverSingle} x one; target >= 1.7)`)
      io.out(
        r.nativeStepsPerSec === null
          ? `  native MuJoCo C             n/a (${r.nativeNote ?? 'not installed'})`
          : `  native MuJoCo C ${r.nativeVersion}       ${r.nativeStepsPerSec}  (wasm raw = ${r.rawOverNative} of native)`,
      )
    }
    io.out(JSON.stringify(r))
    return 0
  },
}
