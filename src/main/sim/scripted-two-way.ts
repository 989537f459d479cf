// The scripted expert of the two-way task: a memoryless function of the observation. It chooses the way round
// the wall from the sign of the ball's lateral offset from the wall's centre line (the start noise is symmetric,
// so over episodes either way is taken about half the time), and goes round that side by the visible-corner rule:
// straight to the goal once the wall no longer hides it, else to the far corner of that side, else to the near
// one. Once the ball is clearly on one side, every later state is on that side too, so it keeps going round it.
import type { SpecPolicy } from './policy-spec'
import { TWO_WAY, TWO_WAY_OBS } from './tasks/two-way'

/** clearance of the corner waypoints beyond the ball touching the wall (m) */
const CORNER_MARGIN = 0.04
/** full stick beyond this distance to the waypoint (m); proportional inside it */
const FULL_STICK = 0.1

/** Does the segment from (x0, y0) to (x1, y1) pass through the open box |x - cx| < hx, |y - cy| < hy? */
function segmentHitsBox(x0: number, y0: number, x1: number, y1: number, box: readonly number[]): boolean {
  const [cx, cy, hx, hy] = box
  let t0 = 0
  let t1 = 1
  const d = [x1 - x0, y1 - y0]
  const p = [x0 - cx, y0 - cy]
  const h = [hx, hy]
  for (let i = 0; i < 2; i++) {
    if (Math.abs(d[i]) < 1e-12) {
      if (Math.abs(p[i]) >= h[i]) return false
      continue
    }
    let a = (-h[i] - p[i]) / d[i]
    let b = (h[i] - p[i]) / d[i]
    if (a > b) [a, b] = [b, a]
    t0 = Math.max(t0, a)
    t1 = Math.min(t1, b)
    if (t0 >= t1) return false
  }
  return true
}

/** The side (-1 left, +1 right) the expert takes from this observation: the sign of x from the wall's centre. */
export function twoWaySide(obs: ArrayLike<number>): -1 | 1 {
  return obs[TWO_WAY_OBS.pos] - TWO_WAY.wall[0] < 0 ? -1 : 1
}

/** The action that goes round the wall on the given side (-1 left, +1 right) from this observation. */
export function twoWayGoRound(obs: ArrayLike<number>, side: -1 | 1): Float64Array {
  const x = obs[TWO_WAY_OBS.pos]
  const y = obs[TWO_WAY_OBS.pos + 1]
  const gx = x + obs[TWO_WAY_OBS.goalOffset]
  const gy = y + obs[TWO_WAY_OBS.goalOffset + 1]
  const [cx, cy, hx, hy] = TWO_WAY.wall
  const r = TWO_WAY.ballRadius
  // The wall grown by the ball and half the margin blocks sight; the corners sit outside it.
  const blocking = [cx, cy, hx + r + CORNER_MARGIN / 2, hy + r + CORNER_MARGIN / 2]
  const cornerX = cx + side * (hx + r + CORNER_MARGIN)
  const goalSide = gy > cy ? 1 : -1 // the far corner is on the goal's side of the wall
  const reach = hy + r + CORNER_MARGIN
  let tx = gx
  let ty = gy
  if (segmentHitsBox(x, y, gx, gy, blocking)) {
    tx = cornerX
    ty = segmentHitsBox(x, y, cornerX, cy + goalSide * reach, blocking) ? cy - goalSide * reach : cy + goalSide * reach
  }
  let ax = (tx - x) / FULL_STICK
  let ay = (ty - y) / FULL_STICK
  const n = Math.hypot(ax, ay)
  if (n > 1) {
    ax /= n
    ay /= n
  }
  return Float64Array.of(ax, ay)
}

/** two-way: go round the side the ball is on (memoryless; each side about half the episodes). */
export function twoWayExpert(): SpecPolicy {
  return {
    actDim: 2,
    act: (obs) => twoWayGoRound(obs, twoWaySide(obs)),
  }
}
