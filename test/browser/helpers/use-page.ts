// The one set-up of the browser tests: registers beforeAll/afterAll that start the real browser mode (every
// service, a workspace in a temp dir) and launch Chromium, then close both; `open` opens the page on a view.
//
//   const wb = useWorkbenchPage()
//   it('...', async () => { const { page, errors } = await wb.open('sessions'); ... wb.db ... })
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll } from 'vitest'
import { openPage, startWorkbench, type OpenedPage } from '../support/workbench'
import { launchChromium } from './chromium'
import type { TestServer } from './server'

/** What the page is served by: the in-process test server, or another (a child `iwb serve`). */
export interface Served {
  /** the address to open (with ?token= when a token is in force) */
  url: string
  close(): Promise<void>
}

export interface WorkbenchPage<S extends Served> {
  /** set in beforeAll */
  readonly browser: Browser
  readonly served: S
  /** the workspace file of a test server (its temp dir's workspace.db) */
  readonly db: string
  /** a 1280x800 page with the virtual gamepad on `view`; `setup` adds init scripts before it loads */
  open(view?: string, setup?: (page: Page) => Promise<void>): Promise<OpenedPage>
}

export function useWorkbenchPage(): WorkbenchPage<TestServer>
export function useWorkbenchPage<S extends Served>(options: { start: () => Promise<S> }): WorkbenchPage<S>
export function useWorkbenchPage(options: { start?: () => Promise<Served> } = {}): WorkbenchPage<Served> {
  let browser: Browser | undefined
  let served: Served | undefined
  const ready = <T>(v: T | undefined, what: string): T => {
    if (v === undefined) throw new Error(`${what} is set in beforeAll: use it inside a test or hook`)
    return v
  }
  beforeAll(async () => {
    served = await (options.start ?? startWorkbench)()
    browser = await launchChromium()
  })
  afterAll(async () => {
    await browser?.close()
    await served?.close()
  })
  return {
    get browser() {
      return ready(browser, 'the browser')
    },
    get served() {
      return ready(served, 'the server')
    },
    get db() {
      return join(ready(served as TestServer | undefined, 'the server').dir, 'workspace.db')
    },
    open: (view, setup) => openPage(ready(browser, 'the browser'), ready(served, 'the server'), view, setup),
  }
}
