// A scripted person in the page, for measuring what a fitted person model reproduces (issue 25): the real
// `iwb serve` on a workspace of its own, Debian's Chromium through playwright-core, the virtual pad. The person
// records reacher-arm demonstrations in the Teleop view, steering the fingertip toward the target with what the
// page is sent (the bodies' positions in each frame), then starts a STAGGER session answered by "you (Query view)"
// and answers each prompt from what the prompt shows (the observation's target − fingertip), with a person's
// imperfection: the steering rule's own gain, stick noise, a think time drawn before each commit, an occasional
// skip. Every draw comes from one seeded generator.
//
//   npx tsx test/browser/support/record-person.ts --dir /tmp/h25 [--demos 5] [--budget 600] [--cost-ratio 20]
//     [--eval-every 5] [--eval-episodes 10] [--seed 0] [--noise 0.15] [--skip 0.08] [--think 1-3]
//     [--operator h25] [--rng 25]
//
// It prints one JSON line at the end: the session id, the workspace file, and the person's own record of each
// query (think time drawn, skipped or answered, the action sent).
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { pathToFileURL } from 'node:url'
import type { Page } from 'playwright-core'
import { ensurePageBuilt, repoRoot } from '../../../src/main/server/page'
import { createRng, type Rng } from '../../../src/main/sim/rng'
import { launchChromium } from '../helpers/chromium'
import { waitFor } from '../../wait-for'
import { installVirtualGamepad, setAxes, setButton, tapButton } from './virtual-gamepad'

export interface PersonScript {
  /** scratch folder: the workspace is DIR/workspace.db */
  dir: string
  demos: number
  budget: number
  costRatio: number
  evalEvery: number
  evalEpisodes: number
  seed: number
  /** standard deviation of the stick noise, per axis (the stick's range is -1..1) */
  noise: number
  /** chance of skipping a prompt */
  skip: number
  /** think time before each commit, drawn uniformly in [lo, hi] seconds */
  think: [number, number]
  operator: string
  /** seed of the person's own draws */
  rng: number
  log?: (line: string) => void
}

export interface PersonQuery {
  queryId: number
  thinkSeconds: number
  skipped: boolean
  /** what the person meant to send (stick values mapped to the action); null for a skip */
  action: number[] | null
}

export interface RecordedPerson {
  db: string
  sessionId: number
  demos: number[]
  queries: PersonQuery[]
  wallSeconds: number
}

/** The person's steering rule: a fingertip velocity toward the target, full stick from 8 cm, plus noise. */
function steer(dx: number, dy: number, noise: number, rng: Rng): [number, number] {
  const gain = 1 / 0.08
  let vx = dx * gain
  let vy = dy * gain
  const n = Math.hypot(vx, vy)
  if (n > 1) {
    vx /= n
    vy /= n
  }
  const clip = (v: number): number => Math.max(-1, Math.min(1, v))
  return [clip(vx + noise * rng.normal()), clip(vy + noise * rng.normal())]
}

/** The real `iwb serve` on `db` in a child process; resolves with its address. */
async function serve(db: string): Promise<{ url: string; child: ChildProcess; stop(): Promise<void> }> {
  await ensurePageBuilt((line) => console.error(line))
  const child = spawn(process.execPath, ['bin/iwb.js', 'serve', '--port', '0', '--no-open', '--db', db], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  child.stdout!.on('data', (d) => (out += String(d)))
  child.stderr!.on('data', (d) => (out += String(d)))
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null) return
    const exited = new Promise((resolve) => child.once('exit', resolve))
    child.kill('SIGTERM')
    await exited
  }
  const url = (
    await waitFor(() => /serving at (\S+)/.exec(out)?.[1], {
      message: `iwb serve to listen (${out})`,
      timeoutMs: 120_000,
    })
  ).trim()
  return { url, child, stop }
}

