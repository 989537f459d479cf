// The IPC channel names, one list shared by the Electron main process (src/main/electron/ipc.ts) and the
// preload (src/preload/index.ts). Each contract method has its own invoke channel; events share one channel.
import { methods, type MethodName } from './contract'

export const CALL_PREFIX = 'iwb:call:'
export const EVENT_CHANNEL = 'iwb:event'

export function callChannel(method: MethodName): string {
  return CALL_PREFIX + method
}

/** Every invoke channel, in contract order. */
export const callChannels: readonly string[] = (Object.keys(methods) as MethodName[]).map(callChannel)

/** What an invoke handler resolves to: errors travel as data so the page gets the contract's code and message. */
export type IpcReply = { ok: true; result: unknown } | { ok: false; error: { code: string; message: string } }
