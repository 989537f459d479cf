// `iwb import --db FILE --from DIR`: validate an export completely, then add it to the workspace with new ids.
import { importExport, openWorkspace } from '../../store'
import { z } from 'zod'
import { flag, parseCommandArgs } from '../args'
import type { Command } from '../command'
import { taskShapes } from '../task-shapes'

export const command: Command = {
  name: 'import',
  summary: 'import an export directory into a workspace (all or nothing; ids are remapped)',
  usage: 'iwb import --db FILE --from DIR [--json]',
  async run(argv, io) {
    const { db, from, json } = parseCommandArgs(argv, {
      options: { db: { type: 'string' }, from: { type: 'string' }, json: { type: 'boolean' } },
      schema: z.object({ db: flag.text(), from: flag.text(), json: z.boolean().default(false) }),
    }).values
    const tasks = await taskShapes()
    const ws = openWorkspace(db)
    try {
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
