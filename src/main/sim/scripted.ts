// Scripted experts for the operator tasks: analytic controllers on the observation alone (so they are Policies
// like any other): proportional fingertip servoing for the arm, breadth-first waypoints plus PD for the maze,
// and a linear state-feedback balance law for the cart-pole. They live in sim, beside the tasks, because
// policyFromSpec rebuilds a { kind: 'scripted' } spec in any worker; src/main/experts only picks them.
import type { SpecPolicy } from './policy-spec'
import { pickPlaceExpert, pushTExpert } from './scripted-manipulation'
import { twoWayExpert } from './scripted-two-way'
import { ARM, MAZE, mazeCellCenter, mazeCellOf, mazeDistances, mazeOpen } from './tasks/operator'

const clip1 = (x: number): number => (x < -1 ? -1 : x > 1 ? 1 : x)

function reacherExpert(): SpecPolicy {
  return {
    actDim: 2,
    act(obs) {
      // Command a fingertip velocity toward the target, saturating at full stick.
      const dx = obs[10]
      const dy = obs[11]
      const gain = 6 / ARM.maxSpeed
      let vx = dx * gain
      let vy = dy * gain
      const n = Math.hypot(vx, vy)
      if (n > 1) {
        vx /= n
        vy /= n
      }
      return Float64Array.of(vx, vy)
    },
  }
}

function mazeExpert(): SpecPolicy {
  const cache = new Map<string, number[][]>()
  const distancesTo = (r: number, c: number): number[][] => {
    const key = `${r},${c}`
    let d = cache.get(key)
    if (!d) {
      d = mazeDistances([r, c])
      cache.set(key, d)
    }
    return d
  }
  return {
    actDim: 2,
    act(obs) {
      const [x, y, vx, vy, gx, gy] = obs
      const [gr, gc] = mazeCellOf(gx, gy)
      const [r, c] = mazeCellOf(x, y)
      const dist = distancesTo(gr, gc)
      let tx = gx
      let ty = gy
      if (mazeOpen(r, c) && dist[r][c] > 0) {
        // Step to the neighbouring cell nearer the goal.
        let best: [number, number] | null = null
        for (const [dr, dc] of [
          [1, 0],
          [-1, 0],
          [0, 1],
          [0, -1],
        ]) {
          const nr = r + dr
          const nc = c + dc
          if (mazeOpen(nr, nc) && dist[nr][nc] >= 0 && dist[nr][nc] < dist[r][c]) best = [nr, nc]
        }
        if (best) {
          const [cx, cy] = mazeCellCenter(r, c)
          const [nx, ny] = mazeCellCenter(best[0], best[1])
          // Keep to the corridor's centre line while moving along it, so corners are not cut into walls.
          if (best[0] === r) {
            tx = nx
            ty = cy
          } else {
            tx = cx
            ty = ny
          }
        }
      }
      const kp = 6
      const kd = 2.5
      return Float64Array.of(clip1(kp * (tx - x) - kd * vx), clip1(kp * (ty - y) - kd * vy))
    },
  }
}

function cartpoleExpert(): SpecPolicy {
  // u = k . [x, theta, xdot, thetadot]; positive theta leans toward +x, so the cart chases the pole.
  const k = [0.3, 4.0, 0.6, 0.9]
  return {
    actDim: 1,
    act(obs) {
      return Float64Array.of(clip1(k[0] * obs[0] + k[1] * obs[1] + k[2] * obs[2] + k[3] * obs[3]))
    },
  }
}

const SCRIPTED: Record<string, () => SpecPolicy> = {
  'reacher-arm': reacherExpert,
  'point-maze': mazeExpert,
  cartpole: cartpoleExpert,
  'pick-place': pickPlaceExpert,
  'push-t': pushTExpert,
  'two-way': twoWayExpert,
}

export function hasScriptedExpert(taskId: string): boolean {
  return taskId in SCRIPTED
}

export function scriptedPolicy(taskId: string): SpecPolicy {
  const make = SCRIPTED[taskId]
  if (!make) throw new Error(`no scripted expert for task '${taskId}' (have: ${Object.keys(SCRIPTED).join(', ')})`)
  return make()
}

void MAZE
