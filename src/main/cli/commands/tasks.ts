// `iwb tasks [--json]`: the task suite.
import { listTasks } from '../../sim/registry'
import { z } from 'zod'
import { parseCommandArgs } from '../args'
import type { Command } from '../command'

export const command: Command = {
  name: 'tasks',
  summary: 'list the tasks (benchmarks and operator tasks)',
  usage: 'iwb tasks [--json]',
  async run(argv, io) {
    const { values } = parseCommandArgs(argv, {
      options: { json: { type: 'boolean' } },
      schema: z.object({ json: z.boolean().default(false) }),
    })
    const tasks = listTasks()
    if (values.json) {
      io.out(JSON.stringify(tasks))
      return 0
    }
    io.out(
      `${'id'.padEnd(14)}${'obs'.padStart(5)}${'act'.padStart(5)}${'Hz'.padStart(6)}${'horizon'.padStart(9)}  kind`,
    )
    for (const t of tasks) {
      io.out(
        `${t.id.padEnd(14)}${String(t.obsDim).padStart(5)}${String(t.actDim).padStart(5)}${String(t.controlHz).padStart(6)}${String(t.horizon).padStart(9)}  ${t.operator ? 'operator (gamepad)' : 'benchmark'}`,
      )
    }
    return 0
  },
}
