// Slow display frames for a page: requestAnimationFrame fires `fps` times a second, as when software WebGL
// takes hundreds of milliseconds per frame while the page's main thread is otherwise free. Every frame's time
// is kept in window.__frameTimes, so a test can check that no frame fell inside an interval, and the time the
// next one is due in window.__nextFrameAt.
import type { Page } from 'playwright-core'

function install(fps: number): void {
  const times: number[] = []
  const w = window as unknown as { __frameTimes: number[]; __nextFrameAt: number }
  w.__frameTimes = times
  w.__nextFrameAt = Infinity
  const callbacks = new Map<number, FrameRequestCallback>()
  let nextId = 1
  let timer: ReturnType<typeof setTimeout> | null = null
  const flush = (): void => {
    timer = null
    w.__nextFrameAt = Infinity
    const now = performance.now()
    times.push(now)
    const due = [...callbacks.values()]
    callbacks.clear()
    for (const cb of due) cb(now)
  }
  window.requestAnimationFrame = (cb: FrameRequestCallback): number => {
    const id = nextId++
    callbacks.set(id, cb)
    if (timer === null) {
      timer = setTimeout(flush, 1000 / fps)
      w.__nextFrameAt = performance.now() + 1000 / fps
    }
    return id
  }
  window.cancelAnimationFrame = (id: number): void => {
    callbacks.delete(id)
  }
}

export async function slowAnimationFrames(page: Page, fps: number): Promise<void> {
  await page.addInitScript(install, fps)
}

/** The frames the page ran between two times of its clock. */
export function framesBetween(page: Page, from: number, to: number): Promise<number> {
  return page.evaluate(
    ([a, b]) => (window as unknown as { __frameTimes: number[] }).__frameTimes.filter((t) => t >= a && t <= b).length,
    [from, to] as const,
  )
}
