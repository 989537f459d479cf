// `iwb bench query [--task T] [--queries N] [--json]`: time from committing an answer to the next query prompt
// (target: p95 <= 150 ms on Hopper-sized tasks).
import { runQueryBench } from '../../bench/query'
import { UsageError, type Command } from '../command'

export const command: Command = {
  name: 'bench-query',
  summary: 'benchmark the time from answering a query to the next prompt (STAGGER with a person as the oracle)',
  usage:
    'iwb bench query [--task T] [--queries N] [--seed S] [--think-ms MS] [--eval-every K] [--eval-episodes E] [--db FILE] [--json]',
  async run(argv, io) {
    let task: string | undefined
    let queries: number | undefined
    let seed: number | undefined
    let evalEvery: number | undefined
    let evalEpisodes: number | undefined
    let db: string | undefined
    let thinkMs: number | undefined
    let json = false
    const int = (flag: string, v: string | undefined, min: number): number => {
      const n = Number(v)
      if (!(Number.isInteger(n) && n >= min)) throw new UsageError(`${flag} needs a whole number >= ${min}`)
      return n
    }
    for (let i = 0; i < argv.length; i++) {
      const a = argv[i]
      if (a === 'query' && i === 0) continue
      if (a === '--json') json = true
      else if (a === '--task') task = argv[++i]
      else if (a === '--queries') queries = int(a, argv[++i], 1)
      else if (a === '--seed') seed = int(a, argv[++i], 0)
      else if (a === '--eval-every') evalEvery = int(a, argv[++i], 1)
      else if (a === '--eval-episodes') evalEpisodes = int(a, argv[++i], 1)
      else if (a === '--db') db = argv[++i]
      else if (a === '--think-ms') thinkMs = int(a, argv[++i], 0)
      else throw new UsageError(`unexpected argument ${a}`)
    }
    if (task === '') throw new UsageError('--task needs a task id')
    const r = await runQueryBench({ task, queries, seed, evalEvery, evalEpisodes, db, thinkMs, log: (l) => io.err(l) })
    if (!json) {
      io.out(`${r.task}: ${r.queries} queries answered with the expert's action, ${r.thinkMs} ms after each prompt`)
      io.out(`  commit -> next prompt: p50 ${r.p50Ms} ms, p95 ${r.p95Ms} ms, p99 ${r.p99Ms} ms, max ${r.maxMs} ms`)
      io.out(`  (${r.evalRounds} of them followed by an evaluation round; first prompt after ${r.firstPromptMs} ms)`)
    }
    io.out(JSON.stringify(r))
    return 0
  },
}
