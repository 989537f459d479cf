// The preload exposes exactly one thing to the page: window.iwb = { call, on }, the typed API. No ipcRenderer,
// no Node: unknown methods and events are refused here, before anything crosses IPC.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron'
import { events, isMethod } from '../shared/contract'
import { EVENT_CHANNEL, callChannel, type IpcReply } from '../shared/ipc'

function isEvent(name: unknown): name is keyof typeof events {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(events, name)
}

export const bridge = {
  async call(method: unknown, input: unknown): Promise<unknown> {
    if (!isMethod(method)) throw new Error(`[unknown-method] unknown method '${String(method).slice(0, 100)}'`)
    const reply = (await ipcRenderer.invoke(callChannel(method), input)) as IpcReply
    // contextBridge keeps only an Error's message, so the contract's code travels in front of it.
    if (!reply.ok) throw new Error(`[${reply.error.code}] ${reply.error.message}`)
    return reply.result
  },
  on(event: unknown, handler: unknown): () => void {
    if (!isEvent(event)) throw new Error(`unknown event '${String(event).slice(0, 100)}'`)
    if (typeof handler !== 'function') throw new Error('on(event, handler): handler must be a function')
    const listener = (_e: IpcRendererEvent, name: string, payload: unknown): void => {
      if (name === event) (handler as (p: unknown) => void)(payload)
    }
    ipcRenderer.on(EVENT_CHANNEL, listener)
    return () => {
      ipcRenderer.removeListener(EVENT_CHANNEL, listener)
    }
  },
}

contextBridge.exposeInMainWorld('iwb', bridge)
