// A robomimic file may carry only its own data: a dataset stored outside it (h5py's external raw storage, a
// virtual dataset, an external link) is refused in one line, and the other file is never opened (issue #27).
// The files are written with Debian's h5py in the robomimic layout.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readRobomimic } from '../../../../src/main/store/datasets/robomimic'
import type { DatasetTask } from '../../../../src/main/store/datasets/types'

/** Debian's python with python3-h5py (.ci/run installs it); the pyenv `python3` on PATH has no h5py. */
const PYTHON = '/usr/bin/python3'
const TASK: DatasetTask = { taskId: 'tiny', obsDim: 2, actDim: 1, stateSize: 3, controlHz: 50, model: 'tiny.xml' }
const TASKS = new Map([[TASK.taskId, TASK]])
const N = 10

/** One demo of N steps; `actions` and `obs` are made by the variant (from the python below). */
const BUILD = `
import h5py, json, sys, numpy as np
d, n = sys.argv[1], ${N}
src = d + '/other.hdf5'
with h5py.File(src, 'w') as f:
    f.create_dataset('x', data=np.ones((n, 1)))
    f.create_group('obs').create_dataset('state', data=np.ones((n, 2)))

def demo(name, actions=None, obs=None):
    with h5py.File(d + '/' + name + '.hdf5', 'w') as f:
        data = f.create_group('data')
        data.attrs['env_args'] = json.dumps({'env_name': 'tiny'})
        g = data.create_group('demo_0')
        if actions: actions(g)
        else: g.create_dataset('actions', data=np.zeros((n, 1)))
        if obs: obs(g)
        else: g.create_group('obs').create_dataset('state', data=np.zeros((n, 2)))
        g.create_dataset('states', data=np.zeros((n, 3)))
        g.create_dataset('rewards', data=np.zeros(n))

def virtual(g):
    layout = h5py.VirtualLayout(shape=(n, 1), dtype='<f8')
    layout[:] = h5py.VirtualSource(src, 'x', shape=(n, 1))
    g.create_virtual_dataset('actions', layout)

demo('plain')
demo('external', actions=lambda g: g.create_dataset('actions', (n, 1), dtype='<f8', external=[('/etc/passwd', 0, n * 8)]))
demo('virtual', actions=virtual)
demo('link', actions=lambda g: g.__setitem__('actions', h5py.ExternalLink(src, 'x')))
demo('link-group', obs=lambda g: g.__setitem__('obs', h5py.ExternalLink(src, 'obs')))
`

let dir: string
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'iwb-robomimic-outside-'))
  execFileSync(PYTHON, ['-c', BUILD, dir])
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

async function refusal(name: string): Promise<string> {
  const err = await readRobomimic(join(dir, `${name}.hdf5`), TASKS).then(
    () => null,
    (e: unknown) => e as Error,
  )
  expect(err, `${name} was read`).not.toBeNull()
  expect(err!.message).not.toContain('\n')
  return err!.message
}

describe('robomimic data stored outside the file', () => {
  it('reads a plain file whole', async () => {
    const { episodes } = await readRobomimic(join(dir, 'plain.hdf5'), TASKS)
    expect(episodes).toHaveLength(1)
    expect(episodes[0].actions).toHaveLength(N)
  })

  it('refuses external raw storage naming /etc/passwd', async () => {
    expect(await refusal('external')).toMatch(
      /external\.hdf5: data\/demo_0\/actions keeps its data in another file; nothing was imported$/,
    )
  })

  it('refuses a virtual dataset whose source is another file', async () => {
    expect(await refusal('virtual')).toMatch(
      /virtual\.hdf5: data\/demo_0\/actions is a virtual dataset \(its data is in another file\); nothing was imported$/,
    )
  })

  it('refuses an external link, to a dataset or to a group on the way', async () => {
    expect(await refusal('link')).toMatch(/link\.hdf5: data\/demo_0\/actions is an external link to another file;/)
    expect(await refusal('link-group')).toMatch(
      /link-group\.hdf5: data\/demo_0\/obs\/state keeps its data in another file;/,
    )
  })

  it('still reads plain files after refusing (the gate is released)', async () => {
    await refusal('external')
    const { episodes } = await readRobomimic(join(dir, 'plain.hdf5'), TASKS)
    expect(episodes[0].observations).toHaveLength(N)
  })
})
