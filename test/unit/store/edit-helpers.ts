// What the episode-edit tests share: a dump of every table to compare byte for byte, and a recorded demonstration.
import type { Workspace } from '../../../src/main/store'

/** Every table's rows, blobs as hex: equal dumps are byte-for-byte equal tables. */
export function dump(ws: Workspace): string {
  const tables = (
    ws.db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[]
  ).map((t) => t.name)
  return JSON.stringify(
    tables.map((t) => [
      t,
      ws.db
        .prepare(`SELECT * FROM "${t}" ORDER BY rowid`)
        .all()
        .map((r) =>
          Object.entries(r as Record<string, unknown>).map(([k, v]) => [k, Buffer.isBuffer(v) ? v.toString('hex') : v]),
        ),
    ]),
  )
}

/** A kept cartpole demonstration of `n` steps whose values follow from `tag`; returns its id. */
export function recordDemo(ws: Workspace, n: number, tag: number): number {
  const rec = ws.startEpisode({ taskId: 'cartpole', kind: 'demonstration', operator: `op${tag}` })
  for (let i = 0; i < n; i++)
    rec.append({
      state: [tag, i, i * 0.5],
      observation: [i, tag, i / 3, -i],
      action: [Math.sin(i + tag)],
      reward: i % 4,
      source: 'demonstration',
    })
  rec.finish({ keep: true })
  return rec.episodeId
}
