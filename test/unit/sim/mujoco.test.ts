import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadModelFromFile, loadModelFromString, MjcfError, mujocoVersion } from '../../../src/main/sim/mujoco'

const PENDULUM = `<mujoco><option timestep="0.005"/><worldbody>
  <body name="pole" pos="0 0 1"><joint name="hinge" type="hinge" axis="0 1 0"/>
    <geom name="rod" type="capsule" fromto="0 0 0 0.3 0 0" size="0.02"/></body>
</worldbody><actuator><motor name="m" joint="hinge" gear="1"/></actuator></mujoco>`

describe('MuJoCo adapter', () => {
  it('reports its version', async () => {
    expect(await mujocoVersion()).toMatch(/^\d+\.\d+\.\d+/)
  })

  it('loads a model from a string, steps, and looks names up both ways', async () => {
    const sim = await loadModelFromString(PENDULUM)
    try {
      expect(sim.nq).toBe(1)
      expect(sim.nu).toBe(1)
      expect(sim.timestep).toBeCloseTo(0.005)
      expect(sim.id('body', 'pole')).toBe(1)
      expect(sim.id('joint', 'nope')).toBe(-1)
      expect(() => sim.requireId('geom', 'nope')).toThrow(/no geom named 'nope'/)
      expect(sim.name('geom', sim.id('geom', 'rod'))).toBe('rod')
      sim.qpos()[0] = 0.5
      sim.step(10)
      expect(sim.time).toBeCloseTo(0.05)
      expect(sim.qpos()[0]).not.toBe(0.5)
    } finally {
      sim.close()
    }
  })

  it('round-trips the full physics state', async () => {
    const sim = await loadModelFromString(PENDULUM)
    try {
      sim.qpos()[0] = 0.3
      sim.step(20)
      const s = sim.getState()
      expect(s.length).toBe(sim.stateSize)
      sim.step(50)
      const later = sim.getState()
      sim.setState(s)
      expect(Array.from(sim.getState())).toEqual(Array.from(s))
      sim.step(50)
      expect(Array.from(sim.getState())).toEqual(Array.from(later))
      expect(() => sim.setState([1, 2])).toThrow(RangeError)
    } finally {
      sim.close()
    }
  })

  it('rejects bad MJCF with an error naming the problem and the element', async () => {
    const bad = PENDULUM.replace('size="0.02"', 'size="0"').replace('fromto="0 0 0 0.3 0 0" ', '')
    await expect(loadModelFromString(bad, { source: 'bad.xml' })).rejects.toThrow(MjcfError)
    await expect(loadModelFromString(bad, { source: 'bad.xml' })).rejects.toThrow(
      /bad\.xml.*size 0 must be positive in geom/,
    )
    await expect(loadModelFromString('<mujoco><worldbody><blob/></worldbody></mujoco>')).rejects.toThrow(
      /unrecognized element.*'blob'/,
    )
    await expect(loadModelFromString('<mujoco><worldbody')).rejects.toThrow(/MJCF error.*XML parse error/)
  })

  it('loads a file with a mesh beside it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'iwb-mjcf-'))
    writeFileSync(
      join(dir, 'tet.obj'),
      'v 0 0 0\nv 0.1 0 0\nv 0 0.1 0\nv 0 0 0.1\nf 1 3 2\nf 1 2 4\nf 1 4 3\nf 2 3 4\n',
    )
    const file = join(dir, 'model.xml')
    writeFileSync(
      file,
      `<mujoco><asset><mesh name="tet" file="tet.obj"/></asset><worldbody><body><freejoint/><geom type="mesh" mesh="tet"/></body></worldbody></mujoco>`,
    )
    const sim = await loadModelFromFile(file)
    try {
      expect(sim.ngeom).toBe(1)
      expect(sim.model.nmesh).toBe(1)
    } finally {
      sim.close()
    }
    writeFileSync(file, `<mujoco><asset><mesh name="m" file="missing.obj"/></asset><worldbody/></mujoco>`)
    await expect(loadModelFromFile(file)).rejects.toThrow(/missing\.obj/)
  })

  it('frees every object once: close() twice is safe and use after close fails clearly', async () => {
    const sim = await loadModelFromString(PENDULUM)
    sim.close()
    expect(sim.closed).toBe(true)
    expect(() => sim.close()).not.toThrow()
    expect(() => sim.step()).toThrow(/closed/)
    expect(() => sim.getState()).toThrow(/closed/)
  })
})
