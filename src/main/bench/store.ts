// Store benchmark: recording throughput and the longest control-loop stall while recording, loading a
// 1000-step episode, and the page's queries (cost curve, session list) on a generated million-step workspace.
import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openWorkspace, type Workspace } from '../store/workspace'
import { toBlob } from '../store/codec'
import { collectEpisodes, writeLerobotV3, writeRobomimic, type DatasetTask } from '../store/datasets'
import { meanStd } from '../../shared/stats'

export interface StoreBenchOptions {
  /** steps in the generated workspace (default 1,000,000) */
  totalSteps?: number
  /** steps recorded through the EpisodeRecorder for stepsPerSec (default 20,000) */
  recordSteps?: number
  log?: (line: string) => void
}

export interface StoreBenchResult {
  /** steps per second through EpisodeRecorder.append, flushes and commits included */
  stepsPerSec: number
  /** longest the recording loop went without control between two steps (append + any flush in between) */
  maxStallMs: number
  appendP99Us: number
  /** one flush transaction (about flushSteps steps): median and worst, on the thread owning the connection */
  flushP50Ms: number
  flushMaxMs: number
  /** finish({ keep: true }) of a 1000-step episode: last flush, commit and the WAL checkpoint */
  finishP50Ms: number
  /** median time to load one 1000-step episode from the big workspace */
  loadEpisodeMs: number
  /** median time of Workspace.curve(sessionId) on the big workspace */
  costCurveMs: number
  /** median time of Workspace.listSessions() (labels, cost, human seconds, last return per session) */
  listSessionsMs: number
  /** median time of Workspace.sessionInfo(id) (one session's summary, sent on every session update) */
  sessionInfoMs: number
  /** openWorkspace on the big file with verify 'quick' (quick_check), 'header', and the default 'auto' */
  openQuickCheckMs: number
  openHeaderOnlyMs: number
  openDefaultMs: number
  /**
   * Export of demonstrations (read from the workspace and written), seconds per 100,000 steps: 100 episodes of
   * 1000 steps when the workspace holds them. exportSecondsPer100k is the slower of the two formats.
   */
  exportSecondsPer100k: number
  exportRobomimicSecondsPer100k: number
  exportLerobotSecondsPer100k: number
  /** the slower format's CPU seconds (this process), per 100,000 steps: the figure a busy machine does not inflate */
  exportCpuSecondsPer100k: number
  exportSteps: number
  totalSteps: number
  generateSec: number
  fileMB: number
  stateDim: number
  obsDim: number
  actDim: number
}

const STATE = 14 // Hopper-sized: qpos 6 + qvel 6 + time + spare
const OBS = 11
const ACT = 3
const EPISODE = 1000

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)]
}
const round = (x: number, digits = 3): number => Number(x.toFixed(digits))
const nowMs = (): number => Number(process.hrtime.bigint()) / 1e6
const yieldToLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))

async function benchRecording(ws: Workspace, steps: number) {
  const state = new Float64Array(STATE)
  const obs = new Float64Array(OBS)
  const act = new Float64Array(ACT)
  const appendUs: number[] = []
  let maxStall = 0
  const flushes: number[] = []
  const finishMs: number[] = []
  const start = nowMs()
  let last = start
  let rec = ws.startEpisode({ taskId: 'bench', kind: 'demonstration' })
  for (let i = 0; i < steps; i++) {
    state[0] = i
    obs[0] = i
    act[0] = Math.sin(i)
    const t0 = nowMs()
    rec.append({ state, observation: obs, action: act, reward: 1, source: 'demonstration' })
    appendUs.push((nowMs() - t0) * 1000)
    if ((i + 1) % EPISODE === 0) {
      // Settling an episode (commit + WAL checkpoint) is timed on its own: it happens when recording stops.
      const f0 = nowMs()
      rec.finish({ keep: true })
      finishMs.push(nowMs() - f0)
      flushes.push(...rec.flushDurations)
      if (i + 1 < steps) rec = ws.startEpisode({ taskId: 'bench', kind: 'demonstration' })
      last = nowMs()
    }
    // A control loop hands the event loop back every few steps (the timer and N-step flushes run there).
    if (i % 5 === 4) await yieldToLoop()
    const t = nowMs()
    maxStall = Math.max(maxStall, t - last)
    last = t
  }
  if (!rec.finished) {
    rec.finish({ keep: true })
    flushes.push(...rec.flushDurations)
  }
  const elapsed = (nowMs() - start) / 1000
  appendUs.sort((a, b) => a - b)
  return {
    stepsPerSec: Math.round(steps / elapsed),
    maxStallMs: round(maxStall),
    appendP99Us: round(appendUs[Math.floor(appendUs.length * 0.99)], 1),
    flushP50Ms: flushes.length ? round(median(flushes)) : 0,
    flushMaxMs: flushes.length ? round(Math.max(...flushes)) : 0,
    finishP50Ms: finishMs.length ? round(median(finishMs)) : 0,
  }
}

