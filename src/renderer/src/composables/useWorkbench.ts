// The connected API and the page-wide error list, handed to every view through provide/inject.
import { inject, provide, reactive, type InjectionKey } from 'vue'
import type { WorkbenchApi } from '../../../shared/contract'

export interface PageError {
  id: number
  context: string
  message: string
  at: Date
}

export interface ErrorLog {
  readonly items: PageError[]
  report(context: string, err: unknown): void
  dismiss(id: number): void
}

export function describeError(err: unknown): string {
  if (err instanceof Error) return err.message
  if (typeof err === 'string') return err
  try {
    return JSON.stringify(err)
  } catch {
    return String(err)
  }
}

export function createErrorLog(consoleLike: Pick<Console, 'warn'> = console): ErrorLog {
  let next = 1
  const items = reactive<PageError[]>([])
  return {
    items,
    report(context, err) {
      consoleLike.warn(`[${context}]`, err)
      items.push({ id: next++, context, message: describeError(err), at: new Date() })
      if (items.length > 6) items.splice(0, items.length - 6)
    },
    dismiss(id) {
      const i = items.findIndex((e) => e.id === id)
      if (i >= 0) items.splice(i, 1)
    },
  }
}

const apiKey: InjectionKey<WorkbenchApi> = Symbol('workbench-api')
const errorsKey: InjectionKey<ErrorLog> = Symbol('error-log')

export function provideWorkbench(api: WorkbenchApi, errors: ErrorLog): void {
  provide(apiKey, api)
  provide(errorsKey, errors)
}

export function useApi(): WorkbenchApi {
  const api = inject(apiKey)
  if (!api) throw new Error('useApi() called outside the workbench app')
  return api
}

export function useErrors(): ErrorLog {
  const errors = inject(errorsKey)
  if (!errors) throw new Error('useErrors() called outside the workbench app')
  return errors
}

/** Run an API call, reporting (never swallowing) a failure; resolves to undefined when it failed. */
export async function attempt<T>(errors: ErrorLog, context: string, fn: () => Promise<T>): Promise<T | undefined> {
  try {
    return await fn()
  } catch (err) {
    errors.report(context, err)
    return undefined
  }
}
