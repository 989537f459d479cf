// `iwb bench frames`: states drawn per second through the export's own path (two Chromiums by default), its
// figures computed from the run; an odd side is refused in one line (and the usage).
import { describe, expect, it } from 'vitest'
import { main } from '../../../src/main/cli/main'
import { capture } from '../cli/capture'

describe('iwb bench frames', () => {
  it('draws every frame asked for and reports the rate and the CPU a frame', async () => {
    const io = capture()
    expect(await main(['bench', 'frames', '--frames', '40', '--side', '32', '--json'], io)).toBe(0)
    const r = JSON.parse(io.stdout.at(-1)!)
    expect(r).toMatchObject({ taskId: 'pick-place', cameras: ['free'], side: 32, frames: 40, renderers: 2 })
    expect(r.framesPerSec).toBeGreaterThan(0)
    expect(r.treeCpuMsPerFrame).toBeGreaterThan(r.nodeCpuMsPerFrame)
  }, 120_000)

  it('refuses an odd side in one line, then the usage', async () => {
    const io = capture()
    expect(await main(['bench', 'frames', '--side', '33'], io)).toBe(2)
    expect(io.stderr[0]).toMatch(/--side an even number of pixels, got '33'/)
    expect(io.stderr[1]).toMatch(/^usage: iwb bench frames/)
  })
})
