// `iwb person --db FILE --task T [--operator O] [--oracle human|person:...] [--json]`: a person model fitted to
// what the workspace holds of one person on one task (learn/person-fit.ts): their action error against the expert,
// their seconds per query, demonstrated state, takeover second and context switch, their skip rate. The JSON is a
// file `--oracle person:FILE` reads back, so their simulated double answers the next sessions.
import { z } from 'zod'
import { personText } from '../../../shared/person-model'
import type { PersonFit } from '../../learn/person-fit'
import { taskInfo } from '../../sim/registry'
import { openWorkspace } from '../../store'
import { flag, parseCommandArgs } from '../args'
import type { Command } from '../command'
import { oracleFromFlag } from '../person-flag'
import { describeOperators, fitOperator, operatorRows } from '../person-operators'

const fmt = (v: number | null | undefined, d = 2): string => (v == null ? '–' : v.toFixed(d))
const list = (v: number[] | null): string => (v ? v.map((x) => x.toFixed(3)).join(' ') : '–')

export function describePerson(fit: PersonFit): string[] {
  const m = fit.measured
  const q = m.secondsPerQuery
  return [
    `action error against the expert over ${m.actionLabels} labels (fraction of the range per dimension): bias ${list(m.bias)}, spread ${list(m.spread)}` +
      (m.spreadGrowth === null ? '' : `; the error grows ${fmt(m.spreadGrowth, 4)} per second looked`),
    `queries: ${m.queries} answered, ${m.skipped} skipped (skip rate ${fmt(m.skipRate)}); ` +
      (q
        ? `${fmt(q.median)} s per query (median, 80% band ${fmt(q.lo)} to ${fmt(q.hi)}; log spread ${fmt(q.spread)})`
        : 'no timed answers'),
    `${fmt(m.secondsPerDemoState, 3)} s per demonstrated state; ${fmt(m.secondsPerTakeoverSecond)} s per takeover second (${m.takeoverStates} states)`,
    `context switches: ${m.contextSwitches}, ${fmt(m.secondsPerContextSwitch)} s each; takeover reaction delay: ` +
      (m.reactionDelaySteps
        ? `${fmt(m.reactionDelaySteps.median, 1)} steps (median; mean ${fmt(m.reactionDelaySteps.mean, 1)} over ${m.reactionDelaySteps.takeovers} takeovers)`
        : 'not measured (no takeover whose lead-up shows the error begin)'),
    `model: ${personText(fit.model)}`,
  ]
}

export const command: Command = {
  name: 'person',
  summary: "fit a model of a person's labels (error against the expert, seconds, skips) for simulated people",
  usage:
    'iwb person --db FILE --task T [--operator O] [--oracle human|person:...] [--json]\n' +
    "  fits the person's labels that carry the expert's action (answers, takeovers, demonstrations used by a\n" +
    '  session): bias and spread per action dimension, seconds per query (lognormal, 80% band of the median), per\n' +
    '  demonstrated state, per takeover second and per context switch, the skip rate, the takeover reaction delay\n' +
    "  (steps from the learner's first large error to the takeover). --oracle picks whose sessions:\n" +
    '  human (default, a person in the page) or a simulated person. Without --operator, a figure per operator\n' +
    '  follows (answers, seconds, and their own fit; --json: operators). The --json output is a model file for\n' +
    '  --oracle person:FILE (docs/PERSON.md).',
  async run(argv, io) {
    const { values: v } = parseCommandArgs(argv, {
      options: {
        db: { type: 'string' },
        task: { type: 'string' },
        operator: { type: 'string' },
        oracle: { type: 'string' },
        json: { type: 'boolean' },
      },
      schema: z.object({
        db: flag.text(),
        task: flag.task(),
        operator: flag.operator().optional(),
        oracle: flag.text().default('human'),
        json: z.boolean().default(false),
      }),
    })
    const oracle = v.oracle === 'human' ? 'human' : oracleFromFlag(v.oracle)
    const task = taskInfo(v.task)
    const ws = openWorkspace(v.db, { readonly: true })
    try {
      const fit = fitOperator(ws, task, oracle, v.operator ?? null)
      // everyone's fit comes with a figure per operator (several people answering one session's prompts)
      const operators = v.operator ? null : operatorRows(ws, task, oracle)
      if (v.json)
        io.out(
          JSON.stringify({
            task: task.id,
            operator: v.operator ?? null,
            oracle,
            ...fit,
            ...(operators && { operators }),
          }),
        )
      else for (const line of [...describePerson(fit), ...describeOperators(operators ?? [])]) io.out(line)
      return 0
    } finally {
      ws.close()
    }
  },
}
