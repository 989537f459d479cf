// The CLI progress bar: the time left comes from this run's own rate, not from work stored before it.
import { Writable } from 'node:stream'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { progressBar } from '../../../src/main/cli/progress'

function sink(): { stream: Writable; lines: string[] } {
  const lines: string[] = []
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(...String(chunk).split('\n').filter(Boolean))
      done()
    },
  })
  return { stream, lines }
}

describe('progressBar', () => {
  afterEach(() => vi.useRealTimers())

  it('estimates the time left from the work done in this run, with stored work counted as done', () => {
    vi.useFakeTimers({ toFake: ['Date'] })
    const { stream, lines } = sink()
    // 60 of 100 stored before this run; 10 more take 10 s, so the last 30 take 30 s
    const bar = progressBar('study', 100, { from: 60, stream })
    bar.update(60)
    expect(lines.at(-1)).toMatch(/ 60% 60\/100 0s eta \?s/)
    vi.advanceTimersByTime(10_000)
    bar.update(70)
    expect(lines.at(-1)).toMatch(/ 70% 70\/100 10s eta 30s/)
  })

  it('without stored work, estimates from all of it', () => {
    vi.useFakeTimers({ toFake: ['Date'] })
    const { stream, lines } = sink()
    const bar = progressBar('run', 200, { stream })
    vi.advanceTimersByTime(5_000)
    bar.update(50)
    expect(lines.at(-1)).toMatch(/ 25% 50\/200 5s eta 15s/)
    bar.finish('done')
    expect(lines.at(-1)).toMatch(/100% 200\/200 5s eta 0s done$/)
  })
})
