// Scripted experts for the manipulation tasks. Like the other scripted experts they read the observation alone
// and keep no memory, so the oracle can be asked at any state (DAgger labels states the learner visits): the
// phase of the task is recognised from the observation each step.
import type { SpecPolicy } from './policy-spec'
import { PICK, PICK_OBS } from './tasks/pick-place'
import { PUSHT, insideTee, wrapAngle } from './tasks/push-t'

const clip1 = (x: number): number => (x < -1 ? -1 : x > 1 ? 1 : x)

/** pick-place: hover over the cube with the fingers across it, descend, close, lift, carry, lower, let go. */
export function pickPlaceExpert(): SpecPolicy {
  const gain = 6 / PICK.maxSpeed // full stick at 4 cm of error
  const hover = 0.08 // above the cube's centre while aligning
  const carry = 0.1 // cube centre height while carrying
  return {
    actDim: 5,
    act(obs) {
      const g = [obs[PICK_OBS.grip], obs[PICK_OBS.grip + 1], obs[PICK_OBS.grip + 2]]
      const opening = obs[PICK_OBS.opening]
      const c = [obs[PICK_OBS.cube], obs[PICK_OBS.cube + 1], obs[PICK_OBS.cube + 2]]
      const yawErr = obs[PICK_OBS.yawError]
      const zone = [obs[PICK_OBS.zone], obs[PICK_OBS.zone + 1]]
      const toCube = Math.hypot(c[0] - g[0], c[1] - g[1])
      const inHand = toCube < 0.015 && Math.abs(c[2] - g[2]) < 0.015
      const held = inHand && opening < PICK.cubeHalf + 0.004 && opening > PICK.cubeHalf - 0.01
      const toZone = Math.hypot(zone[0] - c[0], zone[1] - c[1])
      const resting = c[2] < PICK.cubeHalf + 0.004
      const out = new Float64Array(5)
      const moveTo = (x: number, y: number, z: number): void => {
        out[0] = clip1(gain * (x - g[0]))
        out[1] = clip1(gain * (y - g[1]))
        out[2] = clip1(gain * (z - g[2]))
      }
      if (toZone < PICK.successRadius * 0.5 && resting) {
        // Placed: let go and back off upward once open.
        out[4] = -1
        if (opening > PICK.cubeHalf + 0.006) moveTo(g[0], g[1], c[2] + hover)
        return out
      }
      if (held) {
        out[4] = 1
        if (toZone > 0.01) {
          // Lift first, then carry at height, then lower.
          const high = c[2] > carry - 0.02
          if (high) moveTo(g[0] + (zone[0] - c[0]), g[1] + (zone[1] - c[1]), g[2] + (carry - c[2]))
          else moveTo(g[0], g[1], g[2] + (carry - c[2]))
        } else moveTo(g[0] + (zone[0] - c[0]), g[1] + (zone[1] - c[1]), g[2] + (PICK.cubeHalf + 0.002 - c[2]))
        return out
      }
      if (toCube < 0.008 && Math.abs(c[2] - g[2]) < 0.006 && Math.abs(yawErr) < 0.1) {
        out[4] = 1 // at grasp height: close, stand still
        return out
      }
      out[4] = -1
      out[3] = clip1((4 * yawErr) / PICK.maxYawRate)
      const open = opening > PICK.fingerOpen - 0.006
      if (toCube < 0.012 && Math.abs(yawErr) < 0.1 && open) moveTo(c[0], c[1], c[2])
      else if (g[2] < c[2] + hover - 0.03 && toCube > 0.012) moveTo(g[0], g[1], c[2] + hover)
      else moveTo(c[0], c[1], c[2] + hover)
      return out
    },
  }
}

interface Contact {
  /** point on the block's outline and its outward normal, in the block's frame */
  x: number
  y: number
  nx: number
  ny: number
}

/** Points every 1 cm along the T's outline that the round pusher can touch (not deep in the inner corners). */
export function teeContacts(): Contact[] {
  const [[, by, bhx, bhy], [, sy, shx, shy]] = PUSHT.boxes
  const r = PUSHT.pusherRadius
  const top = by + bhy
  const under = by - bhy
  const bottom = sy - shy
  const out: Contact[] = []
  const edge = (x0: number, y0: number, x1: number, y1: number, nx: number, ny: number): void => {
    const len = Math.hypot(x1 - x0, y1 - y0)
    const n = Math.max(1, Math.round(len / 0.01))
    for (let i = 0; i <= n; i++) out.push({ x: x0 + ((x1 - x0) * i) / n, y: y0 + ((y1 - y0) * i) / n, nx, ny })
  }
  edge(-bhx, top, bhx, top, 0, 1)
  edge(-bhx, under, -bhx, top, -1, 0)
  edge(bhx, under, bhx, top, 1, 0)
  edge(-bhx, under, -shx - r, under, 0, -1)
  edge(shx + r, under, bhx, under, 0, -1)
  edge(-shx, bottom, -shx, under - r, -1, 0)
  edge(shx, bottom, shx, under - r, 1, 0)
  edge(-shx, bottom, shx, bottom, 0, -1)
  return out
}

