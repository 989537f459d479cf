// gamepad.js 3.0.1 ships no TypeScript declarations; this covers the part the page uses.
declare module 'gamepad.js' {
  export interface GamepadAxisEventDetail {
    gamepad: Gamepad
    index: number
    axis: number
    label: string
    value: number
  }
  export interface GamepadButtonEventDetail {
    gamepad: Gamepad
    index: number
    button: number
    pressed: boolean
    label: string
    value: number
  }
  export interface GamepadConnectionDetail {
    index: number
    gamepad?: Gamepad
    mapping?: string | null
  }
  export interface GamepadEventMap {
    'gamepad:axis': GamepadAxisEventDetail
    'gamepad:button': GamepadButtonEventDetail
    'gamepad:connected': GamepadConnectionDetail
    'gamepad:disconnected': GamepadConnectionDetail
  }
  export interface GamepadOptionGroup {
    analog?: boolean
    deadZone?: number
    precision?: number
  }
  export interface GamepadListenerOptions extends GamepadOptionGroup {
    axis?: GamepadOptionGroup
    button?: GamepadOptionGroup
  }
  /** gamepad.js's own event object (not a DOM CustomEvent) */
  export interface GamepadJsEvent<T> {
    type: string
    detail: T
  }
  export class GamepadListener {
    constructor(options?: GamepadListenerOptions, mappings?: unknown[])
    start(): void
    stop(): void
    on<K extends keyof GamepadEventMap>(name: K, callback: (event: GamepadJsEvent<GamepadEventMap[K]>) => void): void
    off<K extends keyof GamepadEventMap>(name: K, callback: (event: GamepadJsEvent<GamepadEventMap[K]>) => void): void
  }
}
