// A short tone with Web Audio (no sound file): the robot asking the person to take over. One AudioContext for the
// page, made at the first beep (a page the person has clicked in may play sound; before that the browser keeps
// the context suspended and the beep is silent, which is why the banner says it too).

let context: AudioContext | null = null

/** Plays an 880 Hz tone for 0.15 s; false when the page has no Web Audio. */
export function beep(): boolean {
  const Ctor = globalThis.AudioContext
  if (!Ctor) return false
  context ??= new Ctor()
  const ctx = context
  if (ctx.state === 'suspended') void ctx.resume().catch(() => undefined)
  const osc = ctx.createOscillator()
  const gain = ctx.createGain()
  osc.frequency.value = 880
  gain.gain.setValueAtTime(0.2, ctx.currentTime)
  gain.gain.exponentialRampToValueAtTime(0.001, ctx.currentTime + 0.15)
  osc.connect(gain).connect(ctx.destination)
  osc.start()
  osc.stop(ctx.currentTime + 0.15)
  return true
}
