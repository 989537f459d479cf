// The tasks, episodes, steps, queries, policies and evaluations rows as the export writes them and the import reads
// them: each table's fields and columns listed once (columns.ts), like the labels' (label-columns.ts) and the
// sessions' (session-rows.ts). A row's id and its links to other rows (session, label, episode, the version it was
// edited from) are mapped by export.ts and import.ts themselves: an import gives every row a new id.
import { fromBlob, toBlob } from './codec'
import { Columns, plain, type Column } from './columns'
import { decodeVector, encodeVector, type ExportRow } from './export-format'

type Links = 'id' | 'sessionId' | 'labelId' | 'episodeId' | 'versionOf'
type Tables =
  'tasks.jsonl' | 'episodes.jsonl' | 'steps.jsonl' | 'queries.jsonl' | 'policies.jsonl' | 'evaluations.jsonl'
type Fields<F extends Tables> = Omit<ExportRow<F>, Links>

type VectorJson = ReturnType<typeof encodeVector>

function vector(name: string): Column<VectorJson, VectorJson> {
  return { name, toSql: (v) => toBlob(decodeVector(v)), fromSql: (v) => encodeVector(fromBlob(v as Buffer)) }
}

/** JSON text in the file, the value in the export. */
function json<V>(name: string): Column<V> {
  return { name, toSql: (v) => JSON.stringify(v), fromSql: (v) => JSON.parse(v as string) as V }
}

/** A 0/1 column, a boolean in the export. */
function flag(name: string): Column<boolean> {
  return { name, toSql: (v) => (v ? 1 : 0), fromSql: (v) => v === 1 }
}

/** A 0/1 column written to the export only when set (most rows have it unset: the files stay as before it). */
function rareFlag(name: string): Column<boolean, boolean | undefined> {
  return { ...flag(name), toJson: (v) => (v ? true : undefined), fromJson: (j) => j === true }
}

/** JSON text or NULL in the file, written to the export only when set. */
function rareJson<V>(name: string): Column<V | null, V | null | undefined> {
  return {
    name,
    nullable: true,
    toSql: (v) => (v === null ? null : JSON.stringify(v)),
    fromSql: (v) => (v === null ? null : (JSON.parse(v as string) as V)),
    toJson: (v) => v ?? undefined,
    fromJson: (j) => j ?? null,
  }
}

/** A column added later: NULL in older rows and absent in older exports, null in newer ones. */
function later<V extends number | null>(name: string): Column<V | null | undefined, V | null | undefined> {
  return { name, nullable: true, toSql: (v) => v ?? null, fromSql: (v) => (v ?? null) as V | null }
}

export const TASK = new Columns<Fields<'tasks.jsonl'>>({
  taskId: plain('task_id'),
  mjcfHash: plain('mjcf_hash'),
  mujocoVersion: plain('mujoco_version'),
  firstUsedAt: plain('first_used_at'),
  lastUsedAt: plain('last_used_at'),
})

/** In the export's JSON a rare field is left out where unset (rareFlag, rareJson). */
type Rare<T, K extends keyof T> = Omit<T, K> & { [P in K]?: T[P] }

export const EPISODE = new Columns<Fields<'episodes.jsonl'>, Rare<Fields<'episodes.jsonl'>, 'mergedFrom'>>({
  taskId: plain('task_id'),
  kind: plain('kind'),
  complete: flag('complete'),
  interrupted: flag('interrupted'),
  ret: plain('ret'),
  steps: plain('steps'),
  operator: plain('operator', true),
  replaced: flag('replaced'),
  mergedFrom: rareJson('merged_from'),
  createdAt: plain('created_at'),
  finishedAt: plain('finished_at', true),
})

export const STEP = new Columns<Fields<'steps.jsonl'>, Rare<Fields<'steps.jsonl'>, 'bad'>>({
  index: plain('idx'),
  state: vector('state'),
  observation: vector('observation'),
  action: vector('action'),
  reward: plain('reward'),
  source: plain('source'),
  bad: rareFlag('bad'),
})

export const QUERY = new Columns<Fields<'queries.jsonl'>>({
  issuedAt: plain('issued_at'),
  firstInputAt: plain('first_input_at', true),
  committedAt: plain('committed_at', true),
  abandonedAt: plain('abandoned_at', true),
  proposedAction: vector('proposed_action'),
  answer: {
    name: 'answer',
    nullable: true,
    toSql: (v) => (v ? toBlob(decodeVector(v)) : null),
    fromSql: (v) => (v ? encodeVector(fromBlob(v as Buffer)) : null),
  },
  disagreement: plain('disagreement', true),
  operator: plain('operator', true),
  contextSwitch: flag('context_switch'),
})

export const POLICY = new Columns<Fields<'policies.jsonl'>>({
  labels: plain('labels'),
  backend: plain('backend'),
  weights: json('weights'),
  createdAt: plain('created_at'),
})

export const EVALUATION = new Columns<Fields<'evaluations.jsonl'>>({
  labels: plain('labels'),
  cost: plain('cost'),
  humanSeconds: plain('human_seconds'),
  returns: json('returns'),
  mean: plain('mean'),
  std: plain('std'),
  successRate: later('success_rate'),
  coverage: later('coverage'),
  createdAt: plain('created_at'),
})
