// Controls from a standard-mapping gamepad, the keyboard and mouse-dragged sticks, merged into one PadState
// snapshot. The pad is read on its own timer (input/pad-poller.ts), not per drawn frame, so a short press counts
// at any frame rate; an uncaught error elsewhere in the page cannot stop that timer.
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
import { AXES, BUTTONS, Button, applyDeadZone, emptyPadState, mergePadStates, type PadState } from '../input/pad-state'
import { KEY_AXES, KEY_BUTTONS, isTypingTarget, keyboardPadState } from '../input/keyboard'
import { startPadPoller, type PadPoller } from '../input/pad-poller'

export interface PadInputOptions {
  window?: Window
  /** radial dead zone radius on each stick */
  deadZone?: number
  /** button index that must be held for the action to be non-zero */
  deadmanButton?: number
  /** default the window's navigator.getGamepads; a fake in tests */
  getGamepads?: () => ArrayLike<Gamepad | null>
  /** pad reads per second (bounded by pad-poller's POLL_HZ_MIN..MAX) */
  pollHz?: number
}

export type InputSource = 'gamepad' | 'keyboard' | 'mouse' | 'none'

export interface PadInput {
  /** merged controls; all zero while the window is unfocused */
  state: ShallowRef<PadState>
  deadman: ComputedRef<boolean>
  focused: Ref<boolean>
  padId: Ref<string | null>
  source: Ref<InputSource>
  /** pad reads per second (0 without gamepad support) */
  pollHz: number
  /** set when the pad cannot be read (keyboard and mouse still work) */
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

  // --- the pad, on its own timer
  let poller: PadPoller | null = null
  const getGamepads = options.getGamepads ?? (() => win.navigator.getGamepads())
  if (options.getGamepads || typeof win.navigator?.getGamepads === 'function') {
    poller = startPadPoller({
      getGamepads,
      hz: options.pollHz,
      onChange(reading, pressed) {
        padId.value = reading.id
        const moved = reading.axes.some((v, i) => v !== rawAxes[i] && Math.abs(v) > deadZone)
        const pushed = reading.buttons.some((v, i) => v !== rawButtons[i] && v > 0.1)
        rawAxes.set(reading.axes)
        rawButtons.set(reading.buttons)
        if (focused.value && (moved || pushed)) source.value = 'gamepad'
        for (const b of pressed) press(b)
        schedule()
      },
      onError(message) {
        padError.value = message
      },
    })
  } else {
    padError.value = 'this browser has no Gamepad API'
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

  win.addEventListener('keydown', onKeyDown)
  win.addEventListener('keyup', onKeyUp)
  win.addEventListener('blur', onBlur)
  win.addEventListener('focus', onFocus)

  onScopeDispose(() => {
    win.removeEventListener('keydown', onKeyDown)
    win.removeEventListener('keyup', onKeyUp)
    win.removeEventListener('blur', onBlur)
    win.removeEventListener('focus', onFocus)
    poller?.stop()
    pressHandlers.clear()
  })

  return {
    state,
    deadman: computed(() => state.value.buttons[deadmanButton] >= 0.5),
    focused,
    padId,
    source,
    pollHz: poller?.hz ?? 0,
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
