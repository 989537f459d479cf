// Push-T's coverage (tasks/tee-coverage.ts): exact intersection areas of unions of rotated rectangles, checked
// against hand-computed values and a fine raster; and push-t's info.coverage, with the scripted expert's.
import { afterAll, describe, expect, it } from 'vitest'
import { makeEnv, taskInfo } from '../../../src/main/sim/registry'
import { scriptedPolicy } from '../../../src/main/sim/scripted'
import type { MujocoEnv } from '../../../src/main/sim/mujoco-env'
import { createRng } from '../../../src/main/sim/rng'
import { PUSHT, teeCoverage } from '../../../src/main/sim/tasks/push-t'
import { boxPolygon, shapeCoverage, unionArea, type Box2, type Pose2 } from '../../../src/main/sim/tasks/tee-coverage'

const envs: MujocoEnv[] = []
afterAll(() => envs.forEach((e) => e.close()))

const TEE = PUSHT.boxes
const GOAL = PUSHT.goal
const TEE_AREA = 0.12 * 0.03 + 0.03 * 0.09

/** A pose displaced from the goal by (u, v) in the goal's own frame, turned by dyaw. */
function shifted(u: number, v: number, dyaw = 0): Pose2 {
  const c = Math.cos(GOAL[2])
  const s = Math.sin(GOAL[2])
  return [GOAL[0] + c * u - s * v, GOAL[1] + s * u + c * v, GOAL[2] + dyaw]
}

/** Coverage by the midpoint rule on a grid of `cell` metres over the square of half size `half` round the origin. */
function rasterCoverage(boxes: readonly Box2[], pose: Pose2, goal: Pose2, cell: number, half: number): number {
  const inside = (p: Pose2, x: number, y: number): boolean => {
    const c = Math.cos(p[2])
    const s = Math.sin(p[2])
    const dx = x - p[0]
    const dy = y - p[1]
    const u = c * dx + s * dy
    const v = -s * dx + c * dy
    return boxes.some(([cx, cy, hx, hy]) => Math.abs(u - cx) <= hx && Math.abs(v - cy) <= hy)
  }
  let both = 0
  let target = 0
  const n = Math.round((2 * half) / cell)
  for (let i = 0; i < n; i++) {
    const x = goal[0] - half + (i + 0.5) * cell
    for (let j = 0; j < n; j++) {
      const y = goal[1] - half + (j + 0.5) * cell
      if (inside(goal, x, y)) {
        target++
        if (inside(pose, x, y)) both++
      }
    }
  }
  return both / target
}

describe('tee coverage geometry', () => {
  it("the T's bar and stem touch without overlapping, and the union's area is their sum", () => {
    const [bar, stem] = TEE
    expect(bar[1] - bar[3]).toBeCloseTo(stem[1] + stem[3], 12)
    expect(unionArea(TEE.map((b) => boxPolygon(b, GOAL)))).toBeCloseTo(TEE_AREA, 15)
  })

  it('identical poses give 1, poses far apart give 0', () => {
    const rng = createRng(1)
    for (let i = 0; i < 20; i++) {
      const p: Pose2 = [rng.uniform(-0.2, 0.2), rng.uniform(-0.2, 0.2), rng.uniform(-Math.PI, Math.PI)]
      expect(shapeCoverage(TEE, p, p)).toBeCloseTo(1, 12)
    }
    expect(teeCoverage(GOAL[0], GOAL[1], GOAL[2])).toBeCloseTo(1, 12)
    expect(teeCoverage(0.25, 0, 0)).toBe(0)
    expect(teeCoverage(-0.2, 0.2, 1)).toBe(0)
  })

  it('known shifts and turns give the hand-computed shares', () => {
    // 1 cm along the bar: bars 11 x 3 cm, stems 2 x 9 cm, bar-stem 0 -> 51 / 63 cm^2
    expect(shapeCoverage(TEE, shifted(0.01, 0), GOAL)).toBeCloseTo(17 / 21, 12)
    // 1 cm along the stem: bars 12 x 2, stems 3 x 8, the shifted stem reaches 1 cm into the bar: 3 x 1 -> 51 / 63
    expect(shapeCoverage(TEE, shifted(0, 0.01), GOAL)).toBeCloseTo(17 / 21, 12)
    // 2 cm along the stem: 12 x 1 + 3 x 7 + 3 x 2 = 39 / 63
    expect(shapeCoverage(TEE, shifted(0, 0.02), GOAL)).toBeCloseTo(13 / 21, 12)
    // half a turn about the frame's origin: bar-stem twice 3 x 3, stems 3 x 2.14 cm -> 24.42 / 63
    expect(shapeCoverage(TEE, shifted(0, 0, Math.PI), GOAL)).toBeCloseTo(24.42 / 63, 12)
    // the pose's frame and the board's are both covered: teeCoverage is shapeCoverage at PUSHT.goal
    const p = shifted(0.004, -0.003, 0.05)
    expect(teeCoverage(p[0], p[1], p[2])).toBe(shapeCoverage(TEE, p, GOAL))
  })

  it('agrees with a 0.25 mm raster to within 3e-3, is symmetric and stays in [0, 1]', () => {
    const rng = createRng(7)
    for (let i = 0; i < 8; i++) {
      const p = shifted(rng.uniform(-0.04, 0.04), rng.uniform(-0.04, 0.04), rng.uniform(-1, 1))
      const exact = shapeCoverage(TEE, p, GOAL)
      expect(Math.abs(exact - rasterCoverage(TEE, p, GOAL, 0.00025, 0.085))).toBeLessThan(3e-3)
    }
    for (let i = 0; i < 300; i++) {
      const p: Pose2 = [rng.uniform(-0.1, 0.1), rng.uniform(-0.1, 0.1), rng.uniform(-Math.PI, Math.PI)]
      const c = teeCoverage(p[0], p[1], p[2])
      expect(c).toBeGreaterThanOrEqual(0)
      expect(c).toBeLessThanOrEqual(1)
      expect(shapeCoverage(TEE, GOAL, p)).toBeCloseTo(c, 12)
    }
  })

  it('handles parts of one shape that overlap (a plus sign) by inclusion-exclusion', () => {
    const plus: Box2[] = [
      [0, 0, 0.05, 0.01],
      [0, 0, 0.01, 0.05],
    ]
    const at: Pose2 = [0, 0, 0]
    expect(unionArea(plus.map((b) => boxPolygon(b, at)))).toBeCloseTo(0.002 + 0.002 - 0.0004, 15)
    expect(shapeCoverage(plus, at, at)).toBeCloseTo(1, 12)
    // 1 cm along x (cm): the bars overlap 9 x 2, the posts outside the bars 1 x 8 -> 26 / 36
    expect(shapeCoverage(plus, [0.01, 0, 0], at)).toBeCloseTo(26 / 36, 12)
    const rng = createRng(3)
    for (let i = 0; i < 4; i++) {
      const p: Pose2 = [rng.uniform(-0.03, 0.03), rng.uniform(-0.03, 0.03), rng.uniform(-1, 1)]
      expect(Math.abs(shapeCoverage(plus, p, at) - rasterCoverage(plus, p, at, 0.00025, 0.06))).toBeLessThan(3e-3)
    }
  })
})

