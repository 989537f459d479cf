// `iwb compare --task T --algos a,b,... --budget N --seeds K --cost-ratio C [--db FILE] --report DIR`: the sweep of
// algorithms x seeds with the shipped expert as oracle, two sessions at a time, then the report. With --db,
// sessions already finished in the file are reused and unfinished ones resumed, so a sweep can be extended.
import { defaultConfig, expertReturn, parseAlgo } from '../../learn/headless'
import { writeReport } from '../../learn/report/report'
import { MemorySessionLog, type SessionConfig, type SessionLog } from '../../learn/session-log'
import { runSweep, type SweepRun } from '../../learn/sweep'
import { taskInfo } from '../../sim/registry'
import { openWorkspace, type Workspace } from '../../store'
import { UsageError, type Command } from '../command'
import { progressBar } from '../progress'

const label = (c: SessionConfig): string => (c.algo === 'warm-stagger' ? `warm-stagger:${c.warmFraction}` : c.algo)

function findFinished(ws: Workspace, c: SessionConfig): number | null {
  const hit = ws
    .listSessions()
    .filter(
      (s) =>
        s.status === 'finished' &&
        s.taskId === c.taskId &&
        s.algo === c.algo &&
        (s.warmFraction ?? null) === (c.warmFraction ?? null) &&
        s.oracle === 'expert' &&
        s.budget === c.budget &&
        s.seed === c.seed &&
        s.costRatio === c.costRatio,
    )
    .map((s) => s.id)
  return hit.length ? Math.max(...hit) : null
}

