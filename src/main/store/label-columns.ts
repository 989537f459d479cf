// A labels row and the label it holds: one column per LabelRecord field, the one mapping the session log, the
// export and the import all use. Vectors are float64 BLOBs in the file and number arrays (encodeVector) in JSON.
import type { LabelRecord, StoredLabel } from '../learn/session-log'
import { decodeContext, encodeContext, fromBlob, fromBlobOrNull, toBlob } from './codec'
import { Columns, plain, type Column, type Sql } from './columns'
import { decodeVector, encodeVector, type ExportRow } from './export-format'

type LabelJson = ExportRow<'labels.jsonl'>

function vector(name: string): Column<ArrayLike<number>, ReturnType<typeof encodeVector>> {
  return { name, toSql: toBlob, fromSql: (v) => fromBlob(v as Buffer), toJson: encodeVector, fromJson: decodeVector }
}

/** Every label field's column, in the order the export writes them. */
export const LABEL = new Columns<LabelRecord, LabelJson>({
  source: plain('source'),
  cost: plain('cost'),
  observation: vector('observation'),
  state: {
    name: 'state',
    nullable: true,
    toSql: (v) => (v ? toBlob(v) : null),
    fromSql: (v) => fromBlobOrNull(v as Buffer | null),
    toJson: (v) => (v ? encodeVector(v) : null),
    fromJson: (v) => (v ? decodeVector(v) : null),
  },
  action: vector('action'),
  humanSeconds: plain('human_seconds', true),
  episodeId: plain('episode_id', true),
  stepIndex: plain('step_index', true),
  context: {
    name: 'context',
    nullable: true,
    toSql: encodeContext,
    fromSql: (v) => decodeContext(v as Buffer | null),
    toJson: (c) => (c ? { history: encodeVector(c.history), next: encodeVector(c.next) } : null),
    fromJson: (c) => (c ? { history: decodeVector(c.history), next: decodeVector(c.next) } : null),
  },
  expertAction: {
    name: 'expert_action',
    nullable: true,
    toSql: (v) => (v ? toBlob(v) : null),
    fromSql: (v) => fromBlobOrNull(v as Buffer | null),
    toJson: (v) => (v ? encodeVector(v) : null),
    fromJson: (v) => (v ? decodeVector(v) : null),
  },
})

/** A labels row: its own columns, and the label's (LABEL). */
export interface LabelRow extends Record<string, Sql> {
  id: number
  session_id: number
  created_at: string
}

/** The label a labels row stores, with its id. */
export function storedLabel(row: Pick<LabelRow, 'id'>): StoredLabel {
  return { id: row.id, ...LABEL.fromRow(row) }
}

/** The export's labels.jsonl row of a labels row. */
export function labelExportRow(r: LabelRow): LabelJson {
  return { id: r.id, sessionId: r.session_id, ...LABEL.toJson(LABEL.fromRow(r)), createdAt: r.created_at }
}
