// `iwb export --db FILE [--session N ...] --out DIR`: a session (or the whole workspace) as JSON lines + manifest.
import { exportWorkspace, openWorkspace } from '../../store'
import { UsageError, type Command } from '../command'

export const command: Command = {
  name: 'export',
  summary: 'export a workspace or some of its sessions to a portable directory (JSON lines + manifest)',
  usage: 'iwb export --db FILE [--session N]... --out DIR [--json]',
  async run(argv, io) {
    let db: string | undefined
    let out: string | undefined
    const sessions: number[] = []
    let json = false
    for (let i = 0; i < argv.length; i++) {
      const a = argv[i]
      if (a === '--db') db = argv[++i]
      else if (a === '--out') out = argv[++i]
      else if (a === '--session') {
        const n = Number(argv[++i])
        if (!Number.isInteger(n) || n <= 0) throw new UsageError('--session needs a positive session id')
        sessions.push(n)
      } else if (a === '--json') json = true
      else throw new UsageError(`unexpected argument ${a}`)
    }
    if (!db || !out) throw new UsageError('--db FILE and --out DIR are required')
    const ws = openWorkspace(db, { readonly: true })
    try {
      const { manifest } = exportWorkspace(ws, out, sessions.length ? { sessionIds: sessions } : {})
      const rows = Object.fromEntries(Object.entries(manifest.files).map(([f, e]) => [f.replace('.jsonl', ''), e.rows]))
      if (!json) {
        io.out(
          `exported ${manifest.scope === 'workspace' ? 'the workspace' : `session(s) ${sessions.join(', ')}`} to ${out}`,
        )
        for (const [t, n] of Object.entries(rows)) io.out(`  ${t.padEnd(12)} ${n}`)
      }
      if (json) io.out(JSON.stringify({ out, scope: manifest.scope, sessionIds: manifest.sessionIds, rows }))
      return 0
    } finally {
      ws.close()
    }
  },
}