/** Runs in the page before its scripts: keeps what the page is sent over its WebSocket (frames and prompts). */
function installWatch(): void {
  const seen = { xpos: null as number[] | null, frames: 0, prompts: {} as Record<number, unknown> }
  ;(window as unknown as { __person: typeof seen }).__person = seen
  const keep = (p: { queryId?: number; observation?: number[]; sessionId?: number }): void => {
    if (typeof p.queryId === 'number' && Array.isArray(p.observation))
      seen.prompts[p.queryId] = { observation: p.observation, sessionId: p.sessionId ?? 0 }
  }
  const Native = window.WebSocket
  class Watched extends Native {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols)
      this.addEventListener('message', (e: MessageEvent) => {
        if (typeof e.data !== 'string') return
        let msg: { event?: string; payload?: { xpos?: number[] }; result?: unknown }
        try {
          msg = JSON.parse(e.data) as typeof msg
        } catch {
          return
        }
        if (msg.event === 'sim.frame' && msg.payload?.xpos) {
          seen.xpos = msg.payload.xpos
          seen.frames++
        } else if (msg.event === 'query.prompt' && msg.payload) keep(msg.payload as Parameters<typeof keep>[0])
        else if (Array.isArray(msg.result)) for (const r of msg.result) if (r && typeof r === 'object') keep(r)
      })
    }
  }
  window.WebSocket = Watched
}

interface Seen {
  /** the latest teleop frame's body positions (xpos, nbody*3) */
  xpos: number[] | null
  frames: number
}

const seenFrames = (page: Page): Promise<Seen> =>
  page.evaluate(() => {
    const s = (window as unknown as { __person: Seen }).__person
    return { xpos: s.xpos, frames: s.frames }
  })

const seenPrompt = (page: Page, id: number): Promise<{ observation: number[]; sessionId: number } | undefined> =>
  page.evaluate(
    (q) =>
      (window as unknown as { __person: { prompts: Record<number, { observation: number[]; sessionId: number }> } })
        .__person.prompts[q],
    id,
  )

/** The page's radial dead zone on each stick (usePadInput's default). */
const DEAD_ZONE = 0.15

/**
 * The stick position whose action (after the page's radial dead zone) is `action` taken onto the unit disk (the
 * stick's reach), and that action: what a person gets by pushing until the page's arrow shows what they meant.
 */
function stickFor([vx, vy]: [number, number]): { stick: [number, number]; action: [number, number] } {
  let m = Math.hypot(vx, vy)
  if (m < 1e-3) return { stick: [0, 0], action: [0, 0] }
  const k = m > 1 ? 1 / m : 1
  const action: [number, number] = [vx * k, vy * k]
  m = Math.min(m, 1)
  const r = DEAD_ZONE + m * (1 - DEAD_ZONE)
  return { stick: [(action[0] / m) * r, (action[1] / m) * r], action }
}

const FINGERTIP = 3
const TARGET = 4

