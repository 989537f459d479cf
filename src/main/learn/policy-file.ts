// A trained policy as two files another program can read (docs/POLICIES.md, "A policy outside the workbench"):
// model.safetensors, every weight array as a named little-endian tensor, and config.json, what the arrays mean
// (class and parameters, the task's sizes and action bounds, the standardisation, history and chunk lengths, the
// activation) and where they came from (labels, the session's evaluation seed settings and stored returns).
// Export and load are this one module (cli/policy-folder.ts writes and reads the folder's files), so a policy
// read back is the one written: LearnerWeights -> tensors -> LearnerWeights gives the same numbers, and
// `iwb policy eval` with the session's seed settings gives its returns.
//
// safetensors (Hugging Face's format): 8 bytes, the header's length N as a little-endian u64; N bytes of JSON
// {name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__": {string: string}}, padded with spaces; then
// the tensors' bytes, offsets counted from the end of the header, back to back. The format is written here
// (about a hundred lines) because npm has no maintained writer for Node: the one package by that name is a
// single 0.0.1 release without a repository.
//
// dtype: F32 for an array whose every value is a float32 (what tfjs trains), F64 where not (the standardisation's
// statistics and the mlp's first layer with the standardisation folded in are computed in double precision).
// Writing those as F32 would round them, and the policy would no longer act as the workbench's does.
import { z } from 'zod'
import type { TaskInfo } from '../../shared/contract'
import {
  POLICY_CLASSES,
  POLICY_LIMITS,
  policyClass,
  type PolicyChoice,
  type PolicyId,
} from '../../shared/policy-config'
import type { ChunkWeights, DiffusionWeights, GmmWeights, LearnerWeights, MlpWeights } from '../sim/policy-spec'
import { TIME_EMBEDDING } from '../sim/policies/diffusion'
import {
  transformerFromTensors,
  transformerHead,
  transformerTensors,
  type TransformerHead,
} from './transformer-tensors'

export const POLICY_FILE_FORMAT = 'imitation-workbench policy'
export const POLICY_FILE_VERSION = 1
export const MODEL_FILE = 'model.safetensors'
export const CONFIG_FILE = 'config.json'

/** Bounds on what a policy folder may make this process read. */
export const POLICY_FILE_LIMITS = {
  /** the safetensors JSON header (a policy's has a few dozen short entries) */
  headerBytes: 1 << 20,
  /** model.safetensors (the largest class the bounds allow is about 100 MB in F64) */
  modelBytes: 512 << 20,
  configBytes: 1 << 20,
  tensors: 64,
} as const

/** A policy file's one-line complaint (the CLI prints its message as it is). */
export class PolicyFileError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'PolicyFileError'
  }
}

function fail(message: string): never {
  throw new PolicyFileError(message)
}

// ---- safetensors ---------------------------------------------------------------------------------------

export type Dtype = 'F32' | 'F64'
const DTYPE_BYTES: Record<Dtype, number> = { F32: 4, F64: 8 }

export interface Tensor {
  shape: number[]
  /** row-major values */
  data: ArrayLike<number>
}

export interface StoredTensor extends Tensor {
  dtype: Dtype
  data: Float64Array
}

const size = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1)

/** F32 when every value is exactly a float32 (nothing is rounded), else F64. */
export function losslessDtype(data: ArrayLike<number>): Dtype {
  for (let i = 0; i < data.length; i++) if (Math.fround(data[i]) !== data[i]) return 'F64'
  return 'F32'
}

