// `iwb bench <sim|learn|store|query>`: one entry for every benchmark; each sub-benchmark is its own command module.
import { UsageError, type Command } from '../command'
import { command as simBench } from './bench-sim'
import { command as learnBench } from './bench-learn'
import { command as storeBench } from './bench-store'
import { command as queryBench } from './bench-query'

const benches: Record<string, Command> = {
  sim: simBench,
  learn: learnBench,
  store: storeBench,
  query: queryBench,
}

export const benchCommand: Command = {
  name: 'bench',
  summary: 'benchmarks reported as ratios: sim, learn, store, query',
  usage: [
    'iwb bench <sim|learn|store|query> [options] [--json]',
    ...Object.values(benches).map((b) => `  ${b.usage}`),
  ].join('\n'),
  async run(argv, io) {
    const [which, ...rest] = argv
    const bench = which === undefined ? undefined : benches[which]
    if (!bench) throw new UsageError(`which benchmark? one of ${Object.keys(benches).join(', ')}`)
    return bench.run(rest, io)
  },
}