async function recordDemo(page: Page, o: PersonScript, rng: Rng): Promise<number> {
  const record = page.getByTestId('record-start')
  await waitFor(() => record.isEnabled(), { timeoutMs: 120_000, intervalMs: 200, message: 'Record enabled' })
  await record.click()
  await page.getByTestId('recording-badge').waitFor({ timeout: 60_000 })
  // the fresh episode waits for the first input: hold to act and nudge the stick (then steer from the frames)
  await setButton(page, 5, 1)
  await setAxes(page, { 0: 0.3, 1: 0 })
  const keep = page.getByTestId('record-keep')
  // drive on each new frame until the episode ends (the horizon) and Keep is offered
  let lastFrames = -1
  let told = Date.now()
  for (;;) {
    if (await keep.isVisible()) break
    if (Date.now() - told > 10_000) {
      told = Date.now()
      o.log?.(`  recording: ${await page.getByTestId('time-limit').textContent()} (${lastFrames} frames seen)`)
    }
    const seen = await seenFrames(page)
    if (seen.xpos && seen.frames !== lastFrames) {
      lastFrames = seen.frames
      const x = seen.xpos
      const { stick } = stickFor(
        steer(x[3 * TARGET] - x[3 * FINGERTIP], x[3 * TARGET + 1] - x[3 * FINGERTIP + 1], o.noise, rng),
      )
      await setAxes(page, { 0: stick[0], 1: -stick[1] }) // the left stick's y is down-positive; the task maps it back
    }
    await waitFor(async () => (await seenFrames(page)).frames !== lastFrames || (await keep.isVisible()), {
      timeoutMs: 60_000,
      intervalMs: 20,
      message: 'a frame or the end of the episode',
    })
  }
  await setButton(page, 5, 0)
  await setAxes(page, { 0: 0, 1: 0 })
  await keep.click()
  const kept = await page.getByTestId('kept').textContent()
  return Number(/#(\d+)/.exec(kept ?? '')?.[1])
}

async function currentQuery(page: Page): Promise<number | null> {
  const badge = page.getByTestId('query-id')
  if (!(await badge.count())) return null
  const m = /query #(\d+)/.exec((await badge.textContent()) ?? '')
  return m ? Number(m[1]) : null
}

async function sessionStatus(page: Page, sessionId: number): Promise<string | null> {
  return page.evaluate(async (id) => {
    // the page's own API client is not exposed; ask the server on a WebSocket of its own, as the page does
    const url = new URL(location.href)
    const ws = new WebSocket(`${url.protocol === 'https:' ? 'wss' : 'ws'}://${url.host}/api${url.search}`)
    return new Promise<string | null>((resolve) => {
      ws.onopen = () => ws.send(JSON.stringify({ id: 1, method: 'sessions.list', input: {} }))
      ws.onmessage = (e) => {
        const msg = JSON.parse(String(e.data)) as { id?: number; result?: { id: number; status: string }[] }
        if (msg.id !== 1) return
        ws.close()
        resolve(msg.result?.find((s) => s.id === id)?.status ?? null)
      }
      ws.onerror = () => resolve(null)
    })
  }, sessionId)
}

export async function recordPerson(o: PersonScript): Promise<RecordedPerson> {
  const log = o.log ?? ((line: string) => console.error(line))
  o = { ...o, log }
  const started = Date.now()
  mkdirSync(o.dir, { recursive: true })
  const db = join(o.dir, 'workspace.db')
  const rng = createRng(o.rng)
  const server = await serve(db)
  const browser = await launchChromium()
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } })
    // tsx compiles with esbuild's keepNames: the functions it hands the page call __name, which the page lacks
    await page.addInitScript({ content: 'window.__name = (f) => f' })
    await installVirtualGamepad(page)
    await page.addInitScript((name) => localStorage.setItem('iwb.operator', name), o.operator)
    await page.addInitScript(installWatch)
    const url = new URL(server.url)
    url.searchParams.set('view', 'teleop')
    await page.goto(url.toString())
    await page.getByTestId('tab-teleop').waitFor({ timeout: 60_000 })
    await waitFor(async () => (await page.getByTestId('input-source').textContent())?.includes('Virtual pad'), {
      timeoutMs: 60_000,
      message: 'the page to see the virtual pad',
    })
    await page.getByTestId('teleop-task').selectOption('reacher-arm')
    await waitFor(() => page.getByTestId('operator-name').inputValue(), { message: 'the operator name' })
    const demos: number[] = []
    for (let i = 0; i < o.demos; i++) {
      demos.push(await recordDemo(page, o, rng))
      log(`demo ${i + 1}/${o.demos}: #${demos.at(-1)} (${((Date.now() - started) / 1000).toFixed(0)} s)`)
    }

    await page.getByTestId('tab-sessions').click()
    await page.getByTestId('session-task').selectOption('reacher-arm')
    await page.getByTestId('session-algo').selectOption('stagger')
    await page.getByTestId('oracle-human').check()
    await page.getByTestId('session-budget').fill(String(o.budget))
    await page.getByTestId('session-cost-ratio').fill(String(o.costRatio))
    await page.getByRole('spinbutton', { name: 'Seed', exact: true }).fill(String(o.seed))
    await page.getByTestId('session-eval-every').fill(String(o.evalEvery))
    await page.getByTestId('session-eval-episodes').fill(String(o.evalEpisodes))
    await page.getByTestId('session-start').click()

    const queries: PersonQuery[] = []
    let sessionId = 0
    let last: number | null = null
    const answered = page.getByTestId('query-answered')
    const answeredCount = async (): Promise<number> =>
      Number(/answered here: (\d+)/.exec((await answered.textContent()) ?? '')?.[1] ?? 0)
    for (;;) {
      // the next prompt, or the end of the session
      const next = await waitFor(
        async () => {
          const id = await currentQuery(page)
          if (id !== null && id !== last) return id
          if (sessionId && (await sessionStatus(page, sessionId)) === 'finished') return 'finished'
          return null
        },
        { timeoutMs: 600_000, intervalMs: 250, message: 'the next prompt' },
      )
      if (next === 'finished') break
      last = next
      const prompt = await waitFor(() => seenPrompt(page, next), { message: `prompt ${next} over the WebSocket` })
      sessionId = prompt.sessionId
      // watch the lead-up replay through to the queried state, as the person does
      const hud = page.getByTestId('query-hud')
      await waitFor(async () => (await hud.getAttribute('data-replayed')) === 'true', {
        timeoutMs: 120_000,
        intervalMs: 100,
        message: 'the replay of the last second',
      })
      const thinkSeconds = o.think[0] + (o.think[1] - o.think[0]) * rng.next()
      const skipped = rng.next() < o.skip
      const { stick, action } = stickFor(steer(prompt.observation[10], prompt.observation[11], o.noise, rng))
      const [vx, vy] = action
      const thought = Date.now() + thinkSeconds * 1000
      if (skipped) {
        await waitFor(() => Date.now() >= thought, { intervalMs: 50, message: 'the think time' })
        await tapButton(page, 1, async () => (await currentQuery(page)) !== next, 'B (skip)')
        queries.push({ queryId: next, thinkSeconds, skipped, action: null })
      } else {
        const before = await answeredCount()
        await setButton(page, 5, 1)
        await setAxes(page, { 0: stick[0], 1: -stick[1] })
        await waitFor(
          async () => {
            const v = await page
              .locator('[data-testid^="query-action-"]')
              .evaluateAll((els) => els.map((e) => Number((e as HTMLInputElement).value)))
            return Math.abs(v[0] - vx) < 0.03 && Math.abs(v[1] - vy) < 0.03
          },
          { timeoutMs: 60_000, intervalMs: 50, message: 'the sliders to follow the stick' },
        )
        await waitFor(() => Date.now() >= thought, { intervalMs: 50, message: 'the think time' })
        await setButton(page, 5, 0)
        await tapButton(page, 0, async () => (await answeredCount()) > before, 'A (commit)')
        await setAxes(page, { 0: 0, 1: 0 })
        queries.push({ queryId: next, thinkSeconds, skipped, action: [vx, vy] })
      }
      log(
        `query #${next}: ${skipped ? 'skipped' : 'answered'} after ${thinkSeconds.toFixed(2)} s thought ` +
          `(${queries.filter((q) => !q.skipped).length} answered, ${((Date.now() - started) / 1000).toFixed(0)} s)`,
      )
    }
    await page.close()
    return { db, sessionId, demos, queries, wallSeconds: (Date.now() - started) / 1000 }
  } finally {
    await browser.close()
    await server.stop()
  }
}