/** The bytes of a safetensors file holding `tensors` (in their order, F64 ones first so that each is aligned). */
export function encodeSafetensors(
  tensors: Readonly<Record<string, Tensor>>,
  metadata: Readonly<Record<string, string>> = {},
): Uint8Array {
  const entries = Object.entries(tensors).map(([name, t]) => {
    if (t.data.length !== size(t.shape))
      fail(`tensor '${name}' has ${t.data.length} values for shape [${t.shape.join(', ')}]`)
    for (let i = 0; i < t.data.length; i++)
      if (!Number.isFinite(t.data[i])) fail(`tensor '${name}' holds a value that is not a finite number`)
    return { name, t, dtype: losslessDtype(t.data) }
  })
  entries.sort((a, b) => DTYPE_BYTES[b.dtype] - DTYPE_BYTES[a.dtype])
  const header: Record<string, unknown> = {}
  if (Object.keys(metadata).length) header.__metadata__ = metadata
  let offset = 0
  for (const e of entries) {
    const bytes = e.t.data.length * DTYPE_BYTES[e.dtype]
    header[e.name] = { dtype: e.dtype, shape: e.t.shape, data_offsets: [offset, offset + bytes] }
    offset += bytes
  }
  let json = JSON.stringify(header)
  json += ' '.repeat((8 - ((8 + Buffer.byteLength(json)) % 8)) % 8)
  const head = Buffer.from(json, 'utf8')
  const out = new Uint8Array(8 + head.length + offset)
  const view = new DataView(out.buffer)
  view.setBigUint64(0, BigInt(head.length), true)
  out.set(head, 8)
  let at = 8 + head.length
  for (const e of entries) {
    const { data } = e.t
    for (let i = 0; i < data.length; i++) {
      if (e.dtype === 'F32') view.setFloat32(at, data[i], true)
      else view.setFloat64(at, data[i], true)
      at += DTYPE_BYTES[e.dtype]
    }
  }
  return out
}

const HeaderEntry = z
  .object({
    dtype: z.string(),
    shape: z
      .array(
        z
          .number()
          .int()
          .min(0)
          .max(2 ** 31),
      )
      .max(8),
    data_offsets: z.tuple([z.number().int().min(0), z.number().int().min(0)]),
  })
  .strict()

/**
 * The tensors of a safetensors file, checked as the format asks: a header within `headerBytes`, JSON of entries
 * with F32 or F64 data whose byte ranges match their shapes and fill the data exactly, back to back.
 */
export function decodeSafetensors(
  bytes: Uint8Array,
  what = MODEL_FILE,
  headerBytes: number = POLICY_FILE_LIMITS.headerBytes,
): { tensors: Map<string, StoredTensor>; metadata: Record<string, string> } {
  if (bytes.length < 8) fail(`${what} is too short to be a safetensors file (${bytes.length} bytes)`)
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const n = view.getBigUint64(0, true)
  if (n > BigInt(headerBytes)) fail(`${what}: its header says ${n} bytes, over the bound of ${headerBytes}`)
  const headerEnd = 8 + Number(n)
  if (headerEnd > bytes.length) fail(`${what}: its header of ${n} bytes runs past the end of the file`)
  let header: unknown
  try {
    header = JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset + 8, Number(n)).toString('utf8'))
  } catch {
    fail(`${what}: its header is not JSON`)
  }
  if (!header || typeof header !== 'object' || Array.isArray(header)) fail(`${what}: its header is not a JSON object`)
  const metadata: Record<string, string> = {}
  const ranges: { name: string; begin: number; end: number }[] = []
  const tensors = new Map<string, StoredTensor>()
  const dataBytes = bytes.length - headerEnd
  for (const [name, raw] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') {
      const m = z.record(z.string(), z.string()).safeParse(raw)
      if (!m.success) fail(`${what}: __metadata__ must map names to strings`)
      Object.assign(metadata, m.data)
      continue
    }
    if (tensors.size >= POLICY_FILE_LIMITS.tensors)
      fail(`${what} holds more than ${POLICY_FILE_LIMITS.tensors} tensors`)
    const e = HeaderEntry.safeParse(raw)
    if (!e.success) fail(`${what}: tensor '${name.slice(0, 80)}' has no valid dtype, shape and data_offsets`)
    const {
      dtype,
      shape,
      data_offsets: [begin, end],
    } = e.data
    if (dtype !== 'F32' && dtype !== 'F64')
      fail(`${what}: tensor '${name.slice(0, 80)}' is ${dtype.slice(0, 20)}; a policy's tensors are F32 or F64`)
    const width = DTYPE_BYTES[dtype as Dtype]
    if (end < begin || end > dataBytes || end - begin !== size(shape) * width)
      fail(`${what}: tensor '${name.slice(0, 80)}' has data_offsets that do not fit its shape or the file`)
    const data = new Float64Array(size(shape))
    const at = headerEnd + begin
    for (let i = 0; i < data.length; i++)
      data[i] = dtype === 'F32' ? view.getFloat32(at + i * 4, true) : view.getFloat64(at + i * 8, true)
    if (!data.every(Number.isFinite)) fail(`${what}: tensor '${name.slice(0, 80)}' holds a value that is not finite`)
    tensors.set(name, { dtype: dtype as Dtype, shape, data })
    ranges.push({ name, begin, end })
  }
  ranges.sort((a, b) => a.begin - b.begin || a.end - b.end)
  let covered = 0
  for (const r of ranges) {
    if (r.begin !== covered) fail(`${what}: tensor '${r.name.slice(0, 80)}' does not follow the one before it`)
    covered = r.end
  }
  if (covered !== dataBytes) fail(`${what}: ${dataBytes - covered} bytes after the last tensor`)
  return { tensors, metadata }
}

