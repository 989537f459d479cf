// `iwb run --task T --algo A --budget N --seed S --cost-ratio C [--db FILE] [--json]`: one learning session with
// the shipped expert as oracle. With --db the session is stored (and an unfinished identical one is resumed).
import { parseAlgo, defaultConfig, runHeadless } from '../../learn/headless'
import type { SessionConfig, SessionLog } from '../../learn/session-log'
import { taskInfo } from '../../sim/registry'
import { openWorkspace } from '../../store'
import { UsageError, type Command } from '../command'
import { progressBar } from '../progress'

export interface RunArgs {
  config: SessionConfig
  db: string | null
  json: boolean
  /** from-scratch schedule: epochs per update (the authors used 2000) */
  epochs: number | null
}

const num = (flag: string, v: string | undefined, integer = false): number => {
  const n = Number(v)
  if (v === undefined || !Number.isFinite(n) || (integer && !Number.isInteger(n))) throw new UsageError(`${flag} needs a ${integer ? 'whole ' : ''}number`)
  return n
}

export function parseRunArgs(argv: string[], usage: string): RunArgs {
  let task: string | null = null
  let algoText = 'stagger'
  const over: Partial<SessionConfig> = {}
  let db: string | null = null
  let json = false
  let epochs: number | null = null
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    const v = (): string | undefined => argv[++i]
    if (a === '--task') task = v() ?? null
    else if (a === '--algo') algoText = v() ?? ''
    else if (a === '--budget') over.budget = num(a, v(), true)
    else if (a === '--seed') over.seed = num(a, v(), true)
    else if (a === '--cost-ratio') over.costRatio = num(a, v())
    else if (a === '--eval-every') over.evalEvery = num(a, v(), true)
    else if (a === '--eval-episodes') over.evalEpisodes = num(a, v(), true)
    else if (a === '--schedule') {
      const s = v()
      if (s !== 'incremental' && s !== 'scratch') throw new UsageError('--schedule is incremental or scratch')
      over.schedule = s
    } else if (a === '--loss') {
      const s = v()
      if (s !== 'nll' && s !== 'mse') throw new UsageError('--loss is nll or mse')
      over.loss = s
    } else if (a === '--epochs') {
      epochs = num(a, v(), true)
      if (epochs <= 0) throw new UsageError('--epochs must be positive')
    } else if (a === '--db') db = v() ?? null
    else if (a === '--json') json = true
    else throw new UsageError(`unexpected argument ${a}\n${usage}`)
  }
  if (!task) throw new UsageError(`--task is required\n${usage}`)
  try {
    taskInfo(task)
  } catch (e) {
    throw new UsageError((e as Error).message)
  }
  let parsed
  try {
    parsed = parseAlgo(algoText)
  } catch (e) {
    throw new UsageError((e as Error).message)
  }
  if (over.budget !== undefined && over.budget <= 0) throw new UsageError('--budget must be positive')
  if (over.costRatio !== undefined && !(over.costRatio > 0)) throw new UsageError('--cost-ratio must be positive')
  if (over.evalEvery !== undefined && over.evalEvery <= 0) throw new UsageError('--eval-every must be positive')
  if (over.evalEpisodes !== undefined && over.evalEpisodes <= 0) throw new UsageError('--eval-episodes must be positive')
  const config = defaultConfig({ taskId: task, algo: parsed.algo, warmFraction: parsed.warmFraction, ...over })
  return { config, db, json, epochs }
}

export const command: Command = {
  name: 'run',
  summary: 'run one learning session (BC, DAgger, STAGGER, WARM-STAGGER) with the shipped expert as oracle',
  usage:
    'iwb run --task T --algo bc|dagger|stagger|warm-stagger[:fraction] [--budget N] [--seed S] [--cost-ratio C]\n' +
    '        [--schedule incremental|scratch [--epochs N]] [--loss nll|mse] [--eval-every K] [--eval-episodes E] [--db FILE] [--json]\n' +
    '  budget is annotation cost (offline label 1, query C); defaults: budget 1000, seed 0, C 1, eval every 50 over 25 episodes',
  async run(argv, io) {
    const args = parseRunArgs(argv, this.usage)
    const { config } = args
    const ws = args.db ? openWorkspace(args.db) : null
    const ac = new AbortController()
    const onSignal = (): void => ac.abort('pause')
    process.once('SIGINT', onSignal)
    try {
      let log: SessionLog | undefined
      if (ws) {
        const resumable = ws.findResumable(config)
        log = resumable !== null ? ws.openSession(resumable) : ws.createSession(config)
        if (resumable !== null) io.err(`resuming session ${resumable} (${log.labels().length} labels stored)`)
      }
      const bar = progressBar(`${config.taskId} ${config.algo} seed ${config.seed}`, config.budget)
      const r = await runHeadless({
        config,
        log,
        withExpertReturn: true,
        signal: ac.signal,
        extra: args.epochs ? { trainerOptions: { epochs: args.epochs } } : undefined,
        onProgress: (p) => bar.update(p.cost, p.lastReturn === null ? p.phase : `return ${p.lastReturn.toFixed(0)}`),
      })
      bar.finish(r.status)
      const line = {
        task: config.taskId,
        algo: config.algo === 'warm-stagger' ? `warm-stagger:${config.warmFraction}` : config.algo,
        seed: config.seed,
        labels: r.labels,
        cost: r.cost,
        finalReturn: r.finalReturn,
        expertReturn: r.expertReturn,
        seconds: r.seconds,
        status: r.status,
        backend: r.backend,
        sessionId: ws ? r.sessionId : null,
      }
      if (!args.json) {
        io.out(`${line.algo} on ${line.task}: ${r.labels} labels, cost ${r.cost}, final return ${r.finalReturn?.toFixed(1)}`)
        io.out(`expert return ${r.expertReturn?.toFixed(1)} on the same seeds; ${r.seconds.toFixed(1)} s (${r.backend})`)
      }
      io.out(JSON.stringify(line))
      return r.status === 'finished' ? 0 : 1
    } finally {
      process.off('SIGINT', onSignal)
      ws?.close()
    }
  },
}
