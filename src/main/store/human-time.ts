// The person's time, read back from the workspace: how long a recorded demonstration took per state, how long a
// query took from prompt to commit, how long a takeover held per state. `iwb cost` and the page's measured cost
// ratio (seconds per query / seconds per demonstration state) are computed from these rows alone.
import { bootstrapStatisticBand, mean, sum, type Band } from '../../shared/stats'
import type { Workspace } from './workspace'

export interface TimeFilter {
  taskId?: string | null
  operator?: string | null
}

/** One complete demonstration: its states and the wall-clock seconds from the start of its recording to keep. */
export interface DemoTime {
  episodeId: number
  steps: number
  seconds: number
}

/** Complete demonstrations with at least one step, oldest first. */
export function demonstrationTimes(ws: Workspace, filter: TimeFilter = {}): DemoTime[] {
  const rows = ws
    .prepare(
      `SELECT id, steps, created_at, finished_at FROM episodes
       WHERE kind = 'demonstration' AND complete = 1 AND replaced = 0 AND steps > 0 AND finished_at IS NOT NULL
         AND (@task IS NULL OR task_id = @task) AND (@operator IS NULL OR operator = @operator)
       ORDER BY id`,
    )
    .all({ task: filter.taskId ?? null, operator: filter.operator ?? null }) as {
    id: number
    steps: number
    created_at: string
    finished_at: string
  }[]
  return rows.map((r) => ({
    episodeId: r.id,
    steps: r.steps,
    seconds: Math.max(0, (Date.parse(r.finished_at) - Date.parse(r.created_at)) / 1000),
  }))
}

/** A demonstration state's share of its recording time: the episode's seconds over its steps. */
export function secondsPerDemoState(demo: Pick<DemoTime, 'steps' | 'seconds'>): number {
  return demo.steps > 0 ? demo.seconds / demo.steps : 0
}

/** Seconds from prompt to commit of every answered query of the task's sessions (of one operator), in order. */
export function queryTimes(ws: Workspace, filter: TimeFilter = {}): number[] {
  const rows = ws
    .prepare(
      `SELECT q.issued_at, q.committed_at FROM queries q JOIN sessions s ON s.id = q.session_id
       WHERE q.committed_at IS NOT NULL AND s.oracle = 'human'
         AND (@task IS NULL OR s.task_id = @task) AND (@operator IS NULL OR q.operator = @operator)
       ORDER BY q.id`,
    )
    .all({ task: filter.taskId ?? null, operator: filter.operator ?? null }) as {
    issued_at: number
    committed_at: number
  }[]
  return rows.map((r) => Math.max(0, (r.committed_at - r.issued_at) / 1000))
}

/**
 * The human seconds of every label of one source that carries them (a takeover state's share of the held time,
 * as the takeover session stores it). Labels keep no operator: the operator filter does not apply.
 */
export function labelTimes(ws: Workspace, source: 'intervention' | 'demonstration', filter: TimeFilter = {}): number[] {
  const rows = ws
    .prepare(
      `SELECT l.human_seconds AS s FROM labels l JOIN sessions se ON se.id = l.session_id
       WHERE l.source = @source AND l.human_seconds IS NOT NULL AND (@task IS NULL OR se.task_id = @task)
       ORDER BY l.id`,
    )
    .all({ source, task: filter.taskId ?? null }) as { s: number }[]
  return rows.map((r) => r.s)
}

export interface HumanCost {
  taskId: string | null
  operator: string | null
  demos: number
  demoStates: number
  secondsPerDemoState: number | null
  queries: number
  secondsPerQuery: number | null
  takeoverStates: number
  secondsPerTakeoverState: number | null
  /** secondsPerQuery / secondsPerDemoState: C measured on this person's time */
  costRatio: number | null
  /** 80% percentile bootstrap band of costRatio, resampling demonstrations and queries */
  costRatioBand: { lo: number; hi: number } | null
}

/** Demonstration seconds per state over a set of demonstrations (total seconds over total states). */
function perState(demos: readonly Pick<DemoTime, 'steps' | 'seconds'>[]): number {
  return sum(demos.map((d) => d.seconds)) / sum(demos.map((d) => d.steps))
}

/** The measured cost of the person's time, from the workspace's stored timestamps. */
export function measureHumanCost(
  ws: Workspace,
  filter: TimeFilter = {},
  options: { resamples?: number; seed?: number } = {},
): HumanCost {
  const demos = demonstrationTimes(ws, filter)
  const queries = queryTimes(ws, filter)
  const takeovers = labelTimes(ws, 'intervention', filter)
  const demoStates = sum(demos.map((d) => d.steps))
  const perDemo = demos.length ? perState(demos) : null
  const perQuery = queries.length ? mean(queries) : null
  const ratio = perDemo !== null && perQuery !== null && perDemo > 0 ? perQuery / perDemo : null
  let band: Band | null = null
  if (ratio !== null) {
    const demoRows = demos.map((d) => ({ steps: d.steps, seconds: d.seconds, query: 0 }))
    const queryRows = queries.map((q) => ({ steps: 0, seconds: 0, query: q }))
    band = bootstrapStatisticBand<{ steps: number; seconds: number; query: number }>(
      [demoRows, queryRows],
      ([d, q]) => mean(q.map((x) => x.query)) / perState(d),
      { level: 0.8, resamples: options.resamples ?? 2000, seed: options.seed ?? 1 },
    )
  }
  return {
    taskId: filter.taskId ?? null,
    operator: filter.operator ?? null,
    demos: demos.length,
    demoStates,
    secondsPerDemoState: perDemo,
    queries: queries.length,
    secondsPerQuery: perQuery,
    takeoverStates: takeovers.length,
    secondsPerTakeoverState: takeovers.length ? mean(takeovers) : null,
    costRatio: ratio,
    costRatioBand: band ? { lo: band.lo, hi: band.hi } : null,
  }
}

/**
 * What one session cost its person: the seconds on its labels, and its context switches (queries the robot asked
 * after driving on its own, and takeovers the person started: a run of takeover labels at consecutive steps is one).
 */
export function sessionEffort(ws: Workspace, sessionId: number): { humanSeconds: number; contextSwitches: number } {
  const seconds = ws
    .prepare('SELECT coalesce(sum(human_seconds), 0) AS s FROM labels WHERE session_id = ?')
    .get(sessionId) as { s: number }
  const asked = ws
    .prepare('SELECT count(*) AS n FROM queries WHERE session_id = ? AND context_switch = 1')
    .get(sessionId) as { n: number }
  const steps = ws
    .prepare(`SELECT step_index AS k FROM labels WHERE session_id = ? AND source = 'intervention' ORDER BY id`)
    .all(sessionId) as { k: number | null }[]
  let takeovers = 0
  steps.forEach((s, i) => {
    if (i === 0 || s.k === null || steps[i - 1].k === null || s.k !== steps[i - 1].k! + 1) takeovers++
  })
  return { humanSeconds: seconds.s, contextSwitches: asked.n + takeovers }
}
