// Evaluation that fits manipulation: push-t's coverage (the share of the goal T's area the block covers at each
// episode's last step, averaged) goes from the session's worker into its stored evaluations, the cost curve, the
// compare report's CSV and --json line, and through an export and import; Hopper, which has no coverage, stores
// NULL. A study names its curves by the policy class it was given (--policy) and reports the final success rate.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { command as compare } from '../../../src/main/cli/commands/compare'
import { command as study } from '../../../src/main/cli/commands/study'
import { main } from '../../../src/main/cli/main'
import type { CommandIO } from '../../../src/main/cli/command'
import { learnerSpec } from '../../../src/main/learn/algorithm'
import { evaluationEpisodes, localEvaluator } from '../../../src/main/learn/evaluation'
import type { LearnerWeights } from '../../../src/main/sim/policy-spec'
import { makeEnv, taskInfo } from '../../../src/main/sim/registry'
import { taskShapes } from '../../../src/main/session/task-shapes'
import { exportWorkspace, importExport, openWorkspace } from '../../../src/main/store'

const dir = mkdtempSync(join(tmpdir(), 'iwb-measures-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const io = (): CommandIO & { out_: string[] } => {
  const out_: string[] = []
  return { out_, out: (l) => out_.push(l), err: () => {}, tty: false }
}
// Sessions start worker threads (MuJoCo, the trainer): slow on a loaded two-core machine, seconds on a quiet one.
const SLOW = 240_000
const TINY = ['--algos', 'bc', '--seeds', '1', '--budget', '10', '--eval-every', '5', '--eval-episodes', '2']

interface CompareLine {
  finals: { name: string; algo: string; policy: string; successRate: number | null; coverage: number | null }[]
  sessions: { sessionId: number; policy: string; successRate: number | null; coverage: number | null }[]
}

describe('coverage through evaluation', () => {
  it(
    'push-t: stored with every evaluation, read back, in the curve, the CSV, the --json line and an export',
    async () => {
      const db = join(dir, 'push-t.db')
      const report = join(dir, 'push-t-report')
      const o = io()
      expect(await compare.run(['--task', 'push-t', ...TINY, '--db', db, '--report', report, '--json'], o)).toBe(0)
      const line = JSON.parse(o.out_[o.out_.length - 1]) as CompareLine
      const [session] = line.sessions
      let final: { successRate: number | null; coverage: number | null } | null = null
      const ws = openWorkspace(db)
      try {
        const log = ws.openSession(session.sessionId)
        const evals = log.evaluations()
        expect(evals.map((e) => e.labels)).toEqual([0, 5, 10])
        for (const e of evals) {
          expect(e.coverage).toBeGreaterThanOrEqual(0)
          expect(e.coverage).toBeLessThanOrEqual(1)
        }
        expect(ws.curve(session.sessionId).map((p) => p.coverage)).toEqual(evals.map((e) => e.coverage))
        // The session's worker stored what evaluating its final policy here gives, episode for episode.
        const last = evals[evals.length - 1]
        const policy = log.policies().find((p) => p.labels === last.labels)!
        const local = localEvaluator(await makeEnv('push-t'))
        const again = await local
          .evaluate(
            learnerSpec(policy.weights as LearnerWeights, taskInfo('push-t')),
            evaluationEpisodes(log.config, last.labels),
          )
          .finally(() => local.close())
        expect(again.returns).toEqual(last.returns)
        expect(again.coverage).toBe(last.coverage)
        final = { successRate: last.successRate ?? null, coverage: last.coverage ?? null }
        // The final evaluation's figures in the --json line, beside the success rate push-t also has.
        expect(session).toMatchObject({ policy: 'mlp', successRate: last.successRate, coverage: last.coverage })
        expect(line.finals).toMatchObject([
          { name: 'bc', algo: 'bc', policy: 'mlp', successRate: last.successRate, coverage: last.coverage },
        ])
        const csv = readFileSync(join(report, 'evaluations.csv'), 'utf8').trim().split('\n')
        expect(csv[0]).toMatch(/,policy,success_rate,coverage$/)
        expect(csv[csv.length - 1].split(',').slice(-3)).toEqual([
          'mlp',
          String(last.successRate),
          String(last.coverage),
        ])
        expect(readFileSync(join(report, 'index.html'), 'utf8')).toContain('<th>coverage</th>')

        // Export and import: the same evaluations, coverage included.
        const out = join(dir, 'push-t-export')
        exportWorkspace(ws, out, { sessionIds: [session.sessionId] })
        const dst = openWorkspace(join(dir, 'push-t-copy.db'))
        try {
          const id = importExport(dst, out, { tasks: await taskShapes(['push-t']) }).sessions.get(session.sessionId)!
          expect(dst.openSession(id).evaluations()).toEqual(evals)
        } finally {
          dst.close()
        }
      } finally {
        ws.close()
      }

      // The exported policy, evaluated on the session's own episodes, gives the same coverage and success.
      const folder = join(dir, 'push-t-policy')
      const exported = io()
      expect(
        await main(['policy', 'export', '--db', db, '--session', String(session.sessionId), '--out', folder], exported),
      ).toBe(0)
      const evaluated = io()
      expect(await main(['policy', 'eval', '--from', folder, '--json'], evaluated)).toBe(0)
      expect(JSON.parse(evaluated.out_[evaluated.out_.length - 1])).toMatchObject({ reproduced: true, ...final })
    },
    SLOW,
  )

  it(
    'hopper: no coverage, stored as NULL (not 0) and null in the --json line',
    async () => {
      const db = join(dir, 'hopper.db')
      const o = io()
      const args = ['--task', 'hopper', ...TINY, '--db', db, '--report', join(dir, 'hopper-report'), '--json']
      expect(await compare.run(args, o)).toBe(0)
      const line = JSON.parse(o.out_[o.out_.length - 1]) as CompareLine
      expect(line.sessions[0]).toMatchObject({ successRate: null, coverage: null })
      expect(line.finals[0]).toMatchObject({ successRate: null, coverage: null })
      const ws = openWorkspace(db)
      try {
        const evals = ws.openSession(line.sessions[0].sessionId).evaluations()
        expect(evals).toHaveLength(3)
        expect(evals.every((e) => e.coverage === null && e.successRate === null)).toBe(true)
        expect(ws.curve(line.sessions[0].sessionId).every((p) => p.coverage === null)).toBe(true)
      } finally {
        ws.close()
      }
    },
    SLOW,
  )
})

describe('iwb study --policy', () => {
  it(
    "stores every arm's sessions with the policy class, names the curves by it and reports the final success rate",
    async () => {
      const db = join(dir, 'study.db')
      const report = join(dir, 'study-report')
      const o = io()
      const args = ['cost-sweep', '--task', 'reacher-arm', '--budget', '12', '--seeds', '1', '--eval-episodes', '1']
      const code = await study.run(
        [
          ...args,
          '--cost-ratios',
          '1',
          '--policy',
          'gmm',
          '--policy-params',
          '{"modes":2,"hidden":[32,32]}',
          '--db',
          db,
        ].concat(['--report', report, '--json']),
        o,
      )
      expect(code).toBe(0)
      const line = JSON.parse(o.out_[o.out_.length - 1]) as {
        results: { algo: string; policy: string; successRate: number | null; coverage: number | null }[]
      }
      expect(line.results.map((r) => `${r.algo} ${r.policy}`)).toEqual(['bc gmm', 'stagger gmm'])
      for (const r of line.results) {
        // reacher-arm has a success condition (within 3 cm of the target) and no coverage
        expect(typeof r.successRate).toBe('number')
        expect(r.coverage).toBeNull()
      }
      const ws = openWorkspace(db)
      try {
        const sessions = ws.listSessions()
        expect(sessions).toHaveLength(2)
        for (const s of sessions)
          expect(ws.openSession(s.id).config.policy).toMatchObject({
            id: 'gmm',
            params: { modes: 2, hidden: [32, 32] },
          })
      } finally {
        ws.close()
      }
      const svg = readFileSync(join(report, 'C-1', 'return-vs-cost.svg'), 'utf8')
      expect(svg).toContain('bc [gmm] (1 seed)')
      expect(svg).toContain('stagger [gmm] (1 seed)')
      // the success rate against cost and labels beside the return; no coverage plot for a task without it
      const success = readFileSync(join(report, 'C-1', 'success-vs-labels.svg'), 'utf8')
      expect(success).toContain('success (%)')
      expect(success).toContain('stagger [gmm] (1 seed)')
      expect(existsSync(join(report, 'C-1', 'success-vs-cost.svg'))).toBe(true)
      expect(existsSync(join(report, 'C-1', 'coverage-vs-cost.svg'))).toBe(false)
      expect(readFileSync(join(report, 'summary.svg'), 'utf8')).toContain('stagger [gmm]')
      const csv = readFileSync(join(report, 'results.csv'), 'utf8').trim().split('\n')
      // read by column name: other measures (the person's effort) sit beside these
      const header = csv[0].split(',')
      const bc = Object.fromEntries(csv[1].split(',').map((v, i) => [header[i], v]))
      expect(bc).toMatchObject({ algo: 'bc', group: 'C=1', policy: 'gmm', coverage: '' })
      expect(bc.success_rate).toMatch(/^[0-9.]+$/)
      await expect(study.run([...args, '--policy-params', '{"modes":2}', '--report', report], io())).rejects.toThrow(
        /--policy-params needs --policy/,
      )
    },
    SLOW,
  )
})
