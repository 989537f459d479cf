// `iwb version`: the versions of the workbench and of the engines it runs on.
import { z } from 'zod'
import { parseCommandArgs } from '../args'
import type { Command } from '../command'
import { probeVersions } from '../../api/services/app'

export const versionCommand: Command = {
  name: 'version',
  summary: 'print the versions of the workbench, MuJoCo, the tfjs backend and SQLite',
  usage: `iwb version [--json]
  --json   print one JSON object {workbench, mujoco, tfjsBackend, sqlite, node}`,
  async run(argv, io) {
    const { json } = parseCommandArgs(argv, {
      options: { json: { type: 'boolean' } },
      schema: z.object({ json: z.boolean().default(false) }),
    }).values
    const v = { ...(await probeVersions()), node: process.versions.node }
    if (json) {
      io.out(JSON.stringify(v))
    } else {
      io.out(`imitation-workbench ${v.workbench}`)
      io.out(`MuJoCo (@mujoco/mujoco) ${v.mujoco}`)
      io.out(`TensorFlow.js backend ${v.tfjsBackend}`)
      io.out(`SQLite ${v.sqlite}`)
      io.out(`Node.js ${v.node}`)
    }
    return 0
  },
}