describe('push-t info.coverage', () => {
  const open = async (): Promise<MujocoEnv> => {
    const e = await makeEnv('push-t')
    envs.push(e)
    return e
  }

  it("is reported on every step, in [0, 1], for the block's pose", async () => {
    const env = await open()
    let obs = env.reset(5)
    for (let t = 0; t < 40; t++) {
      const r = env.step([Math.sin(t / 3), Math.cos(t / 5)])
      obs = r.observation
      const c = r.info.coverage
      expect(typeof c).toBe('number')
      expect(c).toBeGreaterThanOrEqual(0)
      expect(c).toBeLessThanOrEqual(1)
      expect(c).toBeCloseTo(teeCoverage(obs[4], obs[5], Math.atan2(obs[7], obs[6])), 12)
      if (r.terminated) break
    }
  })

  // Measured on seeds 0-49 (same expert, same code): every episode succeeds; coverage at the success step (which
  // ends the episode) has mean 0.857 (min 0.730, 13 of 50 at 0.9 or more): the pose thresholds (1 cm, 5 degrees)
  // admit coverage down to about 0.75. Kept stepping to the 300-step horizon, the expert's coverage ends at mean
  // 0.950 (min 0.909). Seeds 0-9: 0.906 at success, 0.941 at the horizon.
  it("the scripted expert's coverage: at the success step, and held to the horizon", async () => {
    const env = await open()
    const expert = scriptedPolicy('push-t')
    const atEnd: number[] = []
    const atHorizon: number[] = []
    const horizon = taskInfo('push-t').horizon
    for (let seed = 0; seed < 10; seed++) {
      let obs = env.reset(seed)
      let ended = false
      let last = 0
      for (let t = 0; t < horizon; t++) {
        const r = env.step(expert.act(obs))
        obs = r.observation
        last = r.info.coverage as number
        if ((r.terminated || r.truncated) && !ended) {
          ended = true
          expect(r.info.success).toBe(true)
          atEnd.push(last)
        }
      }
      atHorizon.push(last)
    }
    const mean = (xs: number[]): number => xs.reduce((s, x) => s + x, 0) / xs.length
    console.log(
      `push-t expert coverage, seeds 0-9: at success ${mean(atEnd).toFixed(3)} (min ${Math.min(...atEnd).toFixed(3)}), at the horizon ${mean(atHorizon).toFixed(3)} (min ${Math.min(...atHorizon).toFixed(3)})`,
    )
    expect(atEnd).toHaveLength(10)
    expect(mean(atEnd)).toBeGreaterThan(0.8)
    expect(Math.min(...atEnd)).toBeGreaterThan(0.7)
    expect(mean(atHorizon)).toBeGreaterThan(0.9)
  })
})
