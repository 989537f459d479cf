// `iwb import --db FILE --from DIR`: validate an export completely, then add it to the workspace with new ids.
import { importExport, openWorkspace } from '../../store'
import { UsageError, type Command } from '../command'

export const command: Command = {
  name: 'import',
  summary: 'import an export directory into a workspace (all or nothing; ids are remapped)',
  usage: 'iwb import --db FILE --from DIR [--json]',
  async run(argv, io) {
    let db: string | undefined
    let from: string | undefined
    let json = false
    for (let i = 0; i < argv.length; i++) {
      const a = argv[i]
      if (a === '--db') db = argv[++i]
      else if (a === '--from') from = argv[++i]
      else if (a === '--json') json = true
      else throw new UsageError(`unexpected argument ${a}`)
    }
    if (!db || !from) throw new UsageError('--db FILE and --from DIR are required')
    const ws = openWorkspace(db)
    try {
      const result = importExport(ws, from)
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
