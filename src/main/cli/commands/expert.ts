// `iwb expert train|eval`: train a linear expert with ARS on both cores, or measure an expert's return.
import { mean } from '../../../shared/stats'
import { ARS_HYPER, trainArs, type ArsResult } from '../../experts/ars'
import { expertFor, expertPath, loadExpertFile, saveExpertFile, type ExpertFile } from '../../experts/registry'
import type { PolicySpec } from '../../sim/policy-spec'
import { taskInfo } from '../../sim/registry'
import { RolloutPool } from '../../sim/rollout-pool'
import { UsageError, type Command } from '../command'
import { progressBar } from '../progress'

function parseFlags(argv: string[]): { positional: string[]; flags: Map<string, string | true> } {
  const positional: string[] = []
  const flags = new Map<string, string | true>()
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    if (a.startsWith('--')) {
      const [k, v] = a.slice(2).split('=', 2)
      if (v !== undefined) flags.set(k, v)
      else if (i + 1 < argv.length && !argv[i + 1].startsWith('--')) flags.set(k, argv[++i])
      else flags.set(k, true)
    } else positional.push(a)
  }
  return { positional, flags }
}

function intFlag(flags: Map<string, string | true>, name: string, fallback: number): number {
  const v = flags.get(name)
  if (v === undefined) return fallback
  const n = Number(v)
  if (v === true || !Number.isInteger(n)) throw new UsageError(`--${name} needs an integer`)
  return n
}

function strFlag(flags: Map<string, string | true>, name: string): string | undefined {
  const v = flags.get(name)
  if (v === true) throw new UsageError(`--${name} needs a value`)
  return v
}

/** Evaluate a policy on `episodes` seeded episodes (seeds seed..seed+episodes-1) on the rollout pool. */
export async function evaluateExpert(
  taskId: string,
  spec: PolicySpec,
  episodes: number,
  seed: number,
  workers = 2,
): Promise<{ meanReturn: number; stdReturn: number; returns: number[]; meanLength: number }> {
  const pool = await RolloutPool.create(taskId, { workers })
  try {
    const seeds = Array.from({ length: episodes }, (_, i) => seed + i)
    const r = await pool.evaluate(spec, seeds)
    return { meanReturn: r.meanReturn, stdReturn: r.stdReturn, returns: r.returns, meanLength: mean(r.lengths) }
  } finally {
    await pool.close()
  }
}

function toFile(best: ArsResult, iterations: number, previous: ExpertFile | null): ExpertFile {
  return {
    taskId: best.taskId,
    kind: 'linear',
    algorithm: 'ARS V2-t (Mania, Guy, Recht 2018)',
    spec: best.spec,
    stats: best.stats,
    meanReturn: null,
    stdReturn: null,
    episodes: null,
    evalSeed: null,
    trainSteps: best.steps + (previous?.trainSteps ?? 0),
    iterations: best.iteration + (previous?.iterations ?? 0),
    hyper: { ...best.hyper, trainEvalReturn: Math.round(best.evalReturn * 10) / 10, plannedIterations: iterations },
    updatedAt: new Date().toISOString(),
  }
}

export const command: Command = {
  name: 'expert',
  summary: 'train a linear expert with ARS, or evaluate an expert',
  usage: [
    'iwb expert train --task T [--iterations N] [--seed S] [--out FILE] [--workers W] [--eval-every K] [--eval-episodes E]\n    [--directions N] [--top B] [--step-size A] [--noise NU] [--resume]',
    'iwb expert eval --task T [--episodes 25] [--seed S] [--file FILE] [--write] [--json]',
  ].join('\n'),
  async run(argv, io) {
    const { positional, flags } = parseFlags(argv)
    const sub = positional[0]
    const taskId = strFlag(flags, 'task')
    if (!taskId) throw new UsageError('--task is required')
    const task = taskInfo(taskId)
    const seed = intFlag(flags, 'seed', 0)
    const workers = intFlag(flags, 'workers', 2)
    if (sub === 'train') {
      if (task.operator) throw new UsageError(`${taskId} is an operator task: its expert is scripted`)
      if (!ARS_HYPER[taskId]) io.err(`no ARS hyperparameters for ${taskId}; using Hopper's`)
      const iterations = intFlag(flags, 'iterations', 500)
      const out = strFlag(flags, 'out') ?? expertPath(taskId)
      const previous = flags.has('resume') ? loadExpertFile(taskId, out) : null
      const num = (name: string): number | undefined => {
        const v = strFlag(flags, name)
        if (v === undefined) return undefined
        const n = Number(v)
        if (!(n > 0)) throw new UsageError(`--${name} needs a positive number`)
        return n
      }
      const hyper = { directions: num('directions'), top: num('top'), stepSize: num('step-size'), noise: num('noise') }
      const bar = progressBar(`ARS ${taskId}`, iterations)
      const best = await trainArs({
        taskId,
        iterations,
        seed,
        workers,
        hyper: Object.fromEntries(Object.entries(hyper).filter(([, v]) => v !== undefined)),
        init: previous?.spec,
        initStats: previous?.stats,
        evalEvery: intFlag(flags, 'eval-every', 10),
        evalEpisodes: intFlag(flags, 'eval-episodes', 10),
        onProgress: (p) =>
          bar.update(p.iteration, `steps ${(p.steps / 1e6).toFixed(2)}M train ${p.trainReturn.toFixed(0)} best ${p.bestReturn.toFixed(0)}`),
        onBest: (b) => saveExpertFile(toFile(b, iterations, previous), out),
      })
      bar.finish(`best ${best.evalReturn.toFixed(1)} at iteration ${best.iteration}`)
      io.out(JSON.stringify({ task: taskId, out, bestEvalReturn: best.evalReturn, iteration: best.iteration, steps: best.steps }))
      return 0
    }
    if (sub === 'eval') {
      const episodes = intFlag(flags, 'episodes', 25)
      const file = strFlag(flags, 'file')
      const spec = file ? loadExpertFile(taskId, file)?.spec : expertFor(taskId)
      if (!spec) throw new UsageError(`no expert file at ${file}`)
      const started = Date.now()
      const r = await evaluateExpert(taskId, spec, episodes, seed, workers)
      if (flags.has('write')) {
        const path = file ?? expertPath(taskId)
        const f = loadExpertFile(taskId, path)
        if (f) saveExpertFile({ ...f, meanReturn: r.meanReturn, stdReturn: r.stdReturn, episodes, evalSeed: seed, updatedAt: new Date().toISOString() }, path)
      }
      const result = {
        task: taskId,
        episodes,
        seed,
        kind: spec.kind,
        meanReturn: r.meanReturn,
        stdReturn: r.stdReturn,
        minReturn: Math.min(...r.returns),
        maxReturn: Math.max(...r.returns),
        meanLength: r.meanLength,
        seconds: (Date.now() - started) / 1000,
      }
      if (flags.has('json')) io.out(JSON.stringify(result))
      else io.out(`${taskId}: mean return ${r.meanReturn.toFixed(1)} ± ${r.stdReturn.toFixed(1)} over ${episodes} episodes (seed ${seed})`)
      return 0
    }
    throw new UsageError(`expected 'train' or 'eval'\n${this.usage}`)
  },
}
