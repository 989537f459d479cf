// The flags that describe a session's configuration, shared by `iwb run` and `iwb compare`: parsed by
// node:util parseArgs, their values checked by the one SessionConfig schema (src/shared/session-config.ts), so the
// CLI accepts exactly what the page and the store accept, with the same defaults.
import { parseArgs, type ParseArgsConfig } from 'node:util'
import { SessionConfig, type SessionConfigInput } from '../../shared/session-config'
import { taskInfo } from '../sim/registry'
import { UsageError } from './command'

export const SESSION_FLAGS = {
  task: { type: 'string' },
  budget: { type: 'string' },
  'cost-ratio': { type: 'string' },
  schedule: { type: 'string' },
  loss: { type: 'string' },
  epochs: { type: 'string' },
  'eval-every': { type: 'string' },
  'eval-episodes': { type: 'string' },
  db: { type: 'string' },
  json: { type: 'boolean' },
} as const satisfies ParseArgsConfig['options']

/** The config field each flag sets (for messages that name the flag). */
const FLAG_OF: Record<string, string> = {
  taskId: '--task',
  algo: '--algo',
  warmFraction: '--algo',
  budget: '--budget',
  seed: '--seed',
  costRatio: '--cost-ratio',
  schedule: '--schedule',
  loss: '--loss',
  epochs: '--epochs',
  evalEvery: '--eval-every',
  evalEpisodes: '--eval-episodes',
}

/** parseArgs with the command's usage in the error for unknown flags and stray words. */
export function parseFlags<O extends NonNullable<ParseArgsConfig['options']>>(argv: string[], options: O, usage: string) {
  try {
    return parseArgs({ args: argv, options, strict: true, allowPositionals: false }).values
  } catch (e) {
    throw new UsageError(`${(e as Error).message.split('\n')[0]}\n${usage}`)
  }
}

/** A number flag's text as a number ('' and words are refused here; ranges are the schema's). */
export function numberFlag(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined
  const n = Number(text)
  if (text.trim() === '' || !Number.isFinite(n)) throw new UsageError(`${flag} needs a number, got '${text.slice(0, 40)}'`)
  return n
}

/** The session-config part of the flags (everything but algo and seed, which each command sets). */
export function configInput(values: Partial<Record<keyof typeof SESSION_FLAGS, string | boolean | undefined>>): Omit<SessionConfigInput, 'algo'> {
  const str = (k: keyof typeof SESSION_FLAGS): string | undefined => values[k] as string | undefined
  const task = str('task')
  if (!task) throw new UsageError('--task is required')
  try {
    taskInfo(task)
  } catch (e) {
    throw new UsageError((e as Error).message)
  }
  return {
    taskId: task,
    budget: numberFlag('--budget', str('budget')),
    costRatio: numberFlag('--cost-ratio', str('cost-ratio')),
    schedule: str('schedule') as SessionConfigInput['schedule'],
    loss: str('loss') as SessionConfigInput['loss'],
    epochs: numberFlag('--epochs', str('epochs')),
    evalEvery: numberFlag('--eval-every', str('eval-every')),
    evalEpisodes: numberFlag('--eval-episodes', str('eval-episodes')),
  }
}

/** The full config, or a one-line UsageError naming the flag and what it takes. */
export function configOf(input: SessionConfigInput): SessionConfig {
  const clean = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)) as SessionConfigInput
  const r = SessionConfig.safeParse(clean)
  if (r.success) return r.data
  const issue = r.error.issues[0]
  const field = String(issue.path[0] ?? '')
  throw new UsageError(`${FLAG_OF[field] ?? field}: ${issue.message}`)
}
