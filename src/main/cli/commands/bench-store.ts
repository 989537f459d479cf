// `iwb bench store [--steps N] [--json]`: recording rate and stalls, episode load, cost curve on a big workspace.
import { runStoreBench } from '../../bench/store'
import { UsageError, type Command } from '../command'

export const command: Command = {
  name: 'bench-store',
  summary: 'benchmark the store: recording rate, loading an episode, the cost-curve query on a million steps',
  usage: 'iwb bench store [--steps N] [--record N] [--json]',
  async run(argv, io) {
    let totalSteps: number | undefined
    let recordSteps: number | undefined
    let json = false
    for (let i = 0; i < argv.length; i++) {
      const a = argv[i]
      if (a === 'store' && i === 0) continue
      if (a === '--json') json = true
      else if (a === '--steps') totalSteps = Number(argv[++i])
      else if (a === '--record') recordSteps = Number(argv[++i])
      else throw new UsageError(`unexpected argument ${a}`)
    }
    for (const [flag, v] of [
      ['--steps', totalSteps],
      ['--record', recordSteps],
    ] as const) {
      if (v !== undefined && !(Number.isInteger(v) && v >= 1000))
        throw new UsageError(`${flag} needs a whole number >= 1000`)
    }
    const r = await runStoreBench({ totalSteps, recordSteps, log: (l) => io.err(l) })
    if (!json) {
      io.out(`recording: ${r.stepsPerSec} steps/s; longest stall between steps ${r.maxStallMs} ms`)
      io.out(
        `  append p99 ${r.appendP99Us} us; flush p50 ${r.flushP50Ms} ms, max ${r.flushMaxMs} ms; finish p50 ${r.finishP50Ms} ms`,
      )
      io.out(`workspace of ${r.totalSteps} steps (${r.fileMB} MiB, generated in ${r.generateSec} s):`)
      io.out(`  load a 1000-step episode ${r.loadEpisodeMs} ms`)
      io.out(`  cost curve of a session  ${r.costCurveMs} ms`)
      io.out(`  list sessions            ${r.listSessionsMs} ms`)
      io.out(`  one session's summary    ${r.sessionInfoMs} ms`)
      io.out(
        `  open: quick_check ${r.openQuickCheckMs} ms, header only ${r.openHeaderOnlyMs} ms, default ${r.openDefaultMs} ms`,
      )
    }
    io.out(JSON.stringify(r))
    return 0
  },
}