// ---- what the arrays mean ------------------------------------------------------------------------------

const Finite = z.number().refine(Number.isFinite, { message: 'must be finite' })
const Dim = z.number().int().min(1).max(100_000)

/** The class's own fields of its weights (the LearnerWeights names), as config.json's "head" holds them. */
const Heads = {
  mlp: z.object({}).strict(),
  gmm: z.object({ modes: z.number().int().min(1).max(1000) }).strict(),
  chunk: z
    .object({
      chunk: z.number().int().min(1).max(1000),
      ensembleDecay: Finite,
      // a transformer backbone's sizes (transformer-tensors.ts); absent: the MLP of `hidden`
      width: z.number().int().min(1).max(POLICY_LIMITS.transformer.width.max).optional(),
      heads: z.number().int().min(1).max(POLICY_LIMITS.transformer.heads).optional(),
      blocks: z.number().int().min(1).max(POLICY_LIMITS.transformer.blocks).optional(),
      feedforward: z.number().int().min(1).max(POLICY_LIMITS.transformer.feedforward.max).optional(),
    })
    .strict()
    .refine(
      (h) => [h.width, h.heads, h.blocks, h.feedforward].every((v) => (v === undefined) === (h.width === undefined)),
      {
        message: 'a transformer backbone needs width, heads, blocks and feedforward together',
      },
    )
    .refine((h) => h.width === undefined || h.width % h.heads! === 0, { message: 'heads must divide width' }),
  diffusion: z
    .object({
      horizon: z.number().int().min(1).max(1000),
      execute: z.number().int().min(1).max(1000),
      diffusionSteps: z.number().int().min(1).max(100_000),
      inferenceSteps: z.number().int().min(1).max(100_000),
      timeEmbedding: z.literal(TIME_EMBEDDING),
    })
    .strict(),
} as const

