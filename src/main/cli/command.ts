// One CLI command: `iwb <name> ...`. Modules export a Command; src/main/cli/main.ts lists them.
export interface CommandIO {
  out: (line: string) => void
  err: (line: string) => void
  /** true when stderr is a terminal: draw progress bars there */
  tty: boolean
}

export interface Command {
  name: string
  summary: string
  usage: string
  /** `iwb <name> <sub> ...` commands (bench sim, bench store): their usage is shown for --help and usage errors */
  subcommands?: Readonly<Record<string, Command>>
  /** argv after the command name (flags: parseCommandArgs in ./args); resolves to the exit code */
  run(argv: string[], io: CommandIO): Promise<number>
}

export class UsageError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'UsageError'
  }
}
