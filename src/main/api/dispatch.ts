// The one place a call crosses the contract: every transport (IPC, WebSocket, in-process) goes through dispatch,
// so method names, inputs and outputs are validated the same way everywhere.
import { ContractError, isMethod, parseInput, parseOutput, type MethodName } from '../../shared/contract'
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
    const shown = typeof method === 'string' ? `'${method.slice(0, 100)}'` : `of type ${typeOf(method)}`
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

/** Turn anything thrown into the error a transport sends to the page. */
export function toWireError(err: unknown): WireError {
  if (err instanceof ContractError) return { code: err.code, message: err.message }
  return { code: 'failed', message: messageOf(err) }
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
