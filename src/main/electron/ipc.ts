// IPC registration: one invoke handler per contract method, each going through dispatch. A handler answers only
// frames of windows we created (not a subframe, not some other webContents), so nothing else can reach the API.
import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron'
import { ContractError, methods, parseEvent, type MethodName } from '../../shared/contract'
import { EVENT_CHANNEL, callChannel, type IpcReply } from '../../shared/ipc'
import { dispatch, toWireError } from '../api/dispatch'
import type { EventHub } from '../api/events'
import { createCloseHooks } from '../api/close-hooks'
import type { ClientContext, ServiceHandlers } from '../api/service-types'

/** The windows the app created, by webContents id; ipc handlers consult it for every call. */
export interface TrustedWindows {
  /** the client of a trusted webContents, or undefined */
  clientFor(contents: WebContents): ClientContext | undefined
}

export interface IpcRegistration extends TrustedWindows {
  /** make a window's webContents a client: events reach it, its calls are answered */
  addWindow(contents: WebContents): ClientContext
  /** remove every handler (tests, app shutdown) */
  dispose(): void
}

type IpcMainLike = Pick<IpcMain, 'handle' | 'removeHandler'>

export function registerIpc(ipcMain: IpcMainLike, handlers: ServiceHandlers, hub?: EventHub): IpcRegistration {
  const clients = new Map<number, { contents: WebContents; client: ClientContext }>()

  const clientFor = (contents: WebContents): ClientContext | undefined => clients.get(contents.id)?.client

  const senderClient = (event: IpcMainInvokeEvent): ClientContext => {
    const entry = clients.get(event.sender.id)
    // Only the main frame of one of our windows: a subframe (should one ever load) gets nothing, nor a frame that
    // has since navigated or gone (Electron then reports senderFrame as null).
    const frame = event.senderFrame
    if (!entry || entry.contents !== event.sender || !frame || frame !== event.sender.mainFrame) {
      throw new ContractError('IPC from a frame that is not a workbench window', 'unauthorized')
    }
    return entry.client
  }

  const names = Object.keys(methods) as MethodName[]
  for (const method of names) {
    ipcMain.handle(callChannel(method), async (event, input: unknown): Promise<IpcReply> => {
      try {
        const client = senderClient(event)
        return { ok: true, result: await dispatch(handlers, method, input, client) }
      } catch (err) {
        return { ok: false, error: toWireError(err) }
      }
    })
  }

  return {
    clientFor,
    addWindow(contents) {
      const closeHooks = createCloseHooks()
      const client: ClientContext = {
        id: `window-${contents.id}`,
        emit(event, payload) {
          if (contents.isDestroyed()) return
          contents.send(EVENT_CHANNEL, event, parseEvent(event, payload))
        },
        onClose: (fn) => closeHooks.add(fn),
      }
      const unsubscribe = hub?.subscribe((event, payload) => client.emit(event, payload as never))
      clients.set(contents.id, { contents, client })
      contents.once('destroyed', () => {
        clients.delete(contents.id)
        unsubscribe?.()
        closeHooks.run()
      })
      return client
    },
    dispose() {
      for (const method of names) ipcMain.removeHandler(callChannel(method))
    },
  }
}
