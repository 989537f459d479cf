// `iwb study`: a tiny cost sweep on cart-pole end to end (sessions through the session host, the expert on the
// same episodes, the report files, the --json line), then the mixture study reusing its finished sessions.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { command as study } from '../../../src/main/cli/commands/study'
import { UsageError, type CommandIO } from '../../../src/main/cli/command'
import { crossoverText } from '../../../src/main/learn/study'

const dir = mkdtempSync(join(tmpdir(), 'iwb-study-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const io = (): CommandIO & { out_: string[]; err_: string[] } => {
  const out_: string[] = []
  const err_: string[] = []
  return { out_, err_, out: (l) => out_.push(l), err: (l) => err_.push(l), tty: false }
}
// Sessions start worker threads (MuJoCo, the trainer): slow on a loaded two-core machine, seconds on a quiet one.
const SLOW = 240_000
const SMALL = [
  '--task',
  'cartpole',
  '--budget',
  '12',
  '--seeds',
  '1',
  '--eval-episodes',
  '1',
  '--db',
  join(dir, 'w.db'),
]

describe('iwb study', () => {
  it(
    'cost-sweep: sessions, report files and one JSON line with the results and the crossover',
    async () => {
      const o = io()
      const report = join(dir, 'sweep')
      const code = await study.run(['cost-sweep', ...SMALL, '--cost-ratios', '1,4', '--report', report, '--json'], o)
      expect(code).toBe(0)
      const out = JSON.parse(o.out_[o.out_.length - 1]) as {
        study: string
        task: string
        results: {
          algo: string
          costRatio: number
          seeds: number
          finalReturn: number
          band80: number[]
          auc: number
        }[]
        crossover: { ratios: number[]; gaps: number[] }
        seconds: number
      }
      expect(out.study).toBe('cost-sweep')
      expect(out.task).toBe('cartpole')
      expect(out.results.map((r) => `${r.algo}@${r.costRatio}`)).toEqual(['bc@1', 'stagger@1', 'bc@4', 'stagger@4'])
      for (const r of out.results) {
        expect(r.seeds).toBe(1)
        expect(r.band80[0]).toBeLessThanOrEqual(r.finalReturn)
        expect(r.auc).toBeGreaterThan(0)
      }
      // BC's sessions are shared by both ratios; STAGGER at C = 4 has a quarter of the queries
      expect(out.results[0].auc).toBe(out.results[2].auc)
      expect(out.crossover.ratios).toEqual([1, 4])
      expect(out.crossover.gaps).toHaveLength(2)
      for (const f of [
        'index.html',
        'summary.svg',
        'summary.png',
        'results.csv',
        'C-1/return-vs-cost.svg',
        'C-4/index.html',
      ])
        expect(existsSync(join(report, f)), f).toBe(true)
      expect(readFileSync(join(report, 'results.csv'), 'utf8').split('\n')[0]).toMatch(/^algo,group,cost_ratio/)
      // The page states the crossover in the words of the JSON's crossover (crossoverText)
      const page = readFileSync(join(report, 'index.html'), 'utf8')
      const x = out.crossover as Parameters<typeof crossoverText>[0]
      expect(page).toContain(`Crossover: ${crossoverText(x)}; a crossing in`)
    },
    SLOW,
  )

  it(
    'mixture: reuses the finished STAGGER session and evaluates the mixture of its saved policies',
    async () => {
      const o = io()
      const code = await study.run(
        ['mixture', ...SMALL, '--algos', 'stagger', '--cost-ratios', '1', '--report', join(dir, 'mix'), '--json'],
        o,
      )
      expect(code).toBe(0)
      expect(o.err_.join('\n')).toMatch(/reusing 1 finished session/)
      const out = JSON.parse(o.out_[o.out_.length - 1]) as {
        results: { algo: string; seeds: number; finalReturn: number }[]
      }
      expect(out.results.map((r) => r.algo)).toEqual(['stagger', 'stagger (mixture)'])
      expect(out.results[1].seeds).toBe(1)
      expect(Number.isFinite(out.results[1].finalReturn)).toBe(true)
    },
    SLOW,
  )

  it(
    "person: one crossover per simulated person, STAGGER's sessions re-priced at each C",
    async () => {
      const o = io()
      const args = ['person', ...SMALL, '--algos', 'bc,stagger', '--person', 'noise-sweep', '--report', join(dir, 'p')]
      expect(await study.run(args, o)).toBe(0)
      const out = JSON.parse(o.out_[o.out_.length - 1]) as {
        results: { algo: string; group: string; auc: number }[]
        crossovers: { group: string; ratio: number | null; ratios: number[]; gaps: number[] }[]
      }
      expect(out.crossovers.map((x) => x.group)).toEqual([...new Set(out.results.map((r) => r.group))])
      for (const x of out.crossovers) {
        const auc = (algo: string) => out.results.find((r) => r.group === x.group && r.algo === algo)!.auc
        expect(x.ratios).toEqual([1, 2, 5, 10, 20, 50, 100, 200])
        expect(x.gaps[0]).toBeCloseTo(auc('stagger') - auc('bc'), 9) // at C = 1 nothing is re-priced
        expect(x.gaps).toHaveLength(8)
        // at C = 200 the budget of 12 buys no query: STAGGER's area is its untrained policy's, below BC's here
        expect(x.gaps[7]).toBeLessThan(x.gaps[0])
        expect(o.out_.some((l) => l.startsWith(`${x.group}: `))).toBe(true)
      }
      expect(readFileSync(join(dir, 'p', 'index.html'), 'utf8')).toContain('Crossover per person')
      // areas against the person's seconds: per arm, in results.csv and as a figure with one panel per time budget
      const withSeconds = out.results as unknown as { secondsAreas: { horizon: number; area: number }[] | null }[]
      for (const r of withSeconds) expect(r.secondsAreas!.map((a) => a.horizon)).toEqual([60, 600, 3600])
      expect(readFileSync(join(dir, 'p', 'results.csv'), 'utf8').split('\n')[0]).toContain('area_3600s_hi')
      const figure = readFileSync(join(dir, 'p', 'summary-human-seconds.svg'), 'utf8')
      for (const h of ['1 min', '10 min', '1 h']) expect(figure).toContain(`${h} of the person`)
      expect(o.out_.some((l) => / area over 1 min -?\d+\.\d, 10 min -?\d+\.\d, 1 h -?\d+\.\d/.test(l))).toBe(true)
    },
    SLOW,
  )

  it('refuses an unknown study and out-of-bounds flags with one line', async () => {
    await expect(study.run(['nope', ...SMALL, '--report', dir], io())).rejects.toThrow(UsageError)
    await expect(study.run(['paper', ...SMALL, '--seeds', '1000', '--report', dir], io())).rejects.toThrow(/--seeds/)
    const arm = SMALL.map((a) => (a === 'cartpole' ? 'reacher-arm' : a))
    await expect(study.run(['recoverability', ...arm, '--report', dir], io())).rejects.toThrow(/fall angle/)
    await expect(study.run(['cost-sweep', ...SMALL, '--algos', 'stagger', '--report', dir], io())).rejects.toThrow(
      /needs bc and stagger/,
    )
  })
})