export const command: Command = {
  name: 'compare',
  summary: 'run algorithms x seeds with the shipped expert and write a report (plots, CSV, HTML)',
  usage:
    'iwb compare --task T --algos bc,stagger,warm-stagger:0.25,... [--budget N] [--seeds K] [--cost-ratio C] --report DIR\n' +
    '            [--db FILE] [--eval-every K] [--eval-episodes E] [--parallel P] [--seed-base S] [--report-only] [--json]\n' +
    '  --report-only: write the report from the sessions stored in --db without running anything',
  async run(argv, io) {
    let task: string | null = null
    let algos: string[] = ['bc', 'dagger', 'stagger', 'warm-stagger:0.25', 'warm-stagger:0.5']
    const over: Partial<SessionConfig> = {}
    let seeds = 5
    let seedBase = 0
    let parallel = 2
    let db: string | null = null
    let reportDir: string | null = null
    let json = false
    let reportOnly = false
    const num = (flag: string, v: string | undefined, integer = true): number => {
      const n = Number(v)
      if (v === undefined || !Number.isFinite(n) || n < 0 || (integer && !Number.isInteger(n))) throw new UsageError(`${flag} needs a number`)
      return n
    }
    for (let i = 0; i < argv.length; i++) {
      const a = argv[i]
      if (a === '--task') task = argv[++i] ?? null
      else if (a === '--algos') algos = (argv[++i] ?? '').split(',').filter(Boolean)
      else if (a === '--budget') over.budget = num(a, argv[++i])
      else if (a === '--seeds') seeds = num(a, argv[++i])
      else if (a === '--seed-base') seedBase = num(a, argv[++i])
      else if (a === '--cost-ratio') over.costRatio = num(a, argv[++i], false)
      else if (a === '--eval-every') over.evalEvery = num(a, argv[++i])
      else if (a === '--eval-episodes') over.evalEpisodes = num(a, argv[++i])
      else if (a === '--parallel') parallel = num(a, argv[++i])
      else if (a === '--db') db = argv[++i] ?? null
      else if (a === '--report') reportDir = argv[++i] ?? null
      else if (a === '--json') json = true
      else if (a === '--report-only') reportOnly = true
      else throw new UsageError(`unexpected argument ${a}\n${this.usage}`)
    }
    if (!task) throw new UsageError(`--task is required\n${this.usage}`)
    if (reportOnly && !db) throw new UsageError('--report-only reads the sessions stored in --db FILE')
    if (!reportDir) throw new UsageError(`--report DIR is required\n${this.usage}`)
    if (!(seeds >= 1) || !(parallel >= 1) || algos.length === 0) throw new UsageError('--seeds, --parallel and --algos need at least one')
    if (over.costRatio !== undefined && !(over.costRatio > 0)) throw new UsageError('--cost-ratio must be positive')
    try {
      taskInfo(task)
    } catch (e) {
      throw new UsageError((e as Error).message)
    }
    const parsed = algos.map((a) => {
      try {
        return parseAlgo(a)
      } catch (e) {
        throw new UsageError((e as Error).message)
      }
    })
    const ws = db ? openWorkspace(db) : null
    const started = Date.now()
    try {
      const runs: SweepRun[] = []
      for (const p of parsed)
        for (let s = 0; s < seeds; s++) {
          const config = defaultConfig({ taskId: task, algo: p.algo, warmFraction: p.warmFraction, seed: seedBase + s, ...over })
          let log: SessionLog
          let done = false
          if (ws) {
            const fin = findFinished(ws, config)
            const res = fin === null ? ws.findResumable(config) : null
            if (reportOnly && fin === null && res === null) continue
            log = fin !== null ? ws.openSession(fin) : res !== null ? ws.openSession(res) : ws.createSession(config)
            done = fin !== null
          } else log = new MemorySessionLog(config, runs.length + 1)
          runs.push({ config, log, done })
        }
      // --report-only: no new work; report the stored sessions as they are (finished or not).
      if (reportOnly) for (const r of runs) r.done = true
      if (runs.length === 0) throw new UsageError(`no stored sessions of this sweep in ${db}`)
      const budget = runs[0].config.budget
      const reused = runs.filter((r) => r.done).length
      if (reused) io.err(`reusing ${reused} finished session(s) from ${db}`)
      const bar = progressBar(`compare ${task}`, runs.length * budget)
      const spent = runs.map((r) => (r.done ? budget : 0))
      const outcomes = await runSweep(runs, {
        parallel,
        onProgress: (p) => {
          spent[p.index] = p.cost
          bar.update(
            spent.reduce((a, b) => a + b, 0),
            `${label(runs[p.index].config)} s${runs[p.index].config.seed}: ${p.lastReturn === null ? '' : p.lastReturn.toFixed(0)}`,
          )
        },
        onDone: (o, i) => {
          spent[i] = budget
          if (o.error) io.err(`${label(o.config)} seed ${o.config.seed} failed: ${o.error}`)
        },
      })
      bar.finish()
      const expertRet = await expertReturn(runs[0].config)
      const failed = outcomes.filter((o) => o.error)
      const report = await writeReport(reportDir, {
        task,
        costRatio: runs[0].config.costRatio,
        budget,
        expertReturn: expertRet,
        runs: outcomes.map((o) => ({ algo: label(o.config), seed: o.config.seed, sessionId: ws ? o.sessionId : null, evaluations: o.evaluations })),
        notes: [
          `${runs.length} sessions (${reused} reused from the store), ${((Date.now() - started) / 1000).toFixed(0)} s wall clock, ${parallel} at a time.`,
          ...failed.map((o) => `${label(o.config)} seed ${o.config.seed} failed: ${o.error}`),
        ],
      })
      if (!json) {
        for (const f of report.finals)
          io.out(`${f.algo.padEnd(18)} final return ${f.meanReturn.toFixed(1)} [${f.lo.toFixed(1)}, ${f.hi.toFixed(1)}] over ${f.seeds} seeds`)
        io.out(`expert ${expertRet.toFixed(1)}; report in ${reportDir} (PNG by ${report.pngRenderer})`)
      }
      io.out(
        JSON.stringify({
          task,
          budget,
          costRatio: runs[0].config.costRatio,
          seeds,
          expertReturn: expertRet,
          finals: report.finals,
          report: report.files,
          failed: failed.length,
          seconds: (Date.now() - started) / 1000,
        }),
      )
      return failed.length ? 1 : 0
    } finally {
      ws?.close()
    }
  },
}
