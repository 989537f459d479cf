import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { EVALUATION_COLUMNS } from '../../../src/shared/plot'
import { svgToPng } from '../../../src/main/learn/report/png'
import { writeReport, csvOf, seriesFor, type ReportInput } from '../../../src/main/learn/report/report'
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
    {
      algo: 'bc',
      seed: 0,
      sessionId: 1,
      evaluations: [ev(0, 0, [1, 3]), ev(50, 50, [40, 50]), ev(100, 100, [80, 90])],
    },
    {
      algo: 'bc',
      seed: 1,
      sessionId: 2,
      evaluations: [ev(0, 0, [2, 2]), ev(50, 50, [20, 30]), ev(100, 100, [60, 70])],
    },
    { algo: 'stagger', seed: 0, sessionId: 3, evaluations: [ev(0, 0, [2]), ev(25, 50, [60]), ev(50, 100, [88])] },
  ],
}

/** Width, height, bit depth and colour type from a PNG's IHDR chunk (which must come first). */
function ihdr(png: Buffer): { width: number; height: number; depth: number; colorType: number } {
  expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])
  expect(png.subarray(12, 16).toString('ascii')).toBe('IHDR')
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20), depth: png[24], colorType: png[25] }
}

describe('report', () => {
  it('writes SVG, PNG (resvg), CSV and HTML', async () => {
    const r = await writeReport(dir, input)
    expect(r.pngRenderer).toBe('resvg')
    const names = r.files.map((f) => f.slice(dir.length + 1)).sort()
    expect(names).toEqual([
      'evaluations.csv',
      'index.html',
      'return-vs-cost.png',
      'return-vs-cost.svg',
      'return-vs-labels.png',
      'return-vs-labels.svg',
    ])
    // resvg renders the 830 x 440 figure at twice its size, as 8-bit RGBA (colour type 6).
    expect(ihdr(readFileSync(join(dir, 'return-vs-cost.png')))).toEqual({
      width: 1660,
      height: 880,
      depth: 8,
      colorType: 6,
    })
    expect(ihdr(readFileSync(join(dir, 'return-vs-labels.png')))).toMatchObject({ width: 1660, height: 880 })
    const svg = readFileSync(join(dir, 'return-vs-cost.svg'), 'utf8')
    expect(svg).toContain('bc (2 seeds)')
    expect(svg).toContain('stagger (1 seed)')
    expect(svg.match(/<path class="curve"/g)).toHaveLength(2)
    expect(svg).toContain('stroke-dasharray') // the expert's reference line
    const page = readFileSync(join(dir, 'index.html'), 'utf8')
    expect(page).toContain('return-vs-labels.svg')
    expect(page).toContain('rendered by resvg')
    expect(r.finals.find((f) => f.algo === 'bc')!.meanReturn).toBe(75)
    // these evaluations carry no success rate: no column, no rate
    expect(r.finals.every((f) => f.successRate === null)).toBe(true)
    expect(page).not.toContain('<th>success</th>')
  })

  it('puts the final success rate beside the return when the task has one', async () => {
    const runs = input.runs.map((run, i) => ({
      ...run,
      evaluations: run.evaluations.map((e) => ({ ...e, successRate: i === 0 ? 0.2 : 0.6 })),
    }))
    const r = await writeReport(join(dir, 'success'), { ...input, runs }, 'none')
    const page = readFileSync(join(dir, 'success', 'index.html'), 'utf8')
    expect(page).toContain('<th>success</th>')
    // bc: the mean of its two seeds' final rates (0.2 and 0.6); stagger: its one seed's
    expect(r.finals.find((f) => f.algo === 'bc')!.successRate).toBeCloseTo(0.4, 12)
    expect(r.finals.find((f) => f.algo === 'stagger')!.successRate).toBe(0.6)
    expect(page).toContain('<td>40%</td></tr>')
    expect(page).toContain('<td>60%</td></tr>')
  })

  it('draws success and coverage against cost and labels where the task reports them, the expert as reference', async () => {
    const shares: Record<number, (number | null)[]> = { 1: [0, 0.5, 1], 2: [0, 0.25, 0.5], 3: [null, 0.5, 0.75] }
    const runs = input.runs.map((run) => ({
      ...run,
      evaluations: run.evaluations.map((e, i) => ({
        ...e,
        successRate: shares[run.sessionId!][i],
        coverage: shares[run.sessionId!][i] === null ? null : 0.9 * shares[run.sessionId!][i]!,
      })),
    }))
    const out = join(dir, 'measures')
    const withRates = { ...input, runs, expertRates: { successRate: 1, coverage: 0.85 } }
    const r = await writeReport(out, withRates, 'none')
    const names = r.files.map((f) => f.slice(out.length + 1))
    for (const m of ['return', 'success', 'coverage'])
      for (const axis of ['cost', 'labels']) expect(names).toContain(`${m}-vs-${axis}.svg`)
    // per cent, the mean over seeds; stagger's first evaluation has no rate and is left out, not read as 0
    const [bc, stagger] = seriesFor(withRates, 'labels', 'success')
    expect(bc.x).toEqual([0, 50, 100])
    expect(bc.mean).toEqual([0, 37.5, 75])
    expect(stagger.x).toEqual([25, 50])
    expect(stagger.mean).toEqual([50, 75])
    expect(seriesFor(withRates, 'cost', 'coverage')[1].mean.map((v) => +v.toFixed(9))).toEqual([45, 67.5])
    const svg = readFileSync(join(out, 'success-vs-labels.svg'), 'utf8')
    expect(svg).toContain('success (%)')
    expect(svg).toContain('stroke-dasharray') // the expert's success rate
    // the return's axis is named as the page names it
    expect(readFileSync(join(out, 'return-vs-labels.svg'), 'utf8')).toContain('>mean return<')
    expect(readFileSync(join(out, 'index.html'), 'utf8')).toContain('<img src="coverage-vs-cost.svg"')
    // without the expert's rates the success plot has no reference line
    const bare = await writeReport(join(dir, 'measures-bare'), { ...input, runs }, 'none')
    expect(
      readFileSync(
        bare.files.find((f) => f.endsWith('success-vs-labels.svg'))!,
        'utf8',
      ),
    ).not.toContain('stroke-dasharray')
  })

  it('names a curve by its policy class when not the default mlp, and puts the final coverage beside the return', async () => {
    const runs = input.runs.map((run, i) => ({
      ...run,
      policy: run.algo === 'stagger' ? 'chunk(h2,k8)' : 'mlp',
      evaluations: run.evaluations.map((e) => ({ ...e, successRate: 0.5, coverage: i === 0 ? 0.25 : 0.75 })),
    }))
    // a second BC curve of another class is a curve of its own
    runs.push({ ...runs[0], policy: 'gmm', sessionId: 9 })
    const out = join(dir, 'coverage')
    const r = await writeReport(out, { ...input, runs }, 'none')
    expect(r.finals.map((f) => [f.name, f.algo, f.policy, f.seeds])).toEqual([
      ['bc', 'bc', 'mlp', 2],
      ['stagger [chunk(h2,k8)]', 'stagger', 'chunk(h2,k8)', 1],
      ['bc [gmm]', 'bc', 'gmm', 1],
    ])
    expect(r.finals.map((f) => f.coverage)).toEqual([0.5, 0.75, 0.25])
    const svg = readFileSync(join(out, 'return-vs-cost.svg'), 'utf8')
    for (const name of ['bc (2 seeds)', 'stagger [chunk(h2,k8)] (1 seed)', 'bc [gmm] (1 seed)'])
      expect(svg).toContain(name)
    const page = readFileSync(join(out, 'index.html'), 'utf8')
    expect(page).toContain('<th>success</th><th>coverage</th>')
    expect(page).toContain('<td>stagger [chunk(h2,k8)]</td>')
    expect(page).toContain('<td>50%</td><td>75%</td></tr>')
    const csv = readFileSync(join(out, 'evaluations.csv'), 'utf8').trim().split('\n')
    expect(csv[csv.length - 1]).toMatch(/,gmm,0\.5,0\.25$/)
  })

  it('sets the text in a system font (the PNG changes when the text is left out)', () => {
    const svg = readFileSync(join(dir, 'return-vs-cost.svg'), 'utf8')
    const withoutText = svg.replace(/<text[^>]*>[^<]*<\/text>/g, '')
    expect(withoutText).not.toBe(svg)
    expect(svgToPng(withoutText).equals(svgToPng(svg))).toBe(false)
  })

  it('can leave the PNG out', async () => {
    const other = join(dir, 'no-png')
    const r = await writeReport(other, input, 'none')
    expect(r.pngRenderer).toBe('none')
    expect(r.files.some((f) => f.endsWith('.png'))).toBe(false)
  })

  it('averages the seeds of an algorithm with a band around the mean', () => {
    const [bc, stagger] = seriesFor(input, 'labels')
    expect(bc.x).toEqual([0, 50, 100])
    expect(bc.mean).toEqual([2, 35, 75])
    expect(bc.lo[2]).toBeLessThan(75)
    expect(bc.hi[2]).toBeGreaterThan(75)
    expect(stagger.mean).toEqual([2, 60, 88])
    expect(stagger.hi).toEqual(stagger.lo) // one seed: no band
  })

  it('CSV has one row per evaluation, in the format the page exports', () => {
    const lines = csvOf(input).trim().split('\n')
    expect(lines).toHaveLength(1 + 3 + 3 + 3)
    expect(lines[0]).toBe(EVALUATION_COLUMNS.join(','))
    // the policy class, the success rate and the coverage last (these evaluations have neither)
    expect(lines[2]).toBe('1,hopper,bc,,expert,100,2,0,50,50,0,45,5,2,40 50,mlp,,')
  })

  it('splits the warm fraction out of warm-stagger:F', () => {
    const csv = csvOf({
      ...input,
      runs: [{ algo: 'warm-stagger:0.25', seed: 3, sessionId: null, evaluations: [ev(0, 0, [1])] }],
    })
    expect(csv.trim().split('\n')[1]).toBe(',hopper,warm-stagger,0.25,expert,100,2,3,0,0,0,1,0,1,1,mlp,,')
  })
})

describe('parseAlgo', () => {
  it('reads warm-stagger fractions and refuses nonsense', () => {
    expect(parseAlgo('warm-stagger:0.25')).toMatchObject({ algo: 'warm-stagger', algoParams: { fraction: 0.25 } })
    expect(parseAlgo('warm-stagger').algoParams).toEqual({ fraction: 0.5 })
    expect(parseAlgo('bc').algoParams).toEqual({})
    expect(() => parseAlgo('stagger:0.3')).toThrow()
    expect(() => parseAlgo('warm-stagger:2')).toThrow()
    expect(() => parseAlgo('ppo')).toThrow()
  })
})
