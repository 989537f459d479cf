// Issue 25's first target, checked: a session answered by a person in the page (test/browser/support/
// record-person.ts) against the same configuration answered by the person model fitted to them (`iwb person
// --json`, then `iwb compare --oracle person:FILE --seeds K`). Prints, as JSON, the recorded seconds per query
// against the fitted lognormal and its band, and per evaluation point (the same label counts in every session) the
// recorded return and human seconds against the simulated seeds' 80% bootstrap band of the mean (the band the
// reports draw) and their range (lowest to highest seed); writes one figure: the recorded curve of return against
// human seconds over the simulated band.
//
//   npx tsx scripts/person-check.ts --recorded WS.db --session ID --person person.json --simulated SIM.db
//     --png docs/img/FILE.png
//
// Run it once every session in both workspaces has finished (it opens them read-only).
import { readFileSync, writeFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { svgToPng } from '../src/main/learn/report/png'
import { openWorkspace } from '../src/main/store'
import { PALETTE, interpolate, renderFigure, summarizeRuns, type Series } from '../src/shared/plot'
import { bootstrapBand, mean } from '../src/shared/stats'

interface Point {
  labels: number
  humanSeconds: number
  meanReturn: number
}

interface Band {
  mean: number
  lo: number
  hi: number
  min: number
  max: number
}

function band(values: number[], seed: number): Band {
  const b = bootstrapBand(values, { seed })
  return { mean: b.mean, lo: b.lo, hi: b.hi, min: Math.min(...values), max: Math.max(...values) }
}

function quantile(sorted: number[], q: number): number {
  const i = (sorted.length - 1) * q
  const lo = Math.floor(i)
  return sorted[lo] + (sorted[Math.min(lo + 1, sorted.length - 1)] - sorted[lo]) * (i - lo)
}

const round = (v: number, d = 3): number => Number(v.toFixed(d))

function main(): void {
  const { values: v } = parseArgs({
    options: {
      recorded: { type: 'string' },
      session: { type: 'string' },
      person: { type: 'string' },
      simulated: { type: 'string' },
      png: { type: 'string' },
    },
  })
  if (!v.recorded || !v.session || !v.person || !v.simulated || !v.png)
    throw new Error('--recorded WS.db --session ID --person person.json --simulated SIM.db --png FILE are required')
  const sessionId = Number(v.session)

  const rec = openWorkspace(v.recorded, { readonly: true })
  let recorded: Point[]
  let seconds: number[]
  let skipped: number
  let config: { algo: string; budget: number; costRatio: number; taskId: string; seed: number }
  try {
    const info = rec.sessionInfo(sessionId)
    config = info
    recorded = rec.curve(sessionId)
    const qs = rec
      .prepare(
        `SELECT q.committed_at - q.issued_at AS ms, q.abandoned_at IS NOT NULL AS skipped, l.human_seconds AS s
         FROM queries q LEFT JOIN labels l ON l.id = q.label_id WHERE q.session_id = ? ORDER BY q.id`,
      )
      .all(sessionId) as { ms: number | null; skipped: number; s: number | null }[]
    seconds = qs.filter((q) => !q.skipped && q.s !== null).map((q) => q.s!)
    skipped = qs.filter((q) => q.skipped).length
  } finally {
    rec.close()
  }

  const sim = openWorkspace(v.simulated, { readonly: true })
  let runs: Point[][]
  let sims: { id: number; seed: number }[]
  let oracle: string
  try {
    const sessions = sim
      .listSessions()
      .filter((s) => s.algo === config.algo && s.taskId === config.taskId && s.status === 'finished')
    if (sessions.length === 0) throw new Error(`no finished ${config.algo} session in ${v.simulated}`)
    oracle = sessions[0].oracle
    runs = sessions.map((s) => sim.curve(s.id))
    sims = sessions.map((s) => ({ id: s.id, seed: s.seed }))
  } finally {
    sim.close()
  }

  // seconds per query: the recorded answers against the fitted lognormal
  const fit = JSON.parse(readFileSync(v.person, 'utf8')) as {
    model: { query: number; querySpread: number }
    measured: { secondsPerQuery: { median: number; lo: number; hi: number; spread: number } | null }
  }
  const sorted = [...seconds].sort((a, b) => a - b)
  const logs = seconds.map(Math.log)
  const logMean = mean(logs)
  const logSd = Math.sqrt(mean(logs.map((x) => (x - logMean) ** 2)))
  const q = fit.measured.secondsPerQuery
  const secondsCheck = {
    answered: seconds.length,
    skipped,
    mean: round(mean(seconds)),
    median: round(quantile(sorted, 0.5)),
    p10: round(quantile(sorted, 0.1)),
    p90: round(quantile(sorted, 0.9)),
    min: round(sorted[0]),
    max: round(sorted[sorted.length - 1]),
    geometricMean: round(Math.exp(logMean)),
    logSd: round(logSd),
    fitted: { median: fit.model.query, spread: fit.model.querySpread, band: q && [q.lo, q.hi] },
    // the lognormal's own 10th and 90th percentiles, against the recorded ones
    fittedP10: round(fit.model.query * Math.exp(-1.2816 * fit.model.querySpread)),
    fittedP90: round(fit.model.query * Math.exp(1.2816 * fit.model.querySpread)),
    fittedMean: round(fit.model.query * Math.exp(fit.model.querySpread ** 2 / 2)),
    medianInBand: q !== null && quantile(sorted, 0.5) >= q.lo && quantile(sorted, 0.5) <= q.hi,
  }

  const twinRun = runs[sims.findIndex((s) => s.seed === config.seed)]
  const twinAt = (labels: number): number | null => {
    const x = twinRun?.find((q) => q.labels === labels)
    return x ? round(x.meanReturn, 2) : null
  }
  // per evaluation point: the same label count in the recorded session and in every simulated one
  const points = recorded.map((p, k) => {
    const at = runs.map((r) => r.find((x) => x.labels === p.labels)).filter((x): x is Point => x !== undefined)
    const ret = band(
      at.map((x) => x.meanReturn),
      100 + k,
    )
    const hs = band(
      at.map((x) => x.humanSeconds),
      200 + k,
    )
    return {
      labels: p.labels,
      seeds: at.length,
      recordedReturn: round(p.meanReturn, 2),
      sameSeedReturn: twinAt(p.labels),
      returnBand: { mean: round(ret.mean, 2), lo: round(ret.lo, 2), hi: round(ret.hi, 2) },
      returnRange: [round(ret.min, 2), round(ret.max, 2)],
      returnInBand: p.meanReturn >= ret.lo && p.meanReturn <= ret.hi,
      returnInRange: p.meanReturn >= ret.min && p.meanReturn <= ret.max,
      recordedHumanSeconds: round(p.humanSeconds, 1),
      humanSecondsBand: { mean: round(hs.mean, 1), lo: round(hs.lo, 1), hi: round(hs.hi, 1) },
      humanSecondsRange: [round(hs.min, 1), round(hs.max, 1)],
      humanSecondsInBand: p.humanSeconds >= hs.lo && p.humanSeconds <= hs.hi,
      humanSecondsInRange: p.humanSeconds >= hs.min && p.humanSeconds <= hs.max,
    }
  })

  // against human seconds: the simulated runs interpolated at the recorded session's own human seconds
  const summary = summarizeRuns(runs.map((r) => ({ x: r.map((p) => p.humanSeconds), y: r.map((p) => p.meanReturn) })))
  const onAxis = recorded.map((p) => {
    const ys = runs
      .filter((r) => r.length && p.humanSeconds <= r[r.length - 1].humanSeconds + 1e-9)
      .map((r) =>
        interpolate(
          r.map((x) => x.humanSeconds),
          r.map((x) => x.meanReturn),
          p.humanSeconds,
        ),
      )
    const b = ys.length ? bootstrapBand(ys, { seed: 300 + p.labels }) : null
    return {
      humanSeconds: round(p.humanSeconds, 1),
      recordedReturn: round(p.meanReturn, 2),
      seeds: ys.length,
      band: b && { lo: round(b.lo, 2), hi: round(b.hi, 2) },
      inBand: b !== null && p.meanReturn >= b.lo && p.meanReturn <= b.hi,
    }
  })

  const series: Series[] = [
    { name: `${config.algo}, simulated: ${runs.length} seeds (80% band)`, color: PALETTE[0], ...summary },
    {
      name: `${config.algo}, answered in the page (session ${sessionId})`,
      color: PALETTE[1],
      x: recorded.map((p) => p.humanSeconds),
      mean: recorded.map((p) => p.meanReturn),
      lo: recorded.map((p) => p.meanReturn),
      hi: recorded.map((p) => p.meanReturn),
    },
  ]
  // the simulated session with the recorded one's seed: the same starting policy and evaluation episodes
  const twin = sims.findIndex((s) => s.seed === config.seed)
  if (twin >= 0)
    series.push({
      name: `${config.algo}, simulated, seed ${config.seed} (the recorded session's seed)`,
      color: PALETTE[2],
      x: runs[twin].map((p) => p.humanSeconds),
      mean: runs[twin].map((p) => p.meanReturn),
      lo: runs[twin].map((p) => p.meanReturn),
      hi: runs[twin].map((p) => p.meanReturn),
    })
  const svg = renderFigure({
    title: `${config.taskId}, ${config.algo} at C ${config.costRatio}: a person in the page vs their fitted model`,
    panels: [{ xLabel: 'human seconds', yLabel: 'mean evaluation return', series }],
    panelWidth: 760,
    legend: 'below',
    legendColumns: 1,
  })
  writeFileSync(v.png, svgToPng(svg))

  console.log(
    JSON.stringify(
      { config, oracle, seeds: runs.length, secondsPerQuery: secondsCheck, points, onHumanSecondsAxis: onAxis },
      null,
      1,
    ),
  )
}

main()
