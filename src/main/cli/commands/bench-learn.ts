// `iwb bench learn [--task T] [--labels N] [--overlap] [--json]`: a STAGGER session vs only simulating its steps.
import { runLearnBench } from '../../bench/learn'
import { taskInfo } from '../../sim/registry'
import { UsageError, type Command } from '../command'

export const command: Command = {
  name: 'bench-learn',
  summary: 'benchmark learning: a STAGGER session against simulating the same environment steps',
  usage:
    'iwb bench learn [--task T] [--labels N] [--seed S] [--eval-every K] [--eval-episodes E] [--overlap] [--json]\n' +
    '  defaults: hopper, 1000 labels, evaluations every 50 labels over 25 episodes; target overhead <= 1.3',
  async run(argv, io) {
    let task = 'hopper'
    let labels: number | undefined
    let seed: number | undefined
    let evalEvery: number | undefined
    let evalEpisodes: number | undefined
    let overlap = false
    let json = false
    const int = (flag: string, v: string | undefined): number => {
      const n = Number(v)
      if (!Number.isInteger(n) || n <= 0) throw new UsageError(`${flag} needs a positive whole number`)
      return n
    }
    for (let i = 0; i < argv.length; i++) {
      const a = argv[i]
      if (a === 'learn' && i === 0) continue
      if (a === '--json') json = true
      else if (a === '--overlap') overlap = true
      else if (a === '--task') task = argv[++i] ?? ''
      else if (a === '--labels') labels = int(a, argv[++i])
      else if (a === '--seed') seed = Number(argv[++i])
      else if (a === '--eval-every') evalEvery = int(a, argv[++i])
      else if (a === '--eval-episodes') evalEpisodes = int(a, argv[++i])
      else throw new UsageError(`unexpected argument ${a}\n${this.usage}`)
    }
    try {
      taskInfo(task)
    } catch (e) {
      throw new UsageError((e as Error).message)
    }
    const r = await runLearnBench({ task, labels, seed, evalEvery, evalEpisodes, overlap, log: (l) => io.err(l) })
    if (!json) {
      io.out(`STAGGER on ${r.task}, ${r.labels} labels (${r.backend}${r.overlap ? ', overlapped training' : ''}): ${r.seconds.toFixed(1)} s`)
      io.out(`simulating the same ${r.rolloutSteps + r.evalSteps} steps: ${r.simOnlySeconds.toFixed(1)} s`)
      io.out(`overhead ${r.overhead.toFixed(2)} wall clock, ${r.cpuOverhead.toFixed(2)} CPU time (target <= 1.3); final return ${r.finalReturn?.toFixed(1)}`)
    }
    io.out(JSON.stringify(r))
    return 0
  },
}