/** A million-step workspace in batched transactions straight through SQL (the recorder is measured above). */
function generate(ws: Workspace, totalSteps: number, log: (line: string) => void): number[] {
  const db = ws.db
  const episodes = Math.ceil(totalSteps / EPISODE)
  const state = toBlob(Array.from({ length: STATE }, (_, i) => i * 0.1))
  const obs = toBlob(Array.from({ length: OBS }, (_, i) => -i))
  const act = toBlob(Array.from({ length: ACT }, (_, i) => i / 3))
  const now = new Date().toISOString()
  const insertSession = db.prepare(
    `INSERT INTO sessions (task_id, algo, oracle, budget, seed, cost_ratio, schedule, loss, eval_every,
       eval_episodes, status, created_at) VALUES ('bench', ?, 'expert', 2000, ?, 2, 'incremental', 'nll', 100, 10, 'finished', ?)`,
  )
  const insertEpisode = db.prepare(
    `INSERT INTO episodes (task_id, session_id, kind, complete, ret, steps, created_at, finished_at)
     VALUES ('bench', ?, ?, 1, ?, ?, ?, ?)`,
  )
  const insertStep = db.prepare(
    'INSERT INTO steps (episode_id, idx, state, observation, action, reward, source) VALUES (?, ?, ?, ?, ?, 1, ?)',
  )
  const insertLabel = db.prepare(
    `INSERT INTO labels (session_id, source, cost, observation, state, action, human_seconds, episode_id, step_index, created_at)
     VALUES (?, ?, ?, ?, ?, ?, NULL, ?, ?, ?)`,
  )
  const insertEval = db.prepare(
    `INSERT INTO evaluations (session_id, labels, cost, human_seconds, returns, mean, std, created_at)
     VALUES (?, ?, ?, 0, ?, ?, ?, ?)`,
  )
  // 40 sessions, 2000 labels and 20 evaluations each; a fifth of the episodes are demonstrations.
  const sessions: number[] = []
  db.transaction(() => {
    for (let s = 0; s < 40; s++) {
      sessions.push(
        Number(insertSession.run(['bc', 'dagger', 'stagger', 'warm-stagger'][s % 4], s, now).lastInsertRowid),
      )
    }
  })()
  const batch = 20 // episodes per transaction
  for (let e0 = 0; e0 < episodes; e0 += batch) {
    db.transaction(() => {
      for (let e = e0; e < Math.min(episodes, e0 + batch); e++) {
        const demo = e % 5 === 0
        const session = demo ? null : sessions[e % sessions.length]
        const n = Math.min(EPISODE, totalSteps - e * EPISODE)
        const id = Number(
          insertEpisode.run(session, demo ? 'demonstration' : 'rollout', n, n, now, now).lastInsertRowid,
        )
        for (let i = 0; i < n; i++) insertStep.run(id, i, state, obs, act, demo ? 'demonstration' : 'policy')
      }
    })()
    if ((e0 / batch) % 100 === 0) log(`generated ${Math.min(episodes, e0 + batch) * EPISODE} / ${totalSteps} steps`)
  }
  db.transaction(() => {
    for (const s of sessions) {
      for (let l = 0; l < 2000; l++)
        insertLabel.run(s, l % 2 ? 'query' : 'offline', l % 2 ? 2 : 1, obs, state, act, 1, l, now)
      for (let k = 1; k <= 20; k++) {
        const returns = Array.from({ length: 10 }, (_, j) => k * 100 + j)
        const { mean, std } = meanStd(returns)
        insertEval.run(s, k * 100, k * 150, JSON.stringify(returns), mean, std, now)
      }
    }
  })()
  return sessions
}

/** The generated workspace's task as a dataset describes it (Hopper-sized, Hopper's 125 Hz). */
const BENCH_TASK: DatasetTask = {
  taskId: 'bench',
  controlHz: 125,
  model: 'hopper.xml',
  obsDim: OBS,
  actDim: ACT,
  stateSize: STATE,
}

