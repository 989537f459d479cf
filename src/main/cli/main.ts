// `iwb`: the workbench's command line. Each command is a module exporting a Command; add one to the list below.
import { UsageError, type Command, type CommandIO } from './command'
import { serveCommand } from './commands/serve'
import { versionCommand } from './commands/version'
import { command as tasksCommand } from './commands/tasks'
import { command as expertCommand } from './commands/expert'
import { command as runCommand } from './commands/run'
import { command as compareCommand } from './commands/compare'
import { command as studyCommand } from './commands/study'
import { command as adviseCommand } from './commands/advise'
import { command as costCommand } from './commands/cost'
import { command as personCommand } from './commands/person'
import { command as dbCommand } from './commands/db'
import { command as exportCommand } from './commands/export'
import { command as importCommand } from './commands/import'
import { command as datasetCommand } from './commands/dataset'
import { command as policyCommand } from './commands/policy'
import { benchCommand } from './commands/bench'
import { command as workerCommand } from './commands/worker'
import { registerTasksForArgs } from './workspace-tasks'

/** Every command, in the order `iwb --help` lists them. One line per command module. */
export const commands: Command[] = [
  serveCommand,
  versionCommand,
  tasksCommand,
  expertCommand,
  runCommand,
  compareCommand,
  studyCommand,
  workerCommand,
  adviseCommand,
  costCommand,
  personCommand,
  dbCommand,
  exportCommand,
  importCommand,
  datasetCommand,
  policyCommand,
  benchCommand,
]

export function usage(list: readonly Command[] = commands): string {
  const width = Math.max(...list.map((c) => c.name.length))
  return [
    'Imitation Workbench: imitation learning with a person in the loop (BC, DAgger, STAGGER, WARM-STAGGER).',
    '',
    'usage: iwb <command> [options]',
    '',
    'commands:',
    ...list.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    "'iwb <command> --help' shows a command's options.",
  ].join('\n')
}

const quieted = new WeakSet<NodeJS.WriteStream>()

/**
 * A reader that went away (`iwb tasks | head -1`) ends the command quietly: its output has nowhere to go, and
 * an EPIPE stack trace says nothing useful. Exit 0, as `head` already has what it wanted.
 */
function endQuietlyWhenClosed(stream: NodeJS.WriteStream): void {
  if (quieted.has(stream)) return
  quieted.add(stream)
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0)
    throw err
  })
}

export function defaultIO(): CommandIO {
  endQuietlyWhenClosed(process.stdout)
  endQuietlyWhenClosed(process.stderr)
  return {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
    tty: Boolean(process.stderr.isTTY),
  }
}

/** Run the command line; resolves to the exit code (0 ok, 1 failed, 2 usage). */
export async function main(
  argv: string[],
  io: CommandIO = defaultIO(),
  list: readonly Command[] = commands,
): Promise<number> {
  const [name, ...rest] = argv
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    const target = name === 'help' ? list.find((c) => c.name === rest[0]) : undefined
    if (target) {
      io.out(target.usage)
      return 0
    }
    if (name === undefined) {
      io.err(usage(list))
      return 2
    }
    io.out(usage(list))
    return 0
  }
  const command = list.find((c) => c.name === name)
  if (!command) {
    io.err(`iwb: unknown command '${name}'`)
    io.err(usage(list))
    return 2
  }
  // A sub-command's own usage where there is one (iwb bench store --help); --help after '--' is an argument.
  const subs = command.subcommands
  const shown = subs && rest[0] !== undefined && Object.hasOwn(subs, rest[0]) ? subs[rest[0]] : command
  const label = shown === command ? name : `${name} ${rest[0]}`
  const options = rest.includes('--') ? rest.slice(0, rest.indexOf('--')) : rest
  if (options.includes('--help') || options.includes('-h')) {
    io.out(shown.usage)
    return 0
  }
  try {
    await registerTasksForArgs(options)
    return await command.run(rest, io)
  } catch (err) {
    if (err instanceof UsageError) {
      io.err(`iwb ${label}: ${err.message}`)
      io.err(`usage: ${shown.usage}`)
      return 2
    }
    io.err(`iwb ${label}: ${err instanceof Error ? err.message : String(err)}`)
    return 1
  }
}
