// `iwb expert train|eval`: train a linear expert with ARS on both cores, or measure an expert's return.
import { z } from 'zod'
import { mean } from '../../../shared/stats'
import { ARS_HYPER, trainArs, type ArsResult } from '../../experts/ars'
import { expertFor, expertPath, loadExpertFile, saveExpertFile, type ExpertFile } from '../../experts/registry'
import type { PolicySpec } from '../../sim/policy-spec'
import { taskInfo } from '../../sim/registry'
import { RolloutPool } from '../../sim/rollout-pool'
import { flag, MAX_SEED, parseCommandArgs } from '../args'
import { UsageError, type Command } from '../command'
import { progressBar } from '../progress'

// Flags both subcommands take.
const common = {
  options: { task: { type: 'string' }, seed: { type: 'string' }, workers: { type: 'string' } },
  schema: {
    task: flag.task(),
    seed: flag.int(0, MAX_SEED).default(0),
    workers: flag.int(1, 64).default(2),
  },
} as const

function parseTrainArgs(argv: string[]) {
  return parseCommandArgs(argv, {
    options: {
      ...common.options,
      iterations: { type: 'string' },
      out: { type: 'string' },
      'eval-every': { type: 'string' },
      'eval-episodes': { type: 'string' },
      directions: { type: 'string' },
      top: { type: 'string' },
      'step-size': { type: 'string' },
      noise: { type: 'string' },
      resume: { type: 'boolean' },
    },
    schema: z.object({
      ...common.schema,
      iterations: flag.int(1, 1_000_000).default(500),
      out: flag.text().optional(),
      'eval-every': flag.int(1, 1_000_000).default(10),
      'eval-episodes': flag.int(1, 1000).default(10),
      directions: flag.int(1, 10_000).optional(),
      top: flag.int(1, 10_000).optional(),
      'step-size': flag.number(1e-6, 10).optional(),
      noise: flag.number(1e-6, 10).optional(),
      resume: z.boolean().default(false),
    }),
  }).values
}

function parseEvalArgs(argv: string[]) {
  return parseCommandArgs(argv, {
    options: {
      ...common.options,
      episodes: { type: 'string' },
      file: { type: 'string' },
      write: { type: 'boolean' },
      json: { type: 'boolean' },
    },
    schema: z.object({
      ...common.schema,
      episodes: flag.int(1, 10_000).default(25),
      file: flag.text().optional(),
      write: z.boolean().default(false),
      json: z.boolean().default(false),
    }),
  }).values
}

/** Evaluate a policy on `episodes` seeded episodes (seeds seed..seed+episodes-1) on the rollout pool. */
export async function evaluateExpert(
  taskId: string,
  spec: PolicySpec,
  episodes: number,
  seed: number,
  workers = 2,
): Promise<{
  meanReturn: number
  stdReturn: number
  returns: number[]
  meanLength: number
  successRate: number | null
}> {
  const pool = await RolloutPool.create(taskId, { workers })
  try {
    const seeds = Array.from({ length: episodes }, (_, i) => seed + i)
    const r = await pool.evaluate(spec, seeds)
    return {
      meanReturn: r.meanReturn,
      stdReturn: r.stdReturn,
      returns: r.returns,
      meanLength: mean(r.lengths),
      successRate: r.successRate,
    }
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
    'iwb expert eval --task T [--episodes 25] [--seed S] [--file FILE] [--workers W] [--write] [--json]',
  ].join('\n'),
  async run(argv, io) {
    const [sub, ...rest] = argv
    if (sub === 'train') {
      const a = parseTrainArgs(rest)
      const { task: taskId, seed, workers, iterations } = a
      if (taskInfo(taskId).operator) throw new UsageError(`${taskId} is an operator task: its expert is scripted`)
      if (!ARS_HYPER[taskId]) io.err(`no ARS hyperparameters for ${taskId}; using Hopper's`)
      const out = a.out ?? expertPath(taskId)
      const previous = a.resume ? loadExpertFile(taskId, out) : null
      const hyper = { directions: a.directions, top: a.top, stepSize: a['step-size'], noise: a.noise }
      const bar = progressBar(`ARS ${taskId}`, iterations)
      const best = await trainArs({
        taskId,
        iterations,
        seed,
        workers,
        hyper: Object.fromEntries(Object.entries(hyper).filter(([, v]) => v !== undefined)),
        init: previous?.spec,
        initStats: previous?.stats,
        evalEvery: a['eval-every'],
        evalEpisodes: a['eval-episodes'],
        onProgress: (p) =>
          bar.update(
            p.iteration,
            `steps ${(p.steps / 1e6).toFixed(2)}M train ${p.trainReturn.toFixed(0)} best ${p.bestReturn.toFixed(0)}`,
          ),
        onBest: (b) => saveExpertFile(toFile(b, iterations, previous), out),
      })
      bar.finish(`best ${best.evalReturn.toFixed(1)} at iteration ${best.iteration}`)
      io.out(
        JSON.stringify({
          task: taskId,
          out,
          bestEvalReturn: best.evalReturn,
          iteration: best.iteration,
          steps: best.steps,
        }),
      )
      return 0
    }
    if (sub === 'eval') {
      const { task: taskId, seed, workers, episodes, file, write, json } = parseEvalArgs(rest)
      const spec = file ? loadExpertFile(taskId, file)?.spec : expertFor(taskId)
      if (!spec) throw new UsageError(`no expert file at ${file}`)
      const started = Date.now()
      const r = await evaluateExpert(taskId, spec, episodes, seed, workers)
      if (write) {
        const path = file ?? expertPath(taskId)
        const f = loadExpertFile(taskId, path)
        if (f)
          saveExpertFile(
            {
              ...f,
              meanReturn: r.meanReturn,
              stdReturn: r.stdReturn,
              episodes,
              evalSeed: seed,
              updatedAt: new Date().toISOString(),
            },
            path,
          )
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
        // share of episodes whose last step reported success; null for tasks without a success condition
        successRate: r.successRate,
        seconds: (Date.now() - started) / 1000,
      }
      if (json) io.out(JSON.stringify(result))
      else
        io.out(
          `${taskId}: mean return ${r.meanReturn.toFixed(1)} ± ${r.stdReturn.toFixed(1)}` +
            (r.successRate === null ? '' : `, success ${(100 * r.successRate).toFixed(0)} %`) +
            ` over ${episodes} episodes (seed ${seed})`,
        )
      return 0
    }
    const got = sub === undefined || sub.startsWith('-') ? '' : `, got '${sub}'`
    throw new UsageError(`expected 'train' or 'eval'${got}`)
  },
}
