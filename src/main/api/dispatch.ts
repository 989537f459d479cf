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
 * to ECHO_CHARS, the whole at most ERROR_MESSAGE_CHARS, never a stack trace. It never throws: a transport calls it
 * from its last catch, so a failure here would end the process (issue #27: a 5.5 MB task id did).
 */
export function toWireError(err: unknown, options: WireErrorOptions = {}): WireError {
  let code: WireError['code'] = 'failed'
  try {
    if (err instanceof ContractError) code = err.code
    return { code, message: shapeMessage(messageOf(err), options) }
  } catch {
    return { code, message: UNSHOWN_MESSAGE }
  }
}

/** What a caller hears when even shaping the error failed: generic, so nothing of the bad input can break it. */
export const UNSHOWN_MESSAGE = 'the call failed, and its error message could not be shown'

/**
 * How much of a message the regular expressions below see. More is never shown, and one of them over a 5.5 MB
 * run overflowed the stack; a few KB leaves room for the newline folding and path hiding to shorten it.
 */
export const SCAN_CHARS = 8 * 1024

/** One line, paths hidden on request, long runs clipped; only the first SCAN_CHARS of `raw` are scanned. */
function shapeMessage(raw: string, options: WireErrorOptions): string {
  const dropped = Math.max(0, raw.length - SCAN_CHARS)
  let message = raw.slice(0, SCAN_CHARS).replace(/\s*[\r\n]+\s*/g, ' ')
  if (options.hidePaths) message = hidePaths(message)
  const clipped = clipRuns(message, dropped)
  return clipText(clipped.text, ERROR_MESSAGE_CHARS, clipped.counted ? 0 : dropped)
}

/**
 * Every run longer than an echo cut to ECHO_CHARS. A run that reaches the cut at SCAN_CHARS also counts the
 * `dropped` characters beyond it, so the reader gets one honest count (`counted` says it was given).
 */
function clipRuns(text: string, dropped: number): { text: string; counted: boolean } {
  let counted = false
  const out = text.replace(LONG_RUN, (run: string, offset: number) => {
    const atCut = dropped > 0 && offset + run.length === text.length
    if (atCut) counted = true
    return clipText(run, ECHO_CHARS, atCut ? dropped : 0)
  })
  return { text: out, counted }
}

/** A run of text without spaces longer than an echo may be: a pasted blob, a 5 MB task id. */
const LONG_RUN = new RegExp(`\\S{${ECHO_CHARS + 1},}`, 'g')

/** `text` cut to `max` characters, saying how much was left out (with `beyond` characters already cut before). */
export function clipText(text: string, max: number, beyond = 0): string {
  if (text.length <= max && beyond === 0) return text
  return `${text.slice(0, max)}… (${Math.max(0, text.length - max) + beyond} more characters)`
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
