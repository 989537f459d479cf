// A CommandIO that keeps what a command prints, for the CLI tests.
import type { CommandIO } from '../../../src/main/cli/command'

export function capture(): CommandIO & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = []
  const stderr: string[] = []
  return { stdout, stderr, out: (l) => stdout.push(l), err: (l) => stderr.push(l), tty: false }
}
