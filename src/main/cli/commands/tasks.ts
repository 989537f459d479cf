// `iwb tasks [--json] [--db FILE]`: the task suite and the workspace's own tasks; `iwb tasks check DIR` validates
// a task folder (docs/TASKS.md); `iwb tasks add DIR` copies it into the workspace.
import { z } from 'zod'
import type { TaskInfo } from '../../../shared/contract'
import { addTaskFolder, checkNewTask, registerWorkspaceTasks } from '../../api/workspace-tasks'
import { listTasks } from '../../sim/registry'
import { readTaskFolder } from '../../sim/tasks/folder-task'
import { ensureDefaultWorkspaceFile, openWorkspace } from '../../store'
import { parseCommandArgs } from '../args'
import { UsageError, type Command, type CommandIO } from '../command'

const flags = {
  options: { json: { type: 'boolean' }, db: { type: 'string' } },
  schema: z.object({ json: z.boolean().default(false), db: z.string().min(1).optional() }),
} as const

/** What `check` and `add` print: the numbers a person needs to drive the task. */
function describe(info: TaskInfo): Record<string, unknown> {
  const { id, title, obsDim, actDim, controlHz, horizon, operator, actionLow, actionHigh, gamepad } = info
  return { id, title, obsDim, actDim, controlHz, horizon, operator, actionLow, actionHigh, gamepad }
}

function printInfo(info: TaskInfo, io: CommandIO): void {
  io.out(`${info.id}: ${info.title}`)
  io.out(`  observation ${info.obsDim}, action ${info.actDim}, ${info.controlHz} Hz, horizon ${info.horizon}`)
  for (const g of info.gamepad ?? []) io.out(`  ${g.source} -> action ${g.action} (${g.label})`)
}

function openTarget(db: string | undefined, io: CommandIO): ReturnType<typeof openWorkspace> {
  const file = db ?? ensureDefaultWorkspaceFile()
  if (!db) io.err(`workspace ${file} (the page's default; --db FILE for another)`)
  return openWorkspace(file)
}

const checkCommand: Command = {
  name: 'check',
  summary: 'validate a task folder and print its info',
  usage: 'iwb tasks check DIR [--json]',
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(argv, { ...flags, positionals: 2 })
    const dir = positionals[1]
    if (!dir) throw new UsageError('expected a task folder: iwb tasks check DIR')
    const spec = await checkNewTask(readTaskFolder(dir), dir)
    if (values.json) io.out(JSON.stringify(describe(spec.info)))
    else printInfo(spec.info, io)
    return 0
  },
}

const addCommand: Command = {
  name: 'add',
  summary: 'copy a task folder into the workspace',
  usage: 'iwb tasks add DIR [--db FILE] [--json]',
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(argv, { ...flags, positionals: 2 })
    const dir = positionals[1]
    if (!dir) throw new UsageError('expected a task folder: iwb tasks add DIR')
    const files = readTaskFolder(dir) // read and bounded before the workspace is opened
    const ws = openTarget(values.db, io)
    try {
      const info = await addTaskFolder(ws, files, dir)
      if (values.json) io.out(JSON.stringify(describe(info)))
      else {
        printInfo(info, io)
        io.out(`added to ${ws.file}`)
      }
    } finally {
      ws.close()
    }
    return 0
  },
}

export const command: Command = {
  name: 'tasks',
  summary: 'list the tasks; check a task folder or add it to the workspace',
  usage: 'iwb tasks [--json] [--db FILE] | iwb tasks check DIR [--json] | iwb tasks add DIR [--db FILE] [--json]',
  subcommands: { check: checkCommand, add: addCommand },
  async run(argv, io) {
    const sub = argv[0]
    if (sub === 'check') return checkCommand.run(argv, io)
    if (sub === 'add') return addCommand.run(argv, io)
    const { values } = parseCommandArgs(argv, flags)
    if (values.db) {
      const ws = openWorkspace(values.db, { readonly: true })
      try {
        for (const p of (await registerWorkspaceTasks(ws)).problems) io.err(p)
      } finally {
        ws.close()
      }
    }
    const tasks = listTasks()
    if (values.json) {
      io.out(JSON.stringify(tasks))
      return 0
    }
    const width = Math.max(14, ...tasks.map((t) => t.id.length + 2))
    io.out(
      `${'id'.padEnd(width)}${'obs'.padStart(5)}${'act'.padStart(5)}${'Hz'.padStart(6)}${'horizon'.padStart(9)}  kind`,
    )
    for (const t of tasks) {
      io.out(
        `${t.id.padEnd(width)}${String(t.obsDim).padStart(5)}${String(t.actDim).padStart(5)}${String(t.controlHz).padStart(6)}${String(t.horizon).padStart(9)}  ${t.operator ? 'operator (gamepad)' : 'benchmark'}`,
      )
    }
    return 0
  },
}
