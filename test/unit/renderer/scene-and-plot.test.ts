// Scene building (MuJoCo conventions into three.js) and the comparison plot's data, in plain Node.
import * as THREE from 'three'
import { describe, expect, it } from 'vitest'
import type { EvaluationPoint, SceneGeometry, SessionInfo } from '../../../src/shared/contract'
import { buildScene, geomGeometry, mjQuat } from '../../../src/renderer/src/scene/build-scene'
import {
  comparisonFigure,
  curveName,
  curvesCsv,
  groupCurves,
  panelFor,
  summarize,
} from '../../../src/renderer/src/compare/plot'
import { PolicyChoice } from '../../../src/shared/policy-config'
import { measuresOf, renderFigure } from '../../../src/shared/plot'

const geom = (type: SceneGeometry['geoms'][number]['type'], size: number[]) => ({
  name: type,
  type,
  body: 1,
  size,
  pos: [0, 0, 0],
  quat: [1, 0, 0, 0],
  rgba: [0.5, 0.5, 0.5, 1],
})

function extent(g: THREE.BufferGeometry): THREE.Vector3 {
  g.computeBoundingBox()
  return g.boundingBox!.getSize(new THREE.Vector3())
}

describe('MuJoCo geoms as three.js geometry', () => {
  it('runs capsules and cylinders along local z with size = [radius, half-length]', () => {
    const cap = extent(geomGeometry(geom('capsule', [0.05, 0.2]), 1)!)
    expect(cap.z).toBeCloseTo(2 * 0.2 + 2 * 0.05, 3)
    expect(cap.x).toBeCloseTo(0.1, 2)
    const cyl = extent(geomGeometry(geom('cylinder', [0.1, 0.3]), 1)!)
    expect(cyl.z).toBeCloseTo(0.6, 5)
  })
  it('treats box sizes as half-extents and ellipsoid sizes as radii', () => {
    expect(extent(geomGeometry(geom('box', [0.1, 0.2, 0.3]), 1)!).toArray()).toEqual(
      [0.2, 0.4, 0.6].map((v) => expect.closeTo(v, 6)),
    )
    const e = extent(geomGeometry(geom('ellipsoid', [0.1, 0.2, 0.3]), 1)!)
    expect(e.z).toBeCloseTo(0.6, 5)
  })
  it('builds meshes from vertices and triangle indices', () => {
    const g = geomGeometry(
      {
        ...geom('mesh', [1, 1, 1]),
        mesh: { vertices: [0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1], faces: [0, 2, 1, 0, 1, 3, 0, 3, 2, 1, 2, 3] },
      },
      1,
    )!
    expect(g.getIndex()!.count).toBe(12)
    expect(g.getAttribute('normal').count).toBe(4)
    expect(geomGeometry(geom('mesh', [1, 1, 1]), 1)).toBeNull() // a mesh geom without its data draws nothing
  })
  it('reads quaternions w-first', () => {
    const q = mjQuat([Math.SQRT1_2, 0, 0, Math.SQRT1_2]) // 90 degrees about z
    const v = new THREE.Vector3(1, 0, 0).applyQuaternion(q)
    expect(v.y).toBeCloseTo(1)
  })
  it('poses bodies from a frame and hides zero-alpha geoms', () => {
    const scene: SceneGeometry = {
      taskId: 't',
      nbody: 2,
      bodyNames: ['world', 'ball'],
      geoms: [
        { ...geom('plane', [0, 0, 0.5]), body: 0 },
        geom('sphere', [0.1]),
        { ...geom('sphere', [0.05]), name: 'hidden', rgba: [1, 0, 0, 0] },
      ],
      lights: [],
      trackBody: 1,
      extent: 1,
    }
    const m = buildScene(scene)
    expect(m.bodies[1].children.map((c) => c.name)).toEqual(['sphere'])
    m.applyFrame([0, 0, 0, 1, 2, 3], [1, 0, 0, 0, Math.SQRT1_2, 0, 0, Math.SQRT1_2])
    expect(m.bodies[1].position.toArray()).toEqual([1, 2, 3])
    expect(m.bodies[1].quaternion.w).toBeCloseTo(Math.SQRT1_2)
    m.dispose()
  })
})

const session = (id: number): SessionInfo => ({
  id,
  taskId: 'cartpole',
  algo: 'stagger',
  algoParams: {},
  oracle: 'expert',
  budget: 50,
  seed: 0,
  costRatio: 5,
  status: 'finished',
  labels: 30,
  cost: 50,
  humanSeconds: 0,
  lastReturn: 100,
  createdAt: '2026-01-01T00:00:00Z',
  finishedAt: null,
  policy: { id: 'mlp', params: {} },
})
const point = (sessionId: number, cost: number, ret: number): EvaluationPoint => ({
  sessionId,
  labels: cost / 2,
  cost,
  humanSeconds: cost / 10,
  meanReturn: ret,
  stdReturn: 5,
})

