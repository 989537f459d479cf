// The portable export format (documented in docs/STORE.md): a directory with manifest.json and one JSON-lines
// file per table. Both export.ts and import.ts build on these schemas, so what one writes the other accepts.
import { z } from 'zod'
import { MAX_ALGO_VERSION, SESSION_LIMITS, SessionConfigFields } from '../../shared/session-config'
import { DaggerStates, parseAlgoParams, WarmFraction } from '../../shared/algorithms'
import { HumanSeconds, OperatorName, Timestamp } from '../../shared/stored-values'
import { TASK_FILE_LIMITS } from '../../shared/task-limits'
import { SETTING_SCHEMAS } from './types'

export const EXPORT_FORMAT = 'imitation-workbench-export'
/** 2: task_files.jsonl carries the workspace's own tasks (version 1 exports have none and are still read) */
export const EXPORT_VERSION = 2
/** The first version whose exports list task_files.jsonl. */
export const TASK_FILES_SINCE = 2
/** A task file travels in pieces of at most this many bytes (a line stays far below the line bound). */
export const TASK_FILE_CHUNK = 1 << 20

/** Table files in dependency order: a row only refers to rows of files before it. */
export const EXPORT_FILES = [
  'settings.jsonl',
  'tasks.jsonl',
  'task_files.jsonl',
  'sessions.jsonl',
  'episodes.jsonl',
  'steps.jsonl',
  'labels.jsonl',
  'queries.jsonl',
  'policies.jsonl',
  'evaluations.jsonl',
] as const
export type ExportFile = (typeof EXPORT_FILES)[number]

/**
 * JSON has no NaN or infinities; the writer spells them as strings so an export says exactly what was stored.
 * An import refuses them in states, observations and actions (checkVector in import.ts): the running code can
 * neither restore nor learn from them.
 */
const vectorValue = z.union([z.number(), z.enum(['NaN', 'Infinity', '-Infinity'])])
type VectorValue = z.infer<typeof vectorValue>
/** The longest vector any row may hold; the task's own sizes are checked on import. */
export const MAX_VECTOR = 1024
const vector = z.array(vectorValue).max(MAX_VECTOR)
/** A label's context: up to 15 observations before it and 63 actions after it (shared/policy-config.ts bounds). */
export const MAX_CONTEXT = 64 * MAX_VECTOR
const id = z.number().int().positive().max(Number.MAX_SAFE_INTEGER)
const count = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER)
const finite = z.number().finite()
const nonnegative = z.number().finite().nonnegative()
/** what the workspace stores (shared/stored-values.ts): a date that parses, a bounded name, a bounded time */
const timestamp = Timestamp
/** A label costs 1 (offline) or C (a query): never more than the largest cost ratio a session may have. */
const labelCost = z.number().min(0).max(SESSION_LIMITS.costRatio.max)
/** seconds a person spent: a day per label is far beyond any real one */
const humanSeconds = HumanSeconds

export function encodeVector(values: ArrayLike<number>): VectorValue[] {
  const out: VectorValue[] = new Array(values.length)
  for (let i = 0; i < values.length; i++) {
    const v = values[i]
    out[i] = Number.isFinite(v) ? v : (String(v) as VectorValue)
  }
  return out
}

export function decodeVector(values: readonly (number | string)[]): number[] {
  return values.map((v) => (typeof v === 'number' ? v : Number(v)))
}