/** config.json, as this workbench writes it and reads it back (other fields are kept for a reader's eyes). */
export const PolicyFileConfig = z.object({
  format: z.literal(POLICY_FILE_FORMAT),
  version: z.number().int().min(1),
  class: z.string(),
  classVersion: z.number().int().min(1),
  params: z.record(z.string(), z.unknown()),
  head: z.record(z.string(), z.unknown()),
  taskId: z.string(),
  envTaskId: z.string(),
  obsDim: Dim,
  actDim: Dim,
  actionLow: z.array(Finite),
  actionHigh: z.array(Finite),
  history: z.number().int().min(1).max(1000),
  chunk: z.number().int().min(1).max(1000),
  hidden: z.array(Dim).max(16),
  activation: z.enum(['tanh', 'relu']),
  input: z.string(),
  output: z.string(),
  standardisation: z.object({ kind: z.enum(['folded', 'tensors']), note: z.string() }),
  tensors: z.record(z.string(), z.object({ dtype: z.enum(['F32', 'F64']), shape: z.array(z.number().int()) })),
  labels: z.number().int().min(0),
  evaluation: z.object({
    seed: z
      .number()
      .int()
      .min(0)
      .max(2 ** 31 - 1),
    evalEpisodes: z.number().int().min(1).max(100_000),
    returns: z.array(Finite).nullable(),
    successRate: z.number().nullable(),
  }),
  session: z.object({ id: z.number().int(), algo: z.string(), backend: z.string() }),
})
export type PolicyFileConfig = z.infer<typeof PolicyFileConfig>

/** Where a policy came from: its session, the labels it was saved at and that evaluation's returns. */
export interface PolicyOrigin {
  sessionId: number
  algo: string
  backend: string
  taskId: string
  envTaskId: string
  policy: PolicyChoice
  labels: number
  seed: number
  evalEpisodes: number
  /** the returns the session stored for the evaluation at `labels`, or null when it has none */
  returns: number[] | null
  successRate: number | null
}

const classOf = (w: LearnerWeights): PolicyId => ('cls' in w ? w.cls : 'mlp')

/** History and chunk lengths of a weights' class (1 for the mlp, which sees one observation and gives one action). */
function lengths(w: LearnerWeights): { history: number; chunk: number } {
  if (!('cls' in w)) return { history: 1, chunk: 1 }
  switch (w.cls) {
    case 'gmm':
      return { history: w.history, chunk: 1 }
    case 'chunk':
      return { history: w.history, chunk: w.chunk }
    case 'diffusion':
      return { history: w.history, chunk: w.horizon }
  }
}

function headOf(w: LearnerWeights): Record<string, number> {
  if (!('cls' in w)) return {}
  switch (w.cls) {
    case 'gmm':
      return { modes: w.modes }
    case 'chunk':
      return {
        chunk: w.chunk,
        ensembleDecay: w.ensembleDecay,
        ...(w.transformer ? transformerHead(w.transformer) : {}),
      }
    case 'diffusion':
      return {
        horizon: w.horizon,
        execute: w.execute,
        diffusionSteps: w.diffusionSteps,
        inferenceSteps: w.inferenceSteps,
        timeEmbedding: TIME_EMBEDDING,
      }
  }
}

/** The network's input and output widths for a class with these fields. */
function widths(
  cls: PolicyId,
  head: Record<string, number>,
  obsDim: number,
  actDim: number,
  history: number,
): { input: number; output: number } {
  switch (cls) {
    case 'mlp':
      return { input: obsDim, output: actDim }
    case 'gmm':
      return { input: history * obsDim, output: head.modes * (2 * actDim + 1) }
    case 'chunk':
      return { input: history * obsDim, output: head.chunk * actDim }
    case 'diffusion':
      return { input: head.horizon * actDim + history * obsDim + TIME_EMBEDDING, output: head.horizon * actDim }
  }
}

