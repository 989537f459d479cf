// `iwb import --db FILE --from PATH`: a workbench export folder (validated completely, ids remapped), a robomimic
// HDF5 file or a LeRobot dataset folder (its episodes become demonstrations). All or nothing.
import { registerWorkspaceTasks } from '../../api/workspace-tasks'
import { registerFolderTask } from '../../sim/registry'
import { checkTaskFolder } from '../../sim/tasks/folder-task'
import {
  datasetFormat,
  detectFormat,
  importExport,
  insertDataset,
  openWorkspace,
  readExportTaskFiles,
  validateDataset,
} from '../../store'
import { z } from 'zod'
import { flag, parseCommandArgs } from '../args'
import type { Command } from '../command'
import { datasetTasks, taskShapes } from '../task-shapes'

export const command: Command = {
  name: 'import',
  summary: 'import an export folder, a robomimic .hdf5 file or a LeRobot folder into a workspace (all or nothing)',
  usage: 'iwb import --db FILE --from PATH [--task T] [--json]',
  async run(argv, io) {
    const { db, from, task, json } = parseCommandArgs(argv, {
      options: {
        db: { type: 'string' },
        from: { type: 'string' },
        task: { type: 'string' },
        json: { type: 'boolean' },
      },
      schema: z.object({
        db: flag.text(),
        from: flag.text(),
        task: flag.task().optional(),
        json: z.boolean().default(false),
      }),
    }).values
    const kind = detectFormat(from)
    if (kind !== 'jsonl') {
      // Read and check the whole dataset before the workspace is opened for writing.
      const dataset = await datasetFormat(kind).read(from, await datasetTasks(), task)
      validateDataset(from, dataset)
      const ws = openWorkspace(db)
      try {
        const ids = insertDataset(ws, dataset)
        const steps = dataset.episodes.reduce((a, e) => a + e.actions.length, 0)
        const notImported = dataset.notImported ?? []
        if (json)
          io.out(
            JSON.stringify({ db, from, format: kind, taskId: dataset.task.taskId, episodes: ids, steps, notImported }),
          )
        else {
          io.out(
            `imported ${ids.length} demonstration(s) of task ${dataset.task.taskId} (${steps} steps) from ${kind} ${from} into ${db}: episodes ${ids.join(', ')}`,
          )
          if (notImported.length)
            io.out(
              `not imported: ${notImported.join(', ')} (the workspace keeps physics states; iwb export --cameras draws the images again)`,
            )
        }
        return 0
      } finally {
        ws.close()
      }
    }
    // The export's own tasks (task_files.jsonl) are checked with MuJoCo before anything is written, and run here
    // beside the target workspace's tasks so the rows of either can be checked against their shapes.
    const carried = readExportTaskFiles(from)
    const ws = openWorkspace(db)
    try {
      await registerWorkspaceTasks(ws)
      for (const [taskId, files] of carried) {
        try {
          registerFolderTask(await checkTaskFolder(files, `${from} task ${taskId}`))
        } catch (e) {
          throw new Error(
            `export ${from}: task ${taskId}: ${e instanceof Error ? e.message : String(e)}; nothing was imported`,
          )
        }
      }
      const tasks = await taskShapes()
      const result = importExport(ws, from, { tasks })
      const sessions = Object.fromEntries(result.sessions)
      const rows = Object.fromEntries(Object.entries(result.rows).map(([f, n]) => [f.replace('.jsonl', ''), n]))
      if (!json) {
        io.out(`imported ${from} into ${db}`)
        for (const [old, now] of result.sessions) io.out(`  session ${old} -> ${now}`)
        for (const [t, n] of Object.entries(rows)) io.out(`  ${t.padEnd(12)} ${n}`)
      }
      if (json) io.out(JSON.stringify({ db, from, sessions, rows }))
      return 0
    } finally {
      ws.close()
    }
  },
}
