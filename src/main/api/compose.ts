// The composition root for services: every transport (Electron IPC, the browser-mode server, in-process tests,
// the CLI) builds one workbench here and hands its handlers to dispatch.
import type { ServiceContext, ServiceFactory, ServiceHandlers, WorkbenchOptions } from './service-types'
import { createEventHub, type EventHub } from './events'
import { appService } from './services/app'
import { compareService } from './services/compare'
import { demosService } from './services/demos'
import { jobsService } from './services/jobs'
import { queriesService } from './services/queries'
import { takeoverService } from './services/takeover'
import { adviceService } from './services/advice'
import { sceneService } from './services/scene'
import { sessionsService } from './services/sessions'
import { tasksService } from './services/tasks'
import { teleopService } from './services/teleop'

/**
 * The services of the workbench, in order. Add a service with one line; a later factory may not take over a
 * method an earlier one provides (createWorkbench throws), so two services never silently fight over a method.
 */
export const serviceFactories: ServiceFactory[] = [
  appService,
  teleopService,
  demosService,
  sessionsService,
  queriesService,
  takeoverService,
  adviceService,
  compareService,
  jobsService,
  sceneService,
  tasksService,
]

export interface Workbench {
  readonly handlers: ServiceHandlers
  readonly broadcaster: EventHub
  readonly options: WorkbenchOptions
  /** dispose every resource and run close hooks; safe to call twice */
  close(): Promise<void>
}

export async function createWorkbench(
  options: WorkbenchOptions = {},
  factories: readonly ServiceFactory[] = serviceFactories,
): Promise<Workbench> {
  const broadcaster = createEventHub()
  const closers: (() => void | Promise<void>)[] = []
  const resources = new Map<string, Promise<unknown>>()

  const ctx: ServiceContext = {
    options,
    broadcaster,
    resource<T>(key: string, open: () => T | Promise<T>, dispose?: (value: T) => void | Promise<void>) {
      let p = resources.get(key) as Promise<T> | undefined
      if (!p) {
        p = Promise.resolve().then(open)
        resources.set(key, p)
        p.then(
          (value) => {
            if (dispose) closers.push(() => dispose(value))
          },
          () => resources.delete(key),
        )
      }
      return p
    },
    onClose(fn) {
      closers.push(fn)
    },
  }

  const handlers: Record<string, unknown> = {}
  try {
    for (const factory of factories) {
      const provided = await factory(ctx)
      for (const [method, handler] of Object.entries(provided)) {
        if (handler === undefined) continue
        if (method in handlers) throw new Error(`two services provide ${method}`)
        handlers[method] = handler
      }
    }
  } catch (err) {
    await runClosers(closers)
    throw err
  }

  let closing: Promise<void> | null = null
  return {
    handlers: handlers as ServiceHandlers,
    broadcaster,
    options,
    close() {
      closing ??= Promise.allSettled([...resources.values()]).then(() => runClosers(closers))
      return closing
    },
  }
}

async function runClosers(closers: (() => void | Promise<void>)[]): Promise<void> {
  const errors: unknown[] = []
  for (const fn of closers.splice(0).reverse()) {
    try {
      await fn()
    } catch (err) {
      errors.push(err)
    }
  }
  if (errors.length) throw new AggregateError(errors, `closing the workbench: ${errors.length} error(s)`)
}
