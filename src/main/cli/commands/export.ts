// `iwb export --db FILE [--session N ...] --out DIR`: a session (or the whole workspace) as JSON lines + manifest.
import { exportWorkspace, openWorkspace } from '../../store'
import { z } from 'zod'
import { flag, parseCommandArgs } from '../args'
import type { Command } from '../command'

export const command: Command = {
  name: 'export',
  summary: 'export a workspace or some of its sessions to a portable directory (JSON lines + manifest)',
  usage: 'iwb export --db FILE [--session N]... --out DIR [--json]',
  async run(argv, io) {
    const { values } = parseCommandArgs(argv, {
      options: {
        db: { type: 'string' },
        out: { type: 'string' },
        session: { type: 'string', multiple: true },
        json: { type: 'boolean' },
      },
      schema: z.object({
        db: flag.text(),
        out: flag.text(),
        session: z.array(flag.int(1, Number.MAX_SAFE_INTEGER)).default([]),
        json: z.boolean().default(false),
      }),
    })
    const { db, out, session: sessions, json } = values
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