describe('comparison plot', () => {
  it('averages the sessions of one configuration over their seeds, one curve per configuration', () => {
    const curves = [
      { session: session(1), points: [point(1, 20, 50), point(1, 10, 20), point(1, 40, 90)] },
      { session: { ...session(2), seed: 1 }, points: [point(2, 10, 10), point(2, 20, 30), point(2, 40, 70)] },
      { session: { ...session(3), algo: 'bc' as const }, points: [point(3, 10, 10), point(3, 40, 40)] },
    ]
    const groups = groupCurves(curves)
    expect(groups.map((g) => g.curves.map((c) => c.session.id))).toEqual([[1, 2], [3]])
    expect(groups[0].name).toContain('2 seeds: #1, #2')
    // BC names where its labels came from and no cost ratio (it buys no queries)
    expect(groups[1].name).toMatch(/^bc · mlp · expert states · /)
    expect(groups[1].name).not.toContain(' C ')
    const fromDemos = groupCurves([
      {
        session: {
          ...session(4),
          algo: 'bc' as const,
          offline: { kind: 'demos' as const, episodes: [1], operator: null },
        },
        points: [],
      },
    ])
    expect(fromDemos[0].name).toMatch(/^bc · mlp · demonstrations · /)
    // a curve names its policy class, and sessions of two classes are two curves
    const gmm = PolicyChoice.parse({ id: 'gmm' })
    const classes = groupCurves([
      { session: { ...session(5), algo: 'bc' as const, policy: gmm }, points: [] },
      { session: { ...session(6), algo: 'bc' as const, seed: 1 }, points: [] },
      { session: { ...session(7), algo: 'bc' as const, seed: 2, policy: gmm }, points: [] },
    ])
    expect(classes.map((g) => g.curves.map((c) => c.session.id))).toEqual([[5, 7], [6]])
    expect(classes[0].name).toMatch(/^bc · gmm · expert states · /)
    expect(curveName({ ...session(8), policy: PolicyChoice.parse({ id: 'chunk' }) })).toBe(
      '#8 stagger · chunk(h2,k8) · expert · cartpole',
    )
    const p = panelFor(groups, 'cost')
    expect(p.series).toHaveLength(2)
    expect(p.series[0].x).toEqual([10, 20, 40])
    expect(p.series[0].mean).toEqual([15, 40, 80])
    expect(p.series[0].lo[2]).toBeLessThan(80)
    expect(p.series[0].hi[2]).toBeGreaterThan(80)
    expect(summarize(curves)[0]).toMatchObject({
      finalReturn: 90,
      bestReturn: 90,
      evaluations: 3,
      finalSuccess: null,
      finalCoverage: null,
    })
    const withRates = [
      { ...curves[0], points: curves[0].points.map((p, i) => ({ ...p, successRate: i / 4, coverage: i / 10 })) },
    ]
    // the rate and coverage of the last evaluation by cost (cost 40 is the third point)
    expect(summarize(withRates)[0]).toMatchObject({ finalSuccess: 0.5, finalCoverage: 0.2 })
  })
  it('draws three panels with one path per configuration, the data-testid the view looks for', () => {
    const curves = [
      { session: session(1), points: [point(1, 20, 50), point(1, 10, 20), point(1, 40, 90)] },
      { session: { ...session(2), algo: 'bc' as const }, points: [point(2, 10, 10), point(2, 40, 40)] },
    ]
    const svg = renderFigure(comparisonFigure(curves))
    expect(svg).toContain('data-testid="compare-plot"')
    for (const axis of ['cost', 'labels', 'humanSeconds']) expect(svg).toContain(`data-axis="${axis}"`)
    expect(svg.match(/<path class="curve" d="M[\d.]+,[\d.]+( L[\d.]+,[\d.]+)+"/g)).toHaveLength(6)
    expect(renderFigure(comparisonFigure([]))).toContain('pick sessions')
  })
  it('writes one CSV row per evaluation with the session settings', () => {
    const csv = curvesCsv([{ session: session(3), points: [point(3, 10, 1.5)] }])
      .trim()
      .split('\n')
    expect(csv[0]).toBe(
      'session,task,algo,warm_fraction,oracle,budget,cost_ratio,seed,labels,cost,human_seconds,mean_return,std_return,episodes,returns,policy,success_rate,coverage',
    )
    expect(csv[1]).toBe('3,cartpole,stagger,,expert,50,5,0,5,10,1,1.5,5,,,mlp,,')
    // the class, the success rate and the coverage travel with the row
    const pushed = curvesCsv([
      {
        session: { ...session(4), policy: PolicyChoice.parse({ id: 'gmm' }) },
        points: [{ ...point(4, 10, -700), successRate: 0.25, coverage: 0.5 }],
      },
    ])
    expect(pushed.trim().split('\n')[1]).toMatch(/,gmm,0\.25,0\.5$/)
  })
  it('draws the success rate or the coverage in per cent where the task reports them, the expert as reference', () => {
    const rated = (id: number, seed: number, shares: (number | null)[]) => ({
      session: { ...session(id), seed },
      points: shares.map((sh, i) => ({
        ...point(id, 10 * (i + 1), -100 + i),
        successRate: sh,
        coverage: sh === null ? null : sh / 2,
      })),
    })
    const curves = [rated(1, 0, [0, 0.5, 1]), rated(2, 1, [null, 0.5, 0.5])]
    expect(measuresOf(curves.flatMap((c) => c.points))).toEqual(['return', 'success', 'coverage'])
    expect(
      measuresOf(curves.flatMap((c) => c.points.map((p) => ({ ...p, successRate: null, coverage: null })))),
    ).toEqual(['return'])
    const groups = groupCurves(curves)
    const success = panelFor(groups, 'cost', { meanReturn: 5, successRate: 0.9, episodes: 20 }, 'success')
    expect(success.title).toBe('success vs cumulative cost')
    expect(success.yLabel).toBe('success (%)')
    // session 2's first evaluation has no rate: left out (its curve starts at 20, held before), not read as 0
    expect(success.series[0].x).toEqual([10, 20, 30])
    expect(success.series[0].mean).toEqual([25, 50, 75])
    expect(success.reference).toEqual({ y: 90, label: 'expert 90 %' })
    // the expert's coverage is not known: no line
    expect(panelFor(groups, 'labels', { meanReturn: 5, episodes: 20 }, 'coverage').reference).toBeUndefined()
    const svg = renderFigure(comparisonFigure(curves, null, 'coverage'))
    expect(svg).toContain('aria-label="coverage against cumulative cost, labels and human seconds"')
  })
})
