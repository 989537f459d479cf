// `iwb bench store [--steps N] [--json]`: recording rate and stalls, episode load, cost curve and dataset export on
// a big workspace.
import { runStoreBench } from '../../bench/store'
import { z } from 'zod'
import { flag, parseCommandArgs } from '../args'
import type { Command } from '../command'

export const command: Command = {
  name: 'bench-store',
  summary: 'benchmark the store: recording rate, loading an episode, the cost-curve query on a million steps',
  usage: 'iwb bench store [--steps N] [--record N] [--json]',
  async run(argv, io) {
    const { values } = parseCommandArgs(argv, {
      options: { steps: { type: 'string' }, record: { type: 'string' }, json: { type: 'boolean' } },
      schema: z.object({
        steps: flag.int(1000, 100_000_000).optional(),
        record: flag.int(1000, 100_000_000).optional(),
        json: z.boolean().default(false),
      }),
    })
    const { steps: totalSteps, record: recordSteps, json } = values
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
        `  export ${r.exportSteps} demonstration steps: robomimic ${r.exportRobomimicSecondsPer100k} s, LeRobot ${r.exportLerobotSecondsPer100k} s per 100,000 steps (CPU ${r.exportCpuSecondsPer100k} s)`,
      )
      io.out(
        `  open: quick_check ${r.openQuickCheckMs} ms, header only ${r.openHeaderOnlyMs} ms, default ${r.openDefaultMs} ms`,
      )
    }
    io.out(JSON.stringify(r))
    return 0
  },
}
