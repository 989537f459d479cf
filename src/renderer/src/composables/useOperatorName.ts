// Who is at the controls: asked once in the page and remembered in this browser (localStorage), then stored with
// every demonstration recorded and every query answered, so sessions and `iwb cost` can tell operators apart.
import { effectScope, ref, watch, type Ref } from 'vue'

const KEY = 'iwb.operator'
/** the store keeps at most 100 characters (contract: teleop.record, queries.answer) */
export const OPERATOR_MAX = 100

export interface OperatorNameOptions {
  /** injected by tests; default window.localStorage when there is one */
  storage?: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'> | null
}

/** The operator's name as typed (trimmed and bounded when read through `current()`); '' when not given. */
export interface OperatorNameRef {
  name: Ref<string>
  current: () => string | undefined
}

/** the page's one name (default storage): every view and the query inbox see a change at once */
let shared: OperatorNameRef | null = null

export function useOperatorName(options: OperatorNameOptions = {}): OperatorNameRef {
  if (options.storage === undefined) {
    // created once, outside any component, so its watch outlives the view that asked first
    shared ??= effectScope(true).run(() => named(typeof window !== 'undefined' ? window.localStorage : null))!
    return shared
  }
  return named(options.storage)
}

function named(storage: OperatorNameOptions['storage']): OperatorNameRef {
  const read = (): string => {
    try {
      return storage?.getItem(KEY) ?? ''
    } catch {
      return '' // storage refused (private mode): the name lasts for this page only
    }
  }
  const name = ref(read())
  watch(name, (v) => {
    try {
      const t = v.trim()
      if (t) storage?.setItem(KEY, t.slice(0, OPERATOR_MAX))
      else storage?.removeItem(KEY)
    } catch {
      /* not remembered; still used on this page */
    }
  })
  const current = (): string | undefined => name.value.trim().slice(0, OPERATOR_MAX) || undefined
  return { name, current }
}