/** Export up to 100 demonstrations in both formats; seconds per 100,000 steps for each. */
async function benchExport(ws: Workspace, dir: string, log: (line: string) => void) {
  const ids = ws
    .listEpisodes({ kind: 'demonstration' })
    .slice(0, 100)
    .map((e) => e.episodeId)
  const tasks = new Map([[BENCH_TASK.taskId, BENCH_TASK]])
  let steps = 0
  // Wall time, and this process's CPU time: on a shared machine the first counts other people's work too.
  const timed = async (write: (out: string) => Promise<unknown>, out: string) => {
    const t = nowMs()
    const c = process.cpuUsage()
    await write(out)
    const cpu = process.cpuUsage(c)
    return { wall: (nowMs() - t) / 1000, cpu: (cpu.user + cpu.system) / 1e6 }
  }
  log(`exporting ${ids.length} demonstrations as robomimic and as LeRobot`)
  const robomimic = await timed(
    async (out) => {
      const dataset = collectEpisodes(ws, tasks, { episodeIds: ids })
      steps = dataset.episodes.reduce((a, e) => a + e.actions.length, 0)
      await writeRobomimic(dataset, out)
    },
    join(dir, 'export.hdf5'),
  )
  const lerobot = await timed(
    async (out) => {
      writeLerobotV3(collectEpisodes(ws, tasks, { episodeIds: ids }), out)
    },
    join(dir, 'export-lerobot'),
  )
  const per100k = (sec: number) => round((sec * 100_000) / Math.max(1, steps), 2)
  return {
    exportSecondsPer100k: per100k(Math.max(robomimic.wall, lerobot.wall)),
    exportRobomimicSecondsPer100k: per100k(robomimic.wall),
    exportLerobotSecondsPer100k: per100k(lerobot.wall),
    exportCpuSecondsPer100k: per100k(Math.max(robomimic.cpu, lerobot.cpu)),
    exportSteps: steps,
  }
}

export async function runStoreBench(options: StoreBenchOptions = {}): Promise<StoreBenchResult> {
  const totalSteps = options.totalSteps ?? 1_000_000
  const recordSteps = options.recordSteps ?? 20_000
  const log = options.log ?? (() => {})
  const dir = mkdtempSync(join(tmpdir(), 'iwb-bench-store-'))
  try {
    log(`recording ${recordSteps} steps through the recorder`)
    const small = openWorkspace(join(dir, 'record.db'))
    const recording = await benchRecording(small, recordSteps)
    small.close()

    log(`generating a ${totalSteps}-step workspace`)
    const file = join(dir, 'big.db')
    let ws = openWorkspace(file)
    const g0 = nowMs()
    const sessions = generate(ws, totalSteps, log)
    const generateSec = round((nowMs() - g0) / 1000, 2)
    ws.close()
    const fileMB = round(statSync(file).size / 2 ** 20, 1)

    let t0 = nowMs()
    openWorkspace(file, { verify: 'header' }).close()
    const openHeaderOnlyMs = round(nowMs() - t0, 1)
    t0 = nowMs()
    openWorkspace(file, { verify: 'quick' }).close()
    const openQuickCheckMs = round(nowMs() - t0, 1)
    t0 = nowMs()
    ws = openWorkspace(file)
    const openDefaultMs = round(nowMs() - t0, 1)

    const episodes = ws.db.prepare('SELECT id FROM episodes WHERE steps = 1000 ORDER BY random() LIMIT 21').all() as {
      id: number
    }[]
    const loads = episodes.map(({ id }) => {
      const t = nowMs()
      const ep = ws.loadEpisode(id)
      if (ep.steps.length !== 1000) throw new Error(`episode ${id} has ${ep.steps.length} steps`)
      return nowMs() - t
    })
    const curves = sessions.map((s) => {
      const t = nowMs()
      const points = ws.curve(s)
      if (points.length !== 20) throw new Error(`session ${s} has ${points.length} points`)
      return nowMs() - t
    })
    const infos = sessions.map((s) => {
      const t = nowMs()
      ws.sessionInfo(s)
      return nowMs() - t
    })
    const lists = Array.from({ length: 11 }, () => {
      const t = nowMs()
      ws.listSessions()
      return nowMs() - t
    })
    const exported = await benchExport(ws, dir, log)
    ws.close()
    return {
      ...recording,
      ...exported,
      loadEpisodeMs: round(median(loads)),
      costCurveMs: round(median(curves)),
      listSessionsMs: round(median(lists)),
      sessionInfoMs: round(median(infos)),
      openQuickCheckMs,
      openHeaderOnlyMs,
      openDefaultMs,
      totalSteps,
      generateSec,
      fileMB,
      stateDim: STATE,
      obsDim: OBS,
      actDim: ACT,
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
