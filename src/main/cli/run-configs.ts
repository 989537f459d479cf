// The CLI's one way to run many sessions (`iwb compare`, `iwb study`): a plan per configuration (finished ones
// reused when the whole configuration matches, unfinished ones resumed), runSweep a few at a time, a progress bar
// in annotation cost, Ctrl-C pausing at the end of the rounds.
import type { QueuedState } from '../../shared/queue'
import { algoLabel, type SessionConfig } from '../../shared/session-config'
import { sum } from '../../shared/stats'
import type { HostOutcome } from '../session/host'
import { planSession, runSweep, type SessionPlan } from '../session/sweep'
import type { Workspace } from '../store'
import type { CommandIO } from './command'
import { progressBar, stateCounts } from './progress'

export interface RunConfigsOptions {
  owner: string
  /** the progress bar's label */
  label: string
  parallel: number
  /** a redis:// URL checked by queueUrl: the sessions go to `iwb worker` processes through the study queue */
  queue?: string
  /** no new work: report the stored sessions as they are (finished or not); configurations never stored drop out */
  reportOnly?: boolean
}

export interface ConfigRuns {
  /** one per configuration that has a session (all of them unless reportOnly), in the order given */
  plans: SessionPlan[]
  outcomes: HostOutcome[]
  reused: number
  /** sessions that failed (an error, or stored 'failed') */
  failed: { plan: SessionPlan; outcome: HostOutcome }[]
  /** sessions that stopped unfinished without an error (paused by Ctrl-C or a closing host): the same command resumes them */
  paused: { plan: SessionPlan; outcome: HostOutcome }[]
}

export async function runConfigs(
  ws: Workspace,
  configs: readonly SessionConfig[],
  io: CommandIO,
  opts: RunConfigsOptions,
): Promise<ConfigRuns> {
  const reportOnly = opts.reportOnly ?? false
  const plans = configs
    .map((c) => planSession(ws, c, { create: !reportOnly }))
    .filter((p): p is SessionPlan => p !== null)
  if (reportOnly) plans.forEach((p) => (p.kind = 'finished'))
  const reused = plans.filter((p) => p.kind === 'finished').length
  if (reused) io.err(`reusing ${reused} finished session(s) stored with the same configuration`)
  // what is stored already counts as spent, so the time left is estimated from this run's own work
  const spent = plans.map((p) =>
    p.kind === 'finished' ? p.config.budget : p.kind === 'resume' ? ws.sessionInfo(p.sessionId).cost : 0,
  )
  const bar = progressBar(opts.label, sum(plans.map((p) => p.config.budget)), { from: sum(spent) })
  // queued, running, done and failed on the bar when the sessions go through the queue
  const states: (QueuedState | undefined)[] = plans.map((p) => (p.kind === 'finished' ? 'done' : undefined))
  let last = ''
  const show = (message: string): void => {
    last = message
    bar.update(sum(spent), opts.queue ? `${stateCounts(states)} | ${message}` : message)
  }
  const ac = new AbortController()
  const onSignal = (): void => {
    io.err('pausing the running sessions at the end of their rounds (resume with the same command)')
    ac.abort()
  }
  process.once('SIGINT', onSignal)
  const outcomes = await runSweep(ws, plans, {
    owner: opts.owner,
    parallel: opts.parallel,
    queue: opts.queue,
    signal: ac.signal,
    onProgress: (i, p) => {
      spent[i] = p.cost
      show(
        `${algoLabel(plans[i].config)} C=${plans[i].config.costRatio} s${plans[i].config.seed}: ${p.lastReturn === null ? '' : p.lastReturn.toFixed(0)}`,
      )
    },
    onState: (i, state) => {
      states[i] = state
      show(last)
    },
    onDone: (i, o) => {
      spent[i] = plans[i].config.budget
      if (o.error) io.err(`${algoLabel(plans[i].config)} seed ${plans[i].config.seed}: ${o.error}`)
    },
  }).finally(() => process.off('SIGINT', onSignal))
  bar.finish(opts.queue ? stateCounts(states) : undefined)
  const ended = outcomes.map((outcome, i) => ({ outcome, plan: plans[i] }))
  const failed = ended.filter(({ outcome }) => outcome.error || outcome.status === 'failed')
  const paused = reportOnly
    ? []
    : ended.filter(({ outcome }) => !outcome.error && !['finished', 'failed'].includes(outcome.status))
  return { plans, outcomes, reused, failed, paused }
}
