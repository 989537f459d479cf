// Tests wait for a condition, never for a fixed time: waitFor polls `cond` until it gives a truthy value (which it
// returns), and fails with `message` when `timeoutMs` passes first. `cond` may be async (a page query, an API call).

export interface WaitForOptions {
  /** give up after this long (default 10 s) */
  timeoutMs?: number
  /** pause between polls (default 20 ms) */
  intervalMs?: number
  /** what the error says was awaited */
  message?: string
}

export async function waitFor<T>(cond: () => T | Promise<T>, options: WaitForOptions = {}): Promise<NonNullable<T>> {
  const { timeoutMs = 10_000, intervalMs = 20, message = 'a condition' } = options
  const end = Date.now() + timeoutMs
  for (;;) {
    const value = await cond()
    if (value) return value as NonNullable<T>
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${message}`)
    await new Promise((resolve) => setTimeout(resolve, intervalMs))
  }
}
