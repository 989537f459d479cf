import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { inflateSync } from 'node:zlib'
import { afterAll, describe, expect, it } from 'vitest'
import { bandOverSeeds, bootstrapMean, interpolate } from '../../../src/main/learn/report/bootstrap'
import { writeReport, csvOf, type ReportInput } from '../../../src/main/learn/report/report'
import { renderSvg, ticks } from '../../../src/main/learn/report/svg-plot'
import { parseAlgoLabel as parseAlgo } from '../../../src/shared/session-config'

const dir = mkdtempSync(join(tmpdir(), 'iwb-report-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const ev = (labels: number, cost: number, returns: number[]) => ({ labels, cost, humanSeconds: 0, returns })
const input: ReportInput = {
  task: 'hopper',
  costRatio: 2,
  budget: 100,
  expertReturn: 90,
  runs: [
    { algo: 'bc', seed: 0, sessionId: 1, evaluations: [ev(0, 0, [1, 3]), ev(50, 50, [40, 50]), ev(100, 100, [80, 90])] },
    { algo: 'bc', seed: 1, sessionId: 2, evaluations: [ev(0, 0, [2, 2]), ev(50, 50, [20, 30]), ev(100, 100, [60, 70])] },
    { algo: 'stagger', seed: 0, sessionId: 3, evaluations: [ev(0, 0, [2]), ev(25, 50, [60]), ev(50, 100, [88])] },
  ],
}

describe('bootstrap', () => {
  it('gives the mean inside a band that narrows with agreement', () => {
    const wide = bootstrapMean([0, 10, 20, 30, 40])
    expect(wide.mean).toBe(20)
    expect(wide.lo).toBeLessThan(20)
    expect(wide.hi).toBeGreaterThan(20)
    const same = bootstrapMean([5, 5, 5])
    expect([same.lo, same.hi]).toEqual([5, 5])
    expect(interpolate([0, 10], [0, 100], 2.5)).toBe(25)
    expect(interpolate([0, 10], [0, 100], 20)).toBe(100)
    const b = bandOverSeeds([{ x: [0, 10], y: [0, 10] }, { x: [0, 10], y: [10, 20] }], [0, 5, 10])
    expect(b.map((x) => x.mean)).toEqual([5, 10, 15])
  })

  it('picks round ticks', () => {
    expect(ticks(0, 1000)).toEqual([0, 200, 400, 600, 800, 1000])
  })
})

describe('report', () => {
  it('writes SVG, PNG (built-in rasteriser), CSV and HTML', async () => {
    const r = await writeReport(dir, input, 'built-in')
    expect(r.pngRenderer).toBe('built-in')
    const names = r.files.map((f) => f.slice(dir.length + 1)).sort()
    expect(names).toEqual(['evaluations.csv', 'index.html', 'return-vs-cost.png', 'return-vs-cost.svg', 'return-vs-labels.png', 'return-vs-labels.svg'])
    const png = readFileSync(join(dir, 'return-vs-cost.png'))
    expect(png.subarray(1, 4).toString()).toBe('PNG')
    expect(png.readUInt32BE(16)).toBe(830) // width from IHDR
    // The IDAT inflates to height rows of (1 + 3 * width) bytes.
    const idatLen = png.readUInt32BE(33)
    expect(inflateSync(png.subarray(41, 41 + idatLen)).length).toBe(440 * (1 + 3 * 830))
    const svg = readFileSync(join(dir, 'return-vs-cost.svg'), 'utf8')
    expect(svg).toContain('bc (2 seeds)')
    expect(svg).toContain('stagger (1 seed)')
    expect(readFileSync(join(dir, 'index.html'), 'utf8')).toContain('return-vs-labels.svg')
    expect(r.finals.find((f) => f.algo === 'bc')!.meanReturn).toBe(75)
  })

  it('CSV has one row per evaluation', () => {
    const lines = csvOf(input).trim().split('\n')
    expect(lines).toHaveLength(1 + 3 + 3 + 3)
    expect(lines[1].split(',').slice(0, 8)).toEqual(['hopper', 'bc', '0', '1', '0', '0', '0', '2'])
  })

  it('escapes text in SVG', () => {
    const svg = renderSvg({ title: 'a<b', xLabel: 'x', yLabel: 'y', series: [] })
    expect(svg).toContain('a&lt;b')
  })
})

describe('parseAlgo', () => {
  it('reads warm-stagger fractions and refuses nonsense', () => {
    expect(parseAlgo('warm-stagger:0.25')).toMatchObject({ algo: 'warm-stagger', warmFraction: 0.25 })
    expect(parseAlgo('warm-stagger').warmFraction).toBe(0.5)
    expect(parseAlgo('bc').warmFraction).toBeNull()
    expect(() => parseAlgo('stagger:0.3')).toThrow()
    expect(() => parseAlgo('warm-stagger:2')).toThrow()
    expect(() => parseAlgo('ppo')).toThrow()
  })
})
