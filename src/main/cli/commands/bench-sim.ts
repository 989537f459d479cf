// `iwb bench sim [--task T] [--json]`: raw mj_step, our Env, one vs two rollout workers, and native MuJoCo C.
import { runSimBench } from '../../bench/sim'
import { taskInfo } from '../../sim/registry'
import { UsageError, type Command } from '../command'

export const command: Command = {
  name: 'bench-sim',
  summary: 'benchmark the simulation: raw mj_step, env, worker rollouts, native MuJoCo',
  usage: 'iwb bench sim [--task T] [--steps N] [--json]',
  async run(argv, io) {
    let task = 'hopper'
    let steps: number | undefined
    let json = false
    for (let i = 0; i < argv.length; i++) {
      const a = argv[i]
      if (a === 'sim' && i === 0) continue
      if (a === '--json') json = true
      else if (a === '--task') task = argv[++i] ?? ''
      else if (a === '--steps') steps = Number(argv[++i])
      else throw new UsageError(`unexpected argument ${a}\n${this.usage}`)
    }
    taskInfo(task)
    if (steps !== undefined && !(steps > 0)) throw new UsageError('--steps needs a positive number')
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
