// The plot and CSV module shared by the CLI report and the comparison page: curves summarised over seeds, the
// SVG's paths, bands, ticks and legend, and the CSV.
import { describe, expect, it } from 'vitest'
import {
  EVALUATION_COLUMNS,
  evaluationsCsv,
  interpolate,
  niceTicks,
  renderFigure,
  summarizeRuns,
  toCsv,
  type Series,
} from '../../../src/shared/plot'

const series = (name: string, color: string, shift: number): Series => ({
  name,
  color,
  x: [0, 10, 20, 30],
  mean: [shift, shift + 10, shift + 20, shift + 25],
  lo: [shift - 2, shift + 7, shift + 15, shift + 20],
  hi: [shift + 2, shift + 13, shift + 25, shift + 30],
})

describe('summarizeRuns', () => {
  it('averages runs on the same schedule point by point, with a band around the mean', () => {
    const s = summarizeRuns([
      { x: [0, 10, 20], y: [0, 10, 20] },
      { x: [0, 10, 20], y: [10, 20, 40] },
      { x: [0, 10, 20], y: [5, 12, 30] },
    ])
    expect(s.x).toEqual([0, 10, 20])
    expect(s.mean).toEqual([5, 14, 30])
    for (let i = 0; i < 3; i++) {
      expect(s.lo[i]).toBeLessThan(s.mean[i])
      expect(s.hi[i]).toBeGreaterThan(s.mean[i])
    }
    expect(
      summarizeRuns([
        { x: [0, 10, 20], y: [0, 10, 20] },
        { x: [0, 10, 20], y: [10, 20, 40] },
      ]),
    ).toEqual(
      summarizeRuns([
        { x: [0, 10, 20], y: [0, 10, 20] },
        { x: [0, 10, 20], y: [10, 20, 40] },
      ]),
    )
  })
  it('interpolates runs evaluated at different x, each only as far as it goes', () => {
    const s = summarizeRuns([
      { x: [0, 10], y: [0, 10] },
      { x: [0, 5, 20], y: [10, 15, 30] },
    ])
    expect(s.x).toEqual([0, 5, 10, 20])
    expect(s.mean).toEqual([5, 10, 15, 30]) // at 10 the second run is 20 (between 15 and 30); at 20 only it is left
    expect(interpolate([0, 10], [0, 100], 2.5)).toBe(25)
    expect(interpolate([0, 10], [0, 100], 20)).toBe(100)
  })
  it('keeps every point of a run whose x does not move (human seconds of a simulated oracle)', () => {
    const s = summarizeRuns([{ x: [0, 0, 0], y: [1, 2, 3] }])
    expect(s).toEqual({ x: [0, 0, 0], mean: [1, 2, 3], lo: [1, 2, 3], hi: [1, 2, 3] })
  })
})

describe('niceTicks', () => {
  it('picks round values inside the range', () => {
    expect(niceTicks(0, 1000)).toEqual([0, 200, 400, 600, 800, 1000])
    expect(niceTicks(-170, 3380)).toEqual([0, 1000, 2000, 3000])
    expect(niceTicks(0, 47)).toEqual([0, 10, 20, 30, 40])
    expect(niceTicks(0.1, 0.35)).toEqual([0.1, 0.15, 0.2, 0.25, 0.3, 0.35])
  })
})

