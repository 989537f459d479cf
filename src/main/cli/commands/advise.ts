// `iwb advise --task T --cost-ratio C [--db FILE] [--json]`: which of BC, STAGGER and WARM-STAGGER is expected to
// reach the target return (80% of the way from the untrained learner to the expert) at the least annotation cost
// at cost ratio C, from expert-oracle curves at C/2, C and 2C. Curves missing from the workspace are run first,
// through the one session host (planSession / runSweep), with small budgets so it takes minutes on two cores;
// finished ones are reused, so a second call only reads. Writes the curves behind the advice as SVG and PNG.
import { writeFileSync } from 'node:fs'
import { z } from 'zod'
import {
  ADVICE_RUN_DEFAULTS as D,
  ADVICE_RUN_LIMITS as L,
  personCostRatio,
  type AdviceOracle,
} from '../../../shared/advice'
import { SESSION_LIMITS } from '../../../shared/session-config'
import { expertFor } from '../../experts/registry'
import { adviceSvg, advise, evaluationSettings, storedAdviceRuns } from '../../learn/advice'
import { expertReturn, poolEvaluator } from '../../learn/evaluation'
import { svgToPng } from '../../learn/report/png'
import { adviceSessionConfigs } from '../../session/advice-plan'
import { RolloutPool } from '../../sim/rollout-pool'
import { ensureDefaultWorkspaceFile, openWorkspace } from '../../store'
import { flag, parseCommandArgs } from '../args'
import { UsageError, type Command } from '../command'
import { runConfigs } from '../run-configs'
import { oracleFromFlag } from '../person-flag'
import { parsePersonText, type PersonText } from '../../../shared/person-model'

function parseAdviseArgs(argv: string[]) {
  return parseCommandArgs(argv, {
    options: {
      task: { type: 'string' },
      'cost-ratio': { type: 'string' },
      db: { type: 'string' },
      budget: { type: 'string' },
      seeds: { type: 'string' },
      'eval-every': { type: 'string' },
      'eval-episodes': { type: 'string' },
      parallel: { type: 'string' },
      out: { type: 'string' },
      'no-run': { type: 'boolean' },
      person: { type: 'string' },
      json: { type: 'boolean' },
    },
    schema: z.object({
      task: flag.task(),
      // The hook for the measured C (`iwb cost`): until it is read from the workspace, it is given here.
      'cost-ratio': flag.number(SESSION_LIMITS.costRatio.min, SESSION_LIMITS.costRatio.max).optional(),
      db: flag.text().optional(),
      budget: flag.int(L.budget.min, L.budget.max).default(D.budget),
      seeds: flag.int(L.seeds.min, L.seeds.max).default(D.seeds),
      'eval-every': flag.int(L.evalEvery.min, L.evalEvery.max).default(D.evalEvery),
      'eval-episodes': flag.int(L.evalEpisodes.min, L.evalEpisodes.max).default(D.evalEpisodes),
      parallel: flag.int(1, 16).default(2),
      out: flag.text().optional(),
      'no-run': z.boolean().default(false),
      /** a simulated person (a model file or its parameters): its sessions behind the advice, its C by default */
      person: flag.text().optional(),
      json: z.boolean().default(false),
    }),
  }).values
}

/** --person FILE|person:...: the simulated person whose sessions the advice reads (its C: shared/advice.ts). */
function personOracle(text: string): PersonText {
  const oracle = oracleFromFlag(text.startsWith('person:') ? text : `person:${text}`)
  if (oracle === 'expert') throw new UsageError('--person takes a model file or person:...')
  return oracle
}

export const command: Command = {
  name: 'advise',
  summary: 'say which of BC, STAGGER and WARM-STAGGER reaches 80% of the expert at the least cost at a cost ratio C',
  usage:
    'iwb advise --task T --cost-ratio C [--db FILE] [--budget N] [--seeds K] [--eval-every K] [--eval-episodes E]\n' +
    '           [--parallel P] [--out FILE.svg] [--no-run] [--person FILE|person:...] [--json]\n' +
    '  --person: a simulated person (iwb person --json, or its parameters) answers the sessions behind the advice;\n' +
    '  C defaults to its seconds per query over its seconds per demonstrated state.\n' +
    '  reads expert-oracle curves of bc, stagger and warm-stagger:0.5 at C/2, C and 2C from --db (default: the\n' +
    "  page's workspace) and runs the missing ones first (defaults: budget 60, 2 seeds, eval every 10 over 5\n" +
    '  episodes: a few minutes on two cores for the operator tasks); --no-run only reads. --out writes the curves\n' +
    "  behind the advice (SVG, and a PNG next to it). C is the person's measured cost ratio (a query's time over\n" +
    "  an offline label's).",
  async run(argv, io) {
    const v = parseAdviseArgs(argv)
    const you = v.person === undefined ? null : personOracle(v.person)
    const c = v['cost-ratio'] ?? (you ? personCostRatio(parsePersonText(you)) : undefined)
    if (c === undefined)
      throw new UsageError(
        "--cost-ratio is required (the measured ratio of a query's time to an offline label's), or --person FILE",
      )
    const oracle: AdviceOracle = you ?? 'expert'
    const file = v.db ?? ensureDefaultWorkspaceFile()
    if (!v.db) io.err(`workspace ${file} (the page's default; --db FILE for another)`)
    const started = Date.now()
    const ws = openWorkspace(file)
    try {
      let ran = 0
      if (!v['no-run']) {
        const request = {
          taskId: v.task,
          costRatio: c,
          oracle,
          budget: v.budget,
          seeds: v.seeds,
          evalEvery: v['eval-every'],
          evalEpisodes: v['eval-episodes'],
        }
        const { configs } = adviceSessionConfigs(request)
        const runs = await runConfigs(ws, configs, io, {
          owner: 'iwb advise',
          label: `advise ${v.task}`,
          parallel: v.parallel,
        })
        ran = configs.length - runs.reused
        if (runs.failed.length || runs.paused.length)
          io.err('iwb advise: not every session finished; the advice below reads what is stored')
      }
      const runs = storedAdviceRuns(ws, v.task, oracle)
      if (runs.length === 0)
        throw new UsageError(
          `no finished ${you ? "simulated person's" : 'expert'} sessions of ${v.task} in ${file} (run without --no-run)`,
        )
      // The expert on the evaluation episodes of the sessions the advice reads, each seed once.
      const pool = await RolloutPool.create(v.task)
      const expert = await expertReturn(expertFor(v.task), evaluationSettings(runs), poolEvaluator(pool)).finally(() =>
        pool.close(),
      )
      const advice = advise(runs, expert.mean, c, { oracle })
      const files: string[] = []
      if (v.out) {
        const svg = adviceSvg(runs, advice, `${v.task}: advice at C = ${c}`)
        writeFileSync(v.out, svg)
        const png = v.out.replace(/\.svg$/i, '') + '.png'
        writeFileSync(png, svgToPng(svg))
        files.push(v.out, png)
      }
      if (!v.json) {
        for (const line of advice.explanation) io.out(line)
        if (files.length) io.out(`curves: ${files.join(', ')}`)
      }
      io.out(
        JSON.stringify({
          task: v.task,
          costRatio: c,
          oracle,
          choice: advice.choice,
          target: advice.target,
          expertReturn: advice.expertReturn,
          startReturn: advice.startReturn,
          breakEven: advice.breakEven,
          options: advice.options,
          around: advice.around,
          sessions: runs.length,
          ran,
          files,
          seconds: (Date.now() - started) / 1000,
          workspace: file,
        }),
      )
      return 0
    } finally {
      ws.close()
    }
  },
}
