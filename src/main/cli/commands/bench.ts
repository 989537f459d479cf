// `iwb bench <sim|learn|store|query|queue|frames>`: one entry for every benchmark; each sub-benchmark is its own command module.
import { UsageError, type Command } from '../command'
import { command as simBench } from './bench-sim'
import { command as learnBench } from './bench-learn'
import { command as storeBench } from './bench-store'
import { command as queryBench } from './bench-query'
import { command as queueBench } from './bench-queue'
import { command as framesBench } from './bench-frames'

const benches: Record<string, Command> = {
  sim: simBench,
  learn: learnBench,
  store: storeBench,
  query: queryBench,
  queue: queueBench,
  frames: framesBench,
}

export const benchCommand: Command = {
  name: 'bench',
  summary: 'benchmarks reported as ratios: sim, learn, store, query, queue, frames',
  usage: [
    'iwb bench <sim|learn|store|query|queue|frames|all> [options] [--json]',
    ...Object.values(benches).map((b) => `  ${b.usage}`),
  ].join('\n'),
  subcommands: benches,
  async run(argv, io) {
    const [which, ...rest] = argv
    if (which === 'all') {
      // Each benchmark in turn with its defaults; the first failure's exit code wins.
      let code = 0
      for (const [name, b] of Object.entries(benches)) {
        io.err(`== iwb bench ${name}`)
        const c = await b.run(rest, io)
        if (code === 0) code = c
      }
      return code
    }
    const bench = which !== undefined && Object.hasOwn(benches, which) ? benches[which] : undefined
    if (!bench) throw new UsageError(`which benchmark? one of ${Object.keys(benches).join(', ')}, all`)
    return bench.run(rest, io)
  },
}