/** The words config.json gives a reader for the network's input and output. */
function describe(cls: PolicyId, head: Record<string, number>): { input: string; output: string } {
  const hist =
    'the last `history` observations, oldest first, flat (at an episode start the first observation stands in for the ones before it), each standardised with obs_mean and obs_std'
  switch (cls) {
    case 'mlp':
      return {
        input: 'the raw observation (the standardisation is folded into layers.0)',
        output:
          'the Gaussian mean of the action, clipped to [actionLow, actionHigh]; log_std is its per-action log standard deviation',
      }
    case 'gmm':
      return {
        input: hist,
        output: `modes x actDim means, then modes x actDim log standard deviations, then modes logits (modes = ${head.modes}); means in [-1, 1] units: action = actionLow + (clip(mean, -1, 1) + 1) / 2 * (actionHigh - actionLow); act() takes the mean of the largest logit`,
      }
    case 'chunk':
      return {
        input:
          head.width === undefined
            ? hist
            : `${hist}; through the transformer backbone of docs/POLICIES.md (tensors transformer.*): a token per observation (embed + tokens[i]) and a query token per action (tokens[history + j]), \`blocks\` pre-LayerNorm blocks of \`heads\`-head self-attention and a ReLU feed-forward part, a last LayerNorm, and head reading each query token out as its action`,
        output:
          'chunk x actDim: the next `chunk` actions in [-1, 1] units, the current one first (action = actionLow + (clip(y, -1, 1) + 1) / 2 * (actionHigh - actionLow)); executed with temporal ensembling, weight exp(-ensembleDecay * i) for the i-th oldest chunk still covering the step',
      }
    case 'diffusion':
      return {
        input: `the noisy chunk (horizon x actDim), then ${hist}, then the sinusoidal embedding of the noise level (timeEmbedding wide: sin(t f_i), then cos(t f_i), f_i = exp(-ln(10000) i / (timeEmbedding/2 - 1)))`,
        output:
          'the predicted noise (horizon x actDim); DDIM (eta 0) over inferenceSteps levels floor(i * diffusionSteps / inferenceSteps), i from inferenceSteps - 1 down, of the squared-cosine schedule (betas capped at 0.999), x0 clipped to [-1, 1]; the first `execute` actions of a denoised chunk run, then it denoises again',
      }
  }
}

/** The tensors of a policy's weights: layers.i.weight [out, in], layers.i.bias [out], and log_std or obs_mean/obs_std. */
export function weightsToTensors(w: LearnerWeights): Record<string, Tensor> {
  const out: Record<string, Tensor> = {}
  const { history } = lengths(w)
  const { input } = widths(classOf(w), headOf(w), w.obsDim, w.actDim, history)
  if ('cls' in w && w.cls === 'chunk' && w.transformer)
    Object.assign(out, transformerTensors(w.transformer, w.obsDim, w.actDim, w.history + w.chunk))
  let inDim = input
  w.layers.forEach((layer, i) => {
    const outDim = layer.b.length
    if (layer.w.length !== outDim * inDim)
      fail(`layer ${i} has ${layer.w.length} weights, expected ${outDim} x ${inDim}`)
    out[`layers.${i}.weight`] = { shape: [outDim, inDim], data: layer.w }
    out[`layers.${i}.bias`] = { shape: [outDim], data: layer.b }
    inDim = outDim
  })
  if ('cls' in w) {
    out.obs_mean = { shape: [w.obsDim], data: w.obsMean }
    out.obs_std = { shape: [w.obsDim], data: w.obsStd }
  } else {
    out.log_std = { shape: [w.actDim], data: w.logStd }
  }
  return out
}

/** Check that stored weights are what a class's weights look like (the store keeps them as plain JSON). */
function checkWeights(raw: unknown): LearnerWeights {
  const w = raw as Partial<MlpWeights> & { cls?: unknown; layers?: unknown }
  const array = (v: unknown): boolean => Array.isArray(v) && v.every((x) => typeof x === 'number')
  const ok =
    w &&
    typeof w === 'object' &&
    Number.isInteger(w.obsDim) &&
    Number.isInteger(w.actDim) &&
    Array.isArray(w.layers) &&
    // a transformer backbone has no dense layers
    (w.layers.length > 0 || (w.cls === 'chunk' && typeof (w as { transformer?: unknown }).transformer === 'object')) &&
    (w.layers as unknown[]).every((l) => {
      const layer = l as { w?: unknown; b?: unknown } | null
      return layer !== null && typeof layer === 'object' && array(layer.w) && array(layer.b)
    })
  if (!ok) fail('the stored policy is not a set of weights this workbench knows')
  if (w.cls !== undefined && !POLICY_CLASSES.some((c) => c.id === w.cls && c.id !== 'mlp'))
    fail(`the stored policy is of an unknown class '${String(w.cls)}'`)
  return raw as LearnerWeights
}

