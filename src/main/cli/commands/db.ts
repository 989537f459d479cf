// `iwb db check FILE` (PRAGMA integrity_check; exit 0 ok, 1 problems) and `iwb db info FILE` (sizes, counts).
import { checkIntegrity, describeWorkspace } from '../../store'
import { z } from 'zod'
import { parseCommandArgs } from '../args'
import { UsageError, type Command } from '../command'

export const command: Command = {
  name: 'db',
  summary: 'check a workspace file (integrity_check) or show its schema version and row counts',
  usage: 'iwb db check FILE [--json] | iwb db info FILE [--json]',
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(argv, {
      options: { json: { type: 'boolean' } },
      schema: z.object({ json: z.boolean().default(false) }),
      positionals: 2,
    })
    const { json } = values
    const [sub, file] = positionals
    if ((sub !== 'check' && sub !== 'info') || !file) throw new UsageError("expected 'check FILE' or 'info FILE'")
    if (sub === 'check') {
      const report = checkIntegrity(file)
      if (!json) {
        if (report.ok) io.out(`ok (schema version ${report.schemaVersion})`)
        else for (const p of report.problems) io.out(p)
      }
      if (json) io.out(JSON.stringify({ file, ...report }))
      return report.ok ? 0 : 1
    }
    const info = describeWorkspace(file)
    if (!json) {
      io.out(
        `${info.file}: ${(info.bytes / 2 ** 20).toFixed(1)} MiB, SQLite ${info.sqlite}, journal ${info.journalMode}`,
      )
      io.out(
        info.workbench
          ? `schema version ${info.schemaVersion} (this workbench: ${info.codeSchemaVersion})`
          : 'not an Imitation Workbench workspace',
      )
      for (const [table, n] of Object.entries(info.rows)) io.out(`  ${table.padEnd(12)} ${n}`)
    }
    if (json) io.out(JSON.stringify(info))
    return 0
  },
}
