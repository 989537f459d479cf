// The page's browser tests share this: the real browser mode with every service, a 1280x800 page with the
// virtual gamepad, and where screenshots go.
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { serviceFactories } from '../../../src/main/api/compose'
import type { ServiceFactory } from '../../../src/main/api/service-types'
import { teleopService } from '../../../src/main/api/services/teleop'
import { demosService } from '../../../src/main/api/services/demos'
import { sessionsService } from '../../../src/main/api/services/sessions'
import { queriesService } from '../../../src/main/api/services/queries'
import { compareService } from '../../../src/main/api/services/compare'
import { jobsService } from '../../../src/main/api/services/jobs'
import { sceneService } from '../../../src/main/api/services/scene'
import { repoRoot } from '../../../src/main/server/page'
import { collectErrors } from '../helpers/chromium'
import { startTestServer, type TestServer } from '../helpers/server'
import { waitFor } from '../../wait-for'
import { installVirtualGamepad } from './virtual-gamepad'

export const SCREENSHOTS = join(repoRoot, 'artifacts/screenshots')

/** The workbench's own service list, plus the page's services where the composition root does not list them yet. */
export function pageFactories(extra: ServiceFactory[] = []): ServiceFactory[] {
  const list = [...serviceFactories]
  for (const f of [
    teleopService,
    demosService,
    sessionsService,
    queriesService,
    compareService,
    jobsService,
    sceneService,
    ...extra,
  ])
    if (!list.includes(f)) list.push(f)
  return list
}

export async function startWorkbench(extra: ServiceFactory[] = []): Promise<TestServer> {
  return startTestServer({ factories: pageFactories(extra) })
}

export interface OpenedPage {
  page: Page
  /** page errors and console errors seen so far */
  errors: string[]
}

export async function openPage(
  browser: Browser,
  served: Pick<TestServer, 'url'>,
  view = 'teleop',
  /** more init scripts, installed before the page loads */
  setup?: (page: Page) => Promise<void>,
): Promise<OpenedPage> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } })
  const errors = collectErrors(page)
  await installVirtualGamepad(page)
  await setup?.(page)
  const url = new URL(served.url)
  url.searchParams.set('view', view)
  await page.goto(url.toString())
  await page.getByTestId(`tab-${view}`).waitFor({ timeout: 30_000 })
  return { page, errors }
}

/** Wait until the scene has drawn `n` more display frames (SceneView counts them in data-frames). */
export async function waitForFrames(page: Page, n: number): Promise<void> {
  const scene = page.getByTestId('scene-view').first()
  const drawn = async (): Promise<number> => Number((await scene.getAttribute('data-frames')) ?? 0)
  const start = await drawn()
  await waitFor(async () => (await drawn()) >= start + n, {
    timeoutMs: 60_000,
    intervalMs: 50,
    message: `${n} display frames`,
  })
}

/** Wait until the Query view has replayed the current prompt's last second and drawn the queried state. */
export async function waitForReplay(page: Page): Promise<void> {
  const hud = page.getByTestId('query-hud')
  await waitFor(async () => (await hud.getAttribute('data-replayed')) === 'true', {
    timeoutMs: 60_000,
    intervalMs: 50,
    message: 'the replay of the last second',
  })
  await waitForFrames(page, 2)
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true })
  const path = join(SCREENSHOTS, `${name}.png`)
  await page.screenshot({ path })
  return path
}

/** The errors shown in the page's error banner (errors are shown, never swallowed). */
export async function shownErrors(page: Page): Promise<string[]> {
  const banner = page.getByTestId('errors')
  if (!(await banner.count())) return []
  return (await banner.locator('li').allTextContents()).map((t) => t.trim())
}