describe('renderFigure', () => {
  const svg = renderFigure({
    panels: [
      {
        title: 'a<b & "c"',
        xLabel: 'labels',
        yLabel: 'return',
        series: [series('bc', '#111111', 0), series('stagger', '#222222', 5)],
        reference: { y: 40, label: 'expert' },
      },
      { xLabel: 'cost', series: [series('bc', '#111111', 0), series('stagger', '#222222', 5)], id: 'cost' },
    ],
    legend: 'right',
    attributes: { 'data-testid': 'plot' },
  })

  it('draws one curve path and one band polygon per series and panel', () => {
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true)
    expect(svg).toContain('data-testid="plot"')
    expect(svg.match(/<g class="series"/g)).toHaveLength(4)
    const paths = [...svg.matchAll(/<path class="curve" d="([^"]*)"/g)].map((m) => m[1])
    expect(paths).toHaveLength(4)
    for (const d of paths) expect(d).toMatch(/^M[\d.]+,[\d.]+( L[\d.]+,[\d.]+){3}$/)
    const bands = [...svg.matchAll(/<polygon class="band" points="([^"]*)"/g)].map((m) => m[1].split(' '))
    expect(bands).toHaveLength(4)
    for (const b of bands) expect(b).toHaveLength(8) // upper edge out, lower edge back
    expect(svg.match(/class="reference"/g)).toHaveLength(1)
    expect(svg).toContain('data-axis="cost"')
  })

  it('labels the axes with round ticks and names each series once in the legend', () => {
    const legend = svg.slice(svg.indexOf('<g class="legend">'))
    expect(legend.match(/<text[^>]*>bc<\/text>/g)).toHaveLength(1)
    expect(legend.match(/<text[^>]*>stagger<\/text>/g)).toHaveLength(1)
    for (const t of ['0', '10', '20', '30', 'labels', 'cost', 'return', 'expert']) expect(svg).toContain(`>${t}</text>`)
    expect(svg).toContain('a&lt;b &amp; &quot;c&quot;')
  })

  it('leaves out the band of a single seed and the curves with no finite point', () => {
    const one = renderFigure({
      panels: [
        {
          xLabel: 'x',
          series: [
            { name: 's', color: '#000000', x: [0, 1], mean: [1, 2], lo: [1, 2], hi: [1, 2] },
            { name: 'none', color: '#000000', x: [0], mean: [NaN], lo: [NaN], hi: [NaN] },
          ],
        },
      ],
    })
    expect(one).not.toContain('class="band"')
    expect(one.match(/class="curve"/g)).toHaveLength(1)
  })

  it('puts a swept setting measured at one value inside the frame, its band an error bar', () => {
    const lone = (xFrom?: 'data'): string =>
      renderFigure({
        panels: [
          {
            xLabel: 'cost ratio C',
            xFrom,
            series: [{ name: 'bc', color: '#000000', x: [2], mean: [10], lo: [8], hi: [12] }],
          },
        ],
        legend: 'none',
      })
    const frame = (svg: string): [number, number] => {
      const m = /<rect x="([\d.]+)" y="[\d.]+" width="([\d.]+)"[^>]*fill="none"/.exec(svg)!
      return [Number(m[1]), Number(m[1]) + Number(m[2])]
    }
    const dot = (svg: string): number => Number(/<circle cx="([\d.]+)"/.exec(svg)![1])
    const [left, right] = frame(lone('data'))
    expect(dot(lone('data'))).toBeCloseTo((left + right) / 2, 0)
    expect(lone('data')).toMatch(/<line class="band" [^>]*y1="[\d.]+" y2="[\d.]+"/)
    // from zero (curves against effort), the same point sits on the right edge of the frame
    expect(dot(lone())).toBeCloseTo(frame(lone())[1], 0)
  })
})

describe('CSV', () => {
  it('writes the header, quotes what needs it, and leaves unknowns empty', () => {
    expect(
      toCsv(
        ['a', 'b'],
        [
          ['x,y', 'say "hi"'],
          [null, 3],
        ],
      ),
    ).toBe('a,b\n"x,y","say ""hi"""\n,3\n')
    const csv = evaluationsCsv([
      {
        session: 4,
        task: 'hopper',
        algo: 'bc',
        warmFraction: null,
        oracle: 'expert',
        budget: 100,
        costRatio: 2,
        seed: 1,
        labels: 10,
        cost: 12,
        humanSeconds: 0,
        meanReturn: 15,
        stdReturn: 5,
        returns: [10, 20],
        policy: 'gmm',
        successRate: 0.5,
        coverage: 0.75,
      },
      {
        session: null,
        task: 'hopper',
        algo: 'warm-stagger',
        warmFraction: 0.5,
        oracle: null,
        budget: null,
        costRatio: null,
        seed: null,
        labels: 20,
        cost: 30,
        humanSeconds: 1.5,
        meanReturn: 7,
        stdReturn: 0,
      },
    ])
    const lines = csv.trim().split('\n')
    expect(lines[0]).toBe(EVALUATION_COLUMNS.join(','))
    expect(lines.slice(1)).toEqual([
      '4,hopper,bc,,expert,100,2,1,10,12,0,15,5,2,10 20,gmm,0.5,0.75',
      ',hopper,warm-stagger,0.5,,,,,20,30,1.5,7,0,,,,,',
    ])
    expect(lines.every((l) => l.split(',').length === EVALUATION_COLUMNS.length)).toBe(true)
  })
})
