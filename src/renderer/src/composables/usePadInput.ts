// Controls from a standard-mapping gamepad (through gamepad.js), the keyboard and mouse-dragged sticks, merged
// into one PadState snapshot. gamepad.js emits only on change, so the latest values are kept here; it stops
// polling after any uncaught page error (it listens to window 'error'), so polling is re-armed here.
import { GamepadListener } from 'gamepad.js'
import {
  computed,
  inject,
  onScopeDispose,
  provide,
  ref,
  shallowRef,
  type ComputedRef,
  type InjectionKey,
  type Ref,
  type ShallowRef,
} from 'vue'
import {
  AXES,
  BUTTONS,
  Button,
  applyDeadZone,
  emptyPadState,
  mergePadStates,
  type PadState,
} from '../input/pad-state'
import { KEY_AXES, KEY_BUTTONS, isTypingTarget, keyboardPadState } from '../input/keyboard'

export interface GamepadListenerLike {
  start(): void
  stop(): void
  on(name: string, cb: (e: { detail: any }) => void): void // eslint-disable-line @typescript-eslint/no-explicit-any
  off(name: string, cb: (e: { detail: any }) => void): void // eslint-disable-line @typescript-eslint/no-explicit-any
}

export interface PadInputOptions {
  window?: Window
  /** radial dead zone radius on each stick */
  deadZone?: number
  /** button index that must be held for the action to be non-zero */
  deadmanButton?: number
  createListener?: () => GamepadListenerLike
}

export type InputSource = 'gamepad' | 'keyboard' | 'mouse' | 'none'

export interface PadInput {
  /** merged controls; all zero while the window is unfocused */
  state: ShallowRef<PadState>
  deadman: ComputedRef<boolean>
  focused: Ref<boolean>
  padId: Ref<string | null>
  source: Ref<InputSource>
  /** how many times polling was restarted after a page error */
  rearms: Ref<number>
  /** null when no gamepad support (keyboard only) */
  padError: Ref<string | null>
  /** mouse fallback: set a stick (0 left, 1 right) from a drag, or release it with null */
  setPointerStick(stick: 0 | 1, value: [number, number] | null): void
  /** called on each button press edge (any source) while focused */
  onPress(handler: (button: number) => void): () => void
}

