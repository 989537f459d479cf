// The one place a call crosses the contract: every transport (IPC, WebSocket, in-process) goes through dispatch,
// so method names, inputs and outputs are validated the same way everywhere.
import { ContractError, isMethod, parseInput, parseOutput, type MethodName } from '../../shared/contract'
import { ECHO_CHARS, ERROR_MESSAGE_CHARS } from '../../shared/limits'
import type { ClientContext, ServiceHandlers } from './service-types'

/** What a transport sends back when a call fails. */
export interface WireError {
  code: ContractError['code']
  message: string
}

/**
 * Validate `method` and `rawInput`, run the handler, validate its output. Every failure becomes a ContractError:
 * unknown-method, invalid-input, invalid-output, or failed (the handler threw, or the method has no service yet).
 */
export async function dispatch(
  handlers: ServiceHandlers,
  method: unknown,
  rawInput: unknown,
  client: ClientContext,
): Promise<unknown> {
  if (!isMethod(method)) {
    const shown = typeof method === 'string' ? `'${clipText(method, 100)}'` : `of type ${typeOf(method)}`
    throw new ContractError(`unknown method ${shown}`, 'unknown-method')
  }
  const input = parseInput(method, rawInput)
  const handler = handlers[method] as ((input: unknown, client: ClientContext) => unknown) | undefined
  if (typeof handler !== 'function') {
    throw new ContractError(`${method} is not available in this workbench (no service provides it)`, 'failed')
  }
  let output: unknown
  try {
    output = await handler(input, client)
  } catch (err) {
    if (err instanceof ContractError) throw err
    throw new ContractError(`${method} failed: ${messageOf(err)}`, 'failed')
  }
  return parseOutput(method as MethodName, output)
}

export interface WireErrorOptions {
  /** the caller is a remote client (token mode): server paths are reduced to their file names */
  hidePaths?: boolean
}

/**
 * Turn anything thrown into the error a transport sends to the page: one line, every echoed piece of input cut
 * to ECHO_CHARS, the whole at most ERROR_MESSAGE_CHARS, never a stack trace.
 */
export function toWireError(err: unknown, options: WireErrorOptions = {}): WireError {
  const code = err instanceof ContractError ? err.code : 'failed'
  let message = messageOf(err).replace(/\s*[\r\n]+\s*/g, ' ')
  if (options.hidePaths) message = hidePaths(message)
  message = message.replace(LONG_RUN, (run) => clipText(run, ECHO_CHARS))
  return { code, message: clipText(message, ERROR_MESSAGE_CHARS) }
}

/** A run of text without spaces longer than an echo may be: a pasted blob, a 5 MB task id. */
const LONG_RUN = new RegExp(`\\S{${ECHO_CHARS + 1},}`, 'g')

/** `text` cut to `max` characters, saying how much was left out. */
export function clipText(text: string, max: number): string {
  if (text.length <= max) return text
  return `${text.slice(0, max)}… (${text.length - max} more characters)`
}

/**
 * Absolute paths (POSIX, Windows, file: URLs) reduced to their last part, so a remote operator learns which file
 * ("workspace.db") but not the server's folders or user name.
 */
export function hidePaths(message: string): string {
  return message
    .replace(/file:\/\/\/?[^\s'"`<>()]+/g, (url) => baseName(url))
    .replace(/(?<![\w.:/\\])(?:[A-Za-z]:)?[/\\](?:[^\s'"`<>(),;/\\]+[/\\])+[^\s'"`<>(),;/\\]*/g, (path) =>
      baseName(path),
    )
}

function baseName(path: string): string {
  const parts = path.split(/[/\\]/).filter((p) => p.length > 0)
  return parts.length ? `…/${parts[parts.length - 1]}` : '…'
}

export function messageOf(err: unknown): string {
  if (err instanceof Error) return err.message
  return String(err)
}

function typeOf(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'array'
  return typeof value
}