/** config.json and the model's bytes for a policy saved by a session. */
export function exportPolicy(
  rawWeights: unknown,
  origin: PolicyOrigin,
  task: Pick<TaskInfo, 'actionLow' | 'actionHigh'>,
): { config: PolicyFileConfig; model: Uint8Array } {
  const w = checkWeights(rawWeights)
  const cls = classOf(w)
  if (cls !== origin.policy.id) fail(`the stored policy is of class ${cls}, its session's is ${origin.policy.id}`)
  const tensors = weightsToTensors(w)
  const head = headOf(w)
  const { history, chunk } = lengths(w)
  const hidden = w.layers.slice(0, -1).map((l) => l.b.length)
  const model = encodeSafetensors(tensors, { format: POLICY_FILE_FORMAT, class: cls })
  const config: PolicyFileConfig = {
    format: POLICY_FILE_FORMAT,
    version: POLICY_FILE_VERSION,
    class: cls,
    classVersion: policyClass(cls).version,
    params: origin.policy.params,
    head,
    taskId: origin.taskId,
    envTaskId: origin.envTaskId,
    obsDim: w.obsDim,
    actDim: w.actDim,
    actionLow: task.actionLow.slice(),
    actionHigh: task.actionHigh.slice(),
    history,
    chunk,
    hidden,
    activation: cls === 'mlp' ? 'tanh' : 'relu',
    ...describe(cls, head),
    standardisation:
      cls === 'mlp'
        ? {
            kind: 'folded',
            note: 'folded into layers.0 (weight / std, bias - weight . mean / std): the network takes the raw observation, and there is no obs_mean or obs_std',
          }
        : {
            kind: 'tensors',
            note: 'x = (observation - obs_mean) / obs_std per observation dimension, for each observation of the history',
          },
    // the dtype each tensor was written in (encodeSafetensors picks it the same way)
    tensors: Object.fromEntries(
      Object.entries(tensors).map(([name, t]) => [name, { dtype: losslessDtype(t.data), shape: t.shape }]),
    ),
    labels: origin.labels,
    evaluation: {
      seed: origin.seed,
      evalEpisodes: origin.evalEpisodes,
      returns: origin.returns,
      successRate: origin.successRate,
    },
    session: { id: origin.sessionId, algo: origin.algo, backend: origin.backend },
  }
  return { config, model }
}