export function usePadInput(options: PadInputOptions = {}): PadInput {
  const win = options.window ?? window
  const deadZone = options.deadZone ?? 0.15
  const deadmanButton = options.deadmanButton ?? Button.rightBumper

  const state = shallowRef<PadState>(emptyPadState())
  const focused = ref(win.document?.hasFocus?.() ?? true)
  const padId = ref<string | null>(null)
  const source = ref<InputSource>('none')
  const rearms = ref(0)
  const padError = ref<string | null>(null)

  const rawAxes = new Float32Array(AXES)
  const rawButtons = new Float32Array(BUTTONS)
  const keysDown = new Set<string>()
  const pointer = emptyPadState()
  let pointerActive = false
  const pressHandlers = new Set<(button: number) => void>()
  let publishQueued = false

  function publish(): void {
    publishQueued = false
    if (!focused.value) {
      state.value = emptyPadState()
      return
    }
    const pad: PadState = { axes: applyDeadZone(rawAxes, deadZone), buttons: rawButtons.slice() }
    let merged = mergePadStates(pad, keyboardPadState(keysDown))
    if (pointerActive) {
      merged = mergePadStates(merged, pointer)
      merged.buttons[deadmanButton] = 1 // dragging a stick with the mouse is itself holding to act
    }
    state.value = merged
  }
  function schedule(): void {
    if (publishQueued) return
    publishQueued = true
    queueMicrotask(publish)
  }
  function press(button: number): void {
    if (!focused.value) return
    for (const h of pressHandlers) h(button)
  }

  // --- gamepad.js
  let listener: GamepadListenerLike | null = null
  const onAxis = (e: { detail: { axis: number; value: number; gamepad: Gamepad } }): void => {
    if (e.detail.axis < AXES) rawAxes[e.detail.axis] = e.detail.value
    padId.value = e.detail.gamepad?.id ?? padId.value
    if (focused.value && Math.abs(e.detail.value) > deadZone) source.value = 'gamepad'
    schedule()
  }
  const onButton = (e: { detail: { button: number; value: number; pressed: boolean } }): void => {
    const before = rawButtons[e.detail.button] ?? 0
    if (e.detail.button < BUTTONS) rawButtons[e.detail.button] = e.detail.value
    if (focused.value && e.detail.value > 0.1) source.value = 'gamepad'
    if (before < 0.5 && e.detail.value >= 0.5) press(e.detail.button)
    schedule()
  }
  const onConnected = (e: { detail: { gamepad?: Gamepad } }): void => {
    padId.value = e.detail.gamepad?.id ?? 'gamepad'
  }
  const onDisconnected = (): void => {
    padId.value = null
    rawAxes.fill(0)
    rawButtons.fill(0)
    schedule()
  }
  try {
    listener = options.createListener ? options.createListener() : (new GamepadListener({ analog: true }) as GamepadListenerLike)
    listener.on('gamepad:axis', onAxis)
    listener.on('gamepad:button', onButton)
    listener.on('gamepad:connected', onConnected)
    listener.on('gamepad:disconnected', onDisconnected)
    listener.start()
  } catch (err) {
    listener = null
    padError.value = err instanceof Error ? err.message : String(err)
  }

  // gamepad.js registered its stop() on window 'error' first; restart after it ran
  const onPageError = (): void => {
    if (!listener) return
    setTimeout(() => {
      listener?.start()
      rearms.value++
    }, 0)
  }

  // --- keyboard
  const onKeyDown = (e: KeyboardEvent): void => {
    if (isTypingTarget(e.target)) return
    const known = e.code in KEY_AXES || e.code in KEY_BUTTONS
    if (!known) return
    const tag = (e.target as HTMLElement | null)?.tagName?.toUpperCase()
    // Enter on a focused button/link activates it; leave that alone
    if (e.code === 'Enter' && (tag === 'BUTTON' || tag === 'A' || tag === 'INPUT' || tag === 'SELECT')) return
    e.preventDefault() // no page scroll on arrows/space, no button click on space
    if (!keysDown.has(e.code)) {
      keysDown.add(e.code)
      focused.value = true
      source.value = 'keyboard'
      const button = KEY_BUTTONS[e.code]
      if (button !== undefined && !e.repeat) press(button)
    }
    schedule()
  }
  const onKeyUp = (e: KeyboardEvent): void => {
    // a focused button clicks on Space's keyup: Space is the hold-to-act key here, not a click
    if (e.code === 'Space' && !isTypingTarget(e.target)) e.preventDefault()
    if (keysDown.delete(e.code)) schedule()
  }
  const onBlur = (): void => {
    focused.value = false
    keysDown.clear()
    pointerActive = false
    schedule()
  }
  const onFocus = (): void => {
    focused.value = true
    schedule()
  }

  win.addEventListener('error', onPageError)
  win.addEventListener('keydown', onKeyDown)
  win.addEventListener('keyup', onKeyUp)
  win.addEventListener('blur', onBlur)
  win.addEventListener('focus', onFocus)

  onScopeDispose(() => {
    win.removeEventListener('error', onPageError)
    win.removeEventListener('keydown', onKeyDown)
    win.removeEventListener('keyup', onKeyUp)
    win.removeEventListener('blur', onBlur)
    win.removeEventListener('focus', onFocus)
    if (listener) {
      listener.off('gamepad:axis', onAxis)
      listener.off('gamepad:button', onButton)
      listener.off('gamepad:connected', onConnected)
      listener.off('gamepad:disconnected', onDisconnected)
      listener.stop()
    }
    pressHandlers.clear()
  })

  return {
    state,
    deadman: computed(() => state.value.buttons[deadmanButton] >= 0.5),
    focused,
    padId,
    source,
    rearms,
    padError,
    setPointerStick(stick, value) {
      if (value === null) {
        pointer.axes.fill(0)
        pointerActive = false
      } else {
        pointer.axes[stick * 2] = value[0]
        pointer.axes[stick * 2 + 1] = value[1]
        pointerActive = true
        focused.value = true
        source.value = 'mouse'
      }
      schedule()
    },
    onPress(handler) {
      pressHandlers.add(handler)
      return () => pressHandlers.delete(handler)
    },
  }
}

const padKey: InjectionKey<PadInput> = Symbol('pad-input')

/** One input source per window, shared by the views. */
export function providePadInput(pad: PadInput): void {
  provide(padKey, pad)
}

export function usePad(): PadInput {
  const pad = inject(padKey)
  if (!pad) throw new Error('usePad() called outside the workbench app')
  return pad
}