async function main(): Promise<void> {
  const { values: v } = parseArgs({
    options: {
      dir: { type: 'string' },
      demos: { type: 'string', default: '5' },
      budget: { type: 'string', default: '600' },
      'cost-ratio': { type: 'string', default: '20' },
      'eval-every': { type: 'string', default: '5' },
      'eval-episodes': { type: 'string', default: '10' },
      seed: { type: 'string', default: '0' },
      noise: { type: 'string', default: '0.15' },
      skip: { type: 'string', default: '0.08' },
      think: { type: 'string', default: '1-3' },
      operator: { type: 'string', default: 'h25' },
      rng: { type: 'string', default: '25' },
    },
  })
  if (!v.dir) throw new Error('--dir DIR is required (a scratch folder; the workspace is DIR/workspace.db)')
  const [lo, hi] = v.think.split('-').map(Number)
  const out = await recordPerson({
    dir: v.dir,
    demos: Number(v.demos),
    budget: Number(v.budget),
    costRatio: Number(v['cost-ratio']),
    evalEvery: Number(v['eval-every']),
    evalEpisodes: Number(v['eval-episodes']),
    seed: Number(v.seed),
    noise: Number(v.noise),
    skip: Number(v.skip),
    think: [lo, hi ?? lo],
    operator: v.operator,
    rng: Number(v.rng),
  })
  console.log(JSON.stringify(out))
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main()