export const rowSchemas = {
  // The settings the workbench knows, each with the schema updateSettings() uses.
  'settings.jsonl': z.discriminatedUnion('key', [
    z.object({ key: z.literal('costRatio'), value: SETTING_SCHEMAS.costRatio }).strict(),
    z.object({ key: z.literal('operators'), value: SETTING_SCHEMAS.operators }).strict(),
  ]),
  'tasks.jsonl': z
    .object({
      taskId: z.string().min(1),
      mjcfHash: z.string(),
      mujocoVersion: z.string(),
      firstUsedAt: timestamp,
      lastUsedAt: timestamp,
    })
    .strict(),
  // A folder task's file (docs/TASKS.md), in pieces: `offset` is where this piece's bytes start in the file.
  'task_files.jsonl': z
    .object({
      taskId: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/),
      path: z.string().min(1).max(300),
      offset: z.number().int().nonnegative().max(TASK_FILE_LIMITS.fileBytes),
      base64: z
        .string()
        .max(Math.ceil(TASK_FILE_CHUNK / 3) * 4)
        .regex(/^[A-Za-z0-9+/]*={0,2}$/),
    })
    .strict(),
  // The running code's own schema (bounds included), so an import cannot store a session it could not run.
  'sessions.jsonl': SessionConfigFields.extend({
    id,
    status: z.enum(['created', 'running', 'paused', 'finished', 'failed', 'cancelled']),
    createdAt: timestamp,
    finishedAt: timestamp.nullable(),
    /** since schema 4; older exports have none */
    note: z.string().max(1000).nullable().default(null),
    /** since schema 9; older exports' sessions ran each algorithm's first version */
    algoVersion: z.number().int().min(1).max(MAX_ALGO_VERSION).default(1),
    /** before schema 15 the parameters had a field each: WARM-STAGGER's fraction and DAgger's states per rollout */
    warmFraction: WarmFraction.nullable().optional(),
    daggerStates: DaggerStates.nullable().optional(),
  })
    .strict()
    .refine((r) => r.budget / r.costRatio <= SESSION_LIMITS.queries, {
      message: `budget / cost ratio may imply at most ${SESSION_LIMITS.queries} queries`,
    })
    .refine((r) => r.warmFraction == null || r.algo === 'warm-stagger', {
      message: 'warmFraction is set for warm-stagger sessions only',
      path: ['warmFraction'],
    })
    .refine((r) => r.daggerStates == null || r.algo === 'dagger', {
      message: 'daggerStates is set for dagger sessions only',
      path: ['daggerStates'],
    })
    .transform(({ warmFraction, daggerStates, ...r }, ctx) => {
      // an older export's fields become the parameters, checked by the algorithm's schema like a new export's
      const given = { ...r.algoParams }
      if (warmFraction != null) given.fraction = warmFraction
      if (r.algo === 'dagger' && daggerStates !== undefined) given.states = daggerStates
      try {
        return { ...r, algoParams: parseAlgoParams(r.algo, given) }
      } catch (e) {
        ctx.addIssue({ code: 'custom', path: ['algoParams'], message: (e as Error).message })
        return z.NEVER
      }
    }),
  'episodes.jsonl': z
    .object({
      id,
      taskId: z.string().min(1),
      sessionId: id.nullable(),
      kind: z.enum(['demonstration', 'rollout', 'evaluation']),
      complete: z.boolean(),
      interrupted: z.boolean(),
      ret: finite,
      steps: count,
      /** who recorded it (since schema 4) */
      operator: OperatorName.nullable().default(null),
      /** since schema 17: the episode an edit made this a version of (an earlier row), and whether an edit replaced it */
      versionOf: id.nullable().default(null),
      replaced: z.boolean().default(false),
      /** since schema 18: where iwb dataset merge took it from (another workspace's file name and episode id) */
      mergedFrom: z
        .object({ workspace: z.string().min(1).max(255), episodeId: id })
        .strict()
        .nullable()
        .default(null),
      createdAt: timestamp,
      finishedAt: timestamp.nullable(),
    })
    .strict(),
  'steps.jsonl': z
    .object({
      episodeId: id,
      index: count,
      state: vector,
      observation: vector,
      action: vector,
      reward: finite,
      source: z.enum(['demonstration', 'policy', 'query', 'intervention']),
      /** since schema 18: a person marked it bad (written only when true) */
      bad: z.boolean().default(false),
    })
    .strict(),
  'labels.jsonl': z
    .object({
      id,
      sessionId: id,
      source: z.enum(['demonstration', 'offline', 'query', 'intervention', 'policy']),
      cost: labelCost,
      observation: vector,
      state: vector.nullable(),
      action: vector,
      humanSeconds: humanSeconds.nullable(),
      episodeId: id.nullable(),
      stepIndex: count.nullable(),
      /** since schema 12: the observations before the state and the actions after its own (LabelContext) */
      context: z
        .object({ history: z.array(vectorValue).max(MAX_CONTEXT), next: z.array(vectorValue).max(MAX_CONTEXT) })
        .strict()
        .nullable()
        .default(null),
      /** since schema 15: the expert's action at the state of a label a person gave; null for the expert's own */
      expertAction: vector.nullable().default(null),
      createdAt: timestamp,
    })
    .strict(),
  'queries.jsonl': z
    .object({
      id,
      sessionId: id,
      labelId: id.nullable(),
      issuedAt: finite,
      firstInputAt: finite.nullable(),
      committedAt: finite.nullable(),
      abandonedAt: finite.nullable(),
      proposedAction: vector,
      answer: vector.nullable(),
      disagreement: finite.nullable(),
      operator: OperatorName.nullable(),
      /** since schema 15: the robot turned to the person after driving on its own */
      contextSwitch: z.boolean().default(false),
    })
    .strict(),
  'policies.jsonl': z
    .object({
      id,
      sessionId: id,
      labels: count,
      backend: z.string(),
      weights: z.json(),
      createdAt: timestamp,
    })
    .strict(),
  'evaluations.jsonl': z
    .object({
      id,
      sessionId: id,
      labels: count,
      cost: nonnegative,
      humanSeconds: nonnegative,
      returns: z.array(finite).max(SESSION_LIMITS.evalEpisodes),
      mean: finite,
      std: finite,
      /** absent in exports made before success rates were stored */
      successRate: z.number().min(0).max(1).nullable().optional(),
      /** absent in exports made before coverage was stored (schema 13) */
      coverage: z.number().min(0).max(1).nullable().optional(),
      createdAt: timestamp,
    })
    .strict(),
} satisfies Record<ExportFile, z.ZodType>

export type ExportRow<F extends ExportFile> = z.infer<(typeof rowSchemas)[F]>

export const Manifest = z
  .object({
    format: z.literal(EXPORT_FORMAT),
    version: z.number().int().positive(),
    /** the workspace schema version it was exported from (information only) */
    schemaVersion: z.number().int().nonnegative(),
    createdAt: timestamp,
    scope: z.enum(['workspace', 'sessions']),
    /** for scope 'sessions': the exported session ids (as in the export) */
    sessionIds: z.array(id),
    files: z.record(
      z.string(),
      z
        .object({
          rows: count,
          bytes: count,
          sha256: z.string().regex(/^[0-9a-f]{64}$/),
        })
        .strict(),
    ),
  })
  .strict()
export type Manifest = z.infer<typeof Manifest>