/** The weights a config.json and its model.safetensors describe, checked against each other. */
export function importPolicy(
  rawConfig: unknown,
  model: Uint8Array,
): { config: PolicyFileConfig; weights: LearnerWeights } {
  const format = (rawConfig as { format?: unknown } | null)?.format
  if (format !== POLICY_FILE_FORMAT) fail(`${CONFIG_FILE} is not a workbench policy's (format '${String(format)}')`)
  const version = (rawConfig as { version?: unknown }).version
  if (typeof version === 'number' && version > POLICY_FILE_VERSION)
    fail(`${CONFIG_FILE} is format version ${version}; this workbench reads version ${POLICY_FILE_VERSION}`)
  const cls = (rawConfig as { class?: unknown }).class
  if (!POLICY_CLASSES.some((c) => c.id === cls))
    fail(`${CONFIG_FILE}: unknown policy class '${String(cls)}' (${POLICY_CLASSES.map((c) => c.id).join(', ')})`)
  const parsed = PolicyFileConfig.safeParse(rawConfig)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    fail(`${CONFIG_FILE}: ${issue.path.join('.') || 'value'}: ${issue.message}`)
  }
  const config = parsed.data
  const id = config.class as PolicyId
  if (config.classVersion > policyClass(id).version)
    fail(
      `${CONFIG_FILE}: ${id} version ${config.classVersion} is newer than this workbench's (${policyClass(id).version})`,
    )
  const h = Heads[id].safeParse(config.head)
  if (!h.success)
    fail(`${CONFIG_FILE}: head: ${h.error.issues[0].path.join('.') || 'value'}: ${h.error.issues[0].message}`)
  const head = h.data as Record<string, number>
  if (config.actionLow.length !== config.actDim || config.actionHigh.length !== config.actDim)
    fail(`${CONFIG_FILE}: actionLow and actionHigh must have actDim (${config.actDim}) values`)
  const { obsDim, actDim, history } = config
  const { tensors } = decodeSafetensors(model)

  const take = (name: string, shape: number[]): number[] => {
    const t = tensors.get(name)
    if (!t) return fail(`${MODEL_FILE} has no tensor '${name}'`)
    if (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i]))
      fail(`${MODEL_FILE}: tensor '${name}' is [${t.shape.join(', ')}], expected [${shape.join(', ')}]`)
    tensors.delete(name)
    return Array.from(t.data)
  }
  const { input, output } = widths(id, head, obsDim, actDim, history)
  const transformer =
    id === 'chunk' && head.width !== undefined
      ? transformerFromTensors(head as unknown as TransformerHead, obsDim, actDim, history + head.chunk, take)
      : undefined
  if (transformer && config.hidden.length) fail(`${CONFIG_FILE}: a transformer backbone has no hidden layers`)
  const sizes = transformer ? [] : [input, ...config.hidden, output]
  const layers = sizes.slice(1).map((out, i) => ({
    w: take(`layers.${i}.weight`, [out, sizes[i]]),
    b: take(`layers.${i}.bias`, [out]),
  }))
  let weights: LearnerWeights
  if (id === 'mlp') {
    weights = { obsDim, actDim, hidden: config.hidden.slice(), layers, logStd: take('log_std', [actDim]) }
  } else {
    const obsMean = take('obs_mean', [obsDim])
    const obsStd = take('obs_std', [obsDim])
    if (obsStd.some((s) => !(s > 0))) fail(`${MODEL_FILE}: obs_std must be positive`)
    const common = { obsDim, actDim, history, layers, obsMean, obsStd }
    if (id === 'gmm') weights = { cls: 'gmm', ...common, modes: head.modes } satisfies GmmWeights
    else if (id === 'chunk')
      weights = {
        cls: 'chunk',
        ...common,
        chunk: head.chunk,
        ensembleDecay: head.ensembleDecay,
        ...(transformer ? { transformer } : {}),
      } satisfies ChunkWeights
    else {
      if (head.execute > head.horizon) fail(`${CONFIG_FILE}: head.execute exceeds head.horizon`)
      weights = {
        cls: 'diffusion',
        ...common,
        horizon: head.horizon,
        execute: head.execute,
        diffusionSteps: head.diffusionSteps,
        inferenceSteps: head.inferenceSteps,
      } satisfies DiffusionWeights
    }
  }
  const extra = [...tensors.keys()]
  if (extra.length) fail(`${MODEL_FILE} has a tensor '${extra[0].slice(0, 80)}' that a ${id} policy does not have`)
  return { config, weights }
}

/** One line when the policy's sizes are not the task's; null when they fit. */
export function sizeMismatch(w: Pick<LearnerWeights, 'obsDim' | 'actDim'>, task: TaskInfo): string | null {
  return w.obsDim === task.obsDim && w.actDim === task.actDim
    ? null
    : `the policy takes ${w.obsDim} observations and gives ${w.actDim} actions; task ${task.id} has ${task.obsDim} and ${task.actDim}`
}
