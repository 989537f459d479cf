// A client's close hooks, shared by every transport. A hook registered after the client closed runs at once:
// a call that was in flight when the socket or window went away must still be able to clean up after itself.

export interface CloseHooks {
  readonly closed: boolean
  add(fn: () => void): void
  /** run every hook once (errors are swallowed: one service's cleanup must not stop the others) */
  run(): void
}

export function createCloseHooks(): CloseHooks {
  const hooks: (() => void)[] = []
  let closed = false
  const runOne = (fn: () => void): void => {
    try {
      fn()
    } catch {
      // cleanup of one service must not stop the others, nor take the server down
    }
  }
  return {
    get closed() {
      return closed
    },
    add(fn) {
      if (closed) runOne(fn)
      else hooks.push(fn)
    },
    run() {
      if (closed) return
      closed = true
      for (const fn of hooks.splice(0)) runOne(fn)
    },
  }
}