/**
 * push-t: choose where to push from the pose error. A push at a point of the outline along its inward normal
 * moves the block roughly along the force and turns it by the force's moment (quasi-static pushing with a
 * friction limit surface, Goyal, Ruina and Papadopoulos 1991, approximated by a sphere of radius LS); the expert
 * takes the reachable point whose motion best matches the error (a little preference for points near the
 * pusher keeps it from hopping between equally good ones), goes around the block to it, and pushes.
 */
export function pushTExpert(): SpecPolicy {
  const contacts = teeContacts()
  const r = PUSHT.pusherRadius
  const LS = 0.04 // limit-surface radius: how far from the centre a push turns as much as it translates
  const L = 0.06 // weight of angle error against position error (m per rad)
  const orbit = 0.115 // clear of the block (its farthest point is 8 cm from the centre) plus the pusher
  return {
    actDim: 2,
    act(obs) {
      const p = [obs[0], obs[1]]
      const t = [obs[4], obs[5]]
      const c = obs[6]
      const s = obs[7]
      const ex = obs[8]
      const ey = obs[9]
      const eth = obs[10]
      const out = new Float64Array(2)
      const err = Math.hypot(ex, ey, L * eth)
      if (Math.hypot(ex, ey) < PUSHT.successDistance * 0.4 && Math.abs(eth) < PUSHT.successAngle * 0.4) return out
      const toWorld = (x: number, y: number): [number, number] => [t[0] + c * x - s * y, t[1] + s * x + c * y]
      const toLocal = (x: number, y: number): [number, number] => {
        const dx = x - t[0]
        const dy = y - t[1]
        return [c * dx + s * dy, -s * dx + c * dy]
      }
      // Best contact.
      let best: Contact | null = null
      let bestScore = -Infinity
      for (const k of contacts) {
        const nwx = c * k.nx - s * k.ny
        const nwy = s * k.nx + c * k.ny
        const [wx, wy] = toWorld(k.x, k.y)
        const fx = -nwx
        const fy = -nwy
        const rx = wx - t[0]
        const ry = wy - t[1]
        const turn = (L * (rx * fy - ry * fx)) / (LS * LS)
        const norm = Math.hypot(fx, fy, turn)
        const score = (fx * ex + fy * ey + turn * L * eth) / (norm * err)
        const ax = wx + nwx * (r + 0.004)
        const ay = wy + nwy * (r + 0.004)
        const far = Math.hypot(ax - p[0], ay - p[1])
        const total = score - 0.4 * far
        if (total > bestScore) {
          bestScore = total
          best = k
        }
      }
      const k = best!
      const nwx = c * k.nx - s * k.ny
      const nwy = s * k.nx + c * k.ny
      const [wx, wy] = toWorld(k.x, k.y)
      const pre = [wx + nwx * (r + 0.004), wy + nwy * (r + 0.004)]
      const gain = 8
      const goTo = (x: number, y: number, speed = 1): void => {
        let vx = (gain * (x - p[0])) / PUSHT.maxSpeed
        let vy = (gain * (y - p[1])) / PUSHT.maxSpeed
        const n = Math.hypot(vx, vy)
        if (n > speed) {
          vx *= speed / n
          vy *= speed / n
        }
        out[0] = vx
        out[1] = vy
      }
      if (Math.hypot(pre[0] - p[0], pre[1] - p[1]) < 0.012) {
        // In place: push inward, harder the larger the error.
        const depth = Math.min(0.03, 0.005 + 0.25 * err)
        goTo(wx - nwx * (depth - r), wy - nwy * (depth - r), Math.min(1, 0.3 + 4 * err))
        return out
      }
      // Straight to the pre-contact point when the way is clear of the block (grown by most of the pusher),
      // else to a stand-off point further out along the normal, from which the way in is straight.
      const [lx0, ly0] = toLocal(p[0], p[1])
      const clearTo = (x: number, y: number): boolean => {
        const [lx1, ly1] = toLocal(x, y)
        for (let i = 1; i <= 12; i++) {
          const f = i / 12
          if (insideTee(lx0 + (lx1 - lx0) * f, ly0 + (ly1 - ly0) * f, r * 0.9)) return false
        }
        return true
      }
      if (clearTo(pre[0], pre[1])) {
        goTo(pre[0], pre[1])
        return out
      }
      const stand = [pre[0] + nwx * 0.04, pre[1] + nwy * 0.04]
      if (clearTo(stand[0], stand[1])) {
        goTo(stand[0], stand[1])
        return out
      }
      // Go around: outward first (the T is star-shaped about its centre), then along a circle toward the point.
      const rp = Math.hypot(p[0] - t[0], p[1] - t[1])
      const ap = Math.atan2(p[1] - t[1], p[0] - t[0])
      const aq = Math.atan2(pre[1] - t[1], pre[0] - t[0])
      const dA = wrapAngle(aq - ap)
      const step = Math.sign(dA) * Math.min(Math.abs(dA), 0.7)
      const rad = Math.max(orbit, rp)
      const a = rp < orbit - 0.015 ? ap + 0.3 * step : ap + step
      goTo(t[0] + rad * Math.cos(a), t[1] + rad * Math.sin(a))
      return out
    },
  }
}
