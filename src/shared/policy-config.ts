// The learner's policy class, chosen per session: one descriptor per class (id, version, label, help, parameters
// as a zod schema with defaults and bounds, and how much context its labels need). The page's picker, the CLI's
// --policy flags, the session configuration and the store all read this list; the classes' networks live in
// src/main/learn/policies/<id> and their exact rollout-time forward passes in src/main/sim/policies/<id>.ts.
import { z } from 'zod'

/** Bounds on every number that decides a policy's size, memory and time. */
export const POLICY_LIMITS = {
  /** observations a policy sees (the current one and the ones before it) */
  history: 16,
  /** actions one prediction holds (an action chunk) */
  chunk: 64,
  hiddenLayers: 4,
  hiddenWidth: { min: 8, max: 1024 },
  modes: 20,
  diffusionSteps: { min: 10, max: 1000 },
  /** DDIM steps per rollout-time denoising (the issue's bound: at most 16) */
  inferenceSteps: 16,
  stepsPerLabel: 256,
  /** epochs of a refit (training-core.ts): a fresh network trained over every label */
  refitEpochs: 1000,
  learningRate: { min: 1e-6, max: 1e-1 },
  batchSize: { min: 8, max: 1024 },
  /** the chunk class's transformer backbone */
  transformer: { width: { min: 8, max: 256 }, heads: 8, blocks: 4, feedforward: { min: 8, max: 1024 } },
} as const

const T = POLICY_LIMITS.transformer
const Hidden = z
  .array(z.number().int().min(POLICY_LIMITS.hiddenWidth.min).max(POLICY_LIMITS.hiddenWidth.max))
  .min(1)
  .max(POLICY_LIMITS.hiddenLayers)
const History = z.number().int().min(1).max(POLICY_LIMITS.history)
const Chunk = z.number().int().min(1).max(POLICY_LIMITS.chunk)
const Rate = z.number().min(POLICY_LIMITS.learningRate.min).max(POLICY_LIMITS.learningRate.max)
const StepsPerLabel = z.number().int().min(1).max(POLICY_LIMITS.stepsPerLabel)
const BatchSize = z.number().int().min(POLICY_LIMITS.batchSize.min).max(POLICY_LIMITS.batchSize.max)

/** The training settings every learned class other than mlp takes (mlp keeps the session's own schedule). */
const training = {
  learningRate: Rate.default(1e-3),
  stepsPerLabel: StepsPerLabel.default(8),
  batchSize: BatchSize.default(64),
  /**
   * Refit: whenever the labels double (from 1024), a fresh network trained for this many epochs over all of them
   * before the steps go on. A network trained for long on a growing set of labels settles where more training no
   * longer helps (docs/POLICIES.md, push-t); absent: never (no default, so every stored choice keeps its key).
   */
  refitEpochs: z.number().int().min(1).max(POLICY_LIMITS.refitEpochs).optional(),
}

export const MlpParams = z.object({}).strict()
export const GmmParams = z
  .object({
    /** Gaussians in the mixture (robomimic's GMM head uses 5) */
    modes: z.number().int().min(1).max(POLICY_LIMITS.modes).default(5),
    hidden: Hidden.default([256, 256]),
    /** observations in, the current one last */
    history: History.default(1),
    ...training,
  })
  .strict()
export const ChunkParams = z
  .object({
    history: History.default(2),
    /** actions predicted at once */
    chunk: Chunk.default(8),
    hidden: Hidden.default([256, 256]),
    /**
     * The backbone: the MLP of `hidden`, or a small transformer encoder (ACT's, without its CVAE): one token per
     * observation of the history and one learned query token per action of the chunk, pre-LayerNorm
     * self-attention blocks, each query token read out as its action. The four sizes below are the transformer's.
     */
    backbone: z.enum(['mlp', 'transformer']).default('mlp'),
    /** the transformer's token width (d_model) */
    width: z.number().int().min(T.width.min).max(T.width.max).default(64),
    /** the transformer's attention heads; they split the width */
    heads: z.number().int().min(1).max(T.heads).default(4),
    /** the transformer's self-attention blocks */
    blocks: z.number().int().min(1).max(T.blocks).default(2),
    /** the hidden width of each block's feed-forward part */
    feedforward: z.number().int().min(T.feedforward.min).max(T.feedforward.max).default(128),
    /** temporal ensembling: weight exp(-decay * i) of the i-th oldest prediction of a step (ACT's m) */
    ensembleDecay: z.number().min(0).max(10).default(0.01),
    ...training,
  })
  .strict()
  .refine((p) => p.backbone !== 'transformer' || p.width % p.heads === 0, {
    message: 'heads must divide width',
    path: ['heads'],
  })
export const DiffusionParams = z
  .object({
    history: History.default(2),
    /** actions denoised at once */
    horizon: Chunk.default(16),
    /** actions executed of each denoised chunk before denoising again (receding horizon) */
    execute: Chunk.default(8),
    hidden: Hidden.default([256, 256]),
    /** DDPM noise levels in training */
    diffusionSteps: z
      .number()
      .int()
      .min(POLICY_LIMITS.diffusionSteps.min)
      .max(POLICY_LIMITS.diffusionSteps.max)
      .default(100),
    /** DDIM steps per denoising in rollouts */
    inferenceSteps: z.number().int().min(1).max(POLICY_LIMITS.inferenceSteps).default(16),
    ...training,
  })
  .strict()
  .refine((p) => p.execute <= p.horizon, { message: 'execute must not exceed horizon', path: ['execute'] })

/**
 * The version of the class that learned (its descriptor's); absent: 1. A class that learns or acts differently
 * with the same parameters bumps its version, so sessions of the old one are never reused or continued as the
 * new one's (they still display and export).
 */
const Version = z.number().int().min(1).max(1000).optional()

export const PolicyChoice = z.discriminatedUnion('id', [
  z.object({ id: z.literal('mlp'), params: MlpParams.default({}), version: Version }).strict(),
  z.object({ id: z.literal('gmm'), params: GmmParams.default(GmmParams.parse({})), version: Version }).strict(),
  z.object({ id: z.literal('chunk'), params: ChunkParams.default(ChunkParams.parse({})), version: Version }).strict(),
  z
    .object({
      id: z.literal('diffusion'),
      params: DiffusionParams.default(DiffusionParams.parse({})),
      version: Version,
    })
    .strict(),
])
export type PolicyChoice = z.output<typeof PolicyChoice>
export type PolicyChoiceInput = z.input<typeof PolicyChoice>
export type PolicyId = PolicyChoice['id']
export type GmmParams = z.output<typeof GmmParams>
export type ChunkParams = z.output<typeof ChunkParams>
/** The transformer backbone's sizes. */
export type TransformerParams = Pick<ChunkParams, 'width' | 'heads' | 'blocks' | 'feedforward'>
export type DiffusionParams = z.output<typeof DiffusionParams>

export const DEFAULT_POLICY: PolicyChoice = { id: 'mlp', params: {} }

export interface PolicyClass {
  id: PolicyId
  /** bumped when the class learns or acts differently with the same parameters (sessions are then not reused) */
  version: number
  label: string
  help: string
  params: z.ZodType
}

/** The registry: one line per class. */
export const POLICY_CLASSES: readonly PolicyClass[] = [
  {
    id: 'mlp',
    version: 1,
    label: 'Gaussian MLP',
    help: 'the current observation -> 64 tanh -> 64 tanh -> a Gaussian; the paper learners, and the default',
    params: MlpParams,
  },
  {
    id: 'gmm',
    // 2: trained through learn/policies/matmul.ts (the same products, another float32 summation order)
    version: 2,
    label: 'Gaussian mixture (GMM)',
    help: 'a mixture of k Gaussians over the action (robomimic GMM), optionally on a history of observations: keeps two ways apart instead of averaging them',
    params: GmmParams,
  },
  {
    id: 'chunk',
    // 2: trained through learn/policies/matmul.ts (the same products, another float32 summation order)
    version: 2,
    label: 'Action chunks',
    help: 'n observations in, k actions out, executed with temporal ensembling (ACT); an MLP backbone, or a small transformer (backbone: transformer)',
    params: ChunkParams,
  },
  {
    id: 'diffusion',
    // 2: trained through learn/policies/matmul.ts (the same products, another float32 summation order)
    version: 2,
    label: 'Diffusion policy',
    help: 'action chunks denoised with DDPM in training and DDIM in rollouts, conditioned on an observation history, executed receding-horizon (Chi et al. 2023)',
    params: DiffusionParams,
  },
]

export function policyClass(id: string): PolicyClass {
  const c = POLICY_CLASSES.find((p) => p.id === id)
  if (!c) throw new RangeError(`unknown policy class '${id}' (${POLICY_CLASSES.map((p) => p.id).join(', ')})`)
  return c
}

/** What a class's labels carry besides the state's own observation and action. */
export interface LabelContextNeeds {
  /** observations in (the current one last) */
  history: number
  /** actions out (the label's own action first) */
  chunk: number
}

export function contextNeeds(p: PolicyChoice): LabelContextNeeds {
  switch (p.id) {
    case 'mlp':
      return { history: 1, chunk: 1 }
    case 'gmm':
      return { history: p.params.history, chunk: 1 }
    case 'chunk':
      return { history: p.params.history, chunk: p.params.chunk }
    case 'diffusion':
      return { history: p.params.history, chunk: p.params.horizon }
  }
}

/** The version a choice names (1 when it names none). */
export function policyVersion(p: Pick<PolicyChoice, 'version'>): number {
  return p.version ?? 1
}

/** The choice as this code runs it: its class's current version, written only from version 2 on. */
export function currentVersion<T extends PolicyChoice>(p: T): T {
  const v = policyClass(p.id).version
  if (p.version !== undefined) return p
  return v === 1 ? p : { ...p, version: v }
}

/** Canonical text of a choice with every default filled (the store's column, equality of configs). */
export function policyKey(p: PolicyChoice): string {
  const sorted = (v: unknown): unknown =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.keys(v)
            .sort()
            .map((k) => [k, sorted((v as Record<string, unknown>)[k])]),
        )
      : v
  // version 1 is written as no version, so keys stored before versions existed still match
  return JSON.stringify(
    policyVersion(p) === 1
      ? { id: p.id, params: sorted(p.params) }
      : { id: p.id, params: sorted(p.params), version: policyVersion(p) },
  )
}

/** A typed choice as this code runs it (its class's current version): what a new trainer or benchmark takes. */
export function policyToRun(input: unknown): PolicyChoice {
  return currentVersion(parsePolicy(input))
}

/** A choice from its stored or typed text (no version: version 1); throws a one-line error. */
export function parsePolicy(input: unknown): PolicyChoice {
  const r = PolicyChoice.safeParse(input)
  if (r.success) return r.data
  const issue = r.error.issues[0]
  throw new RangeError(`policy: ${issue.path.join('.') || 'value'}: ${issue.message}`)
}

/** `--policy ID [--policy-params JSON]` -> a choice; one-line error otherwise. */
export function parsePolicyFlags(id: string, paramsJson: string | undefined): PolicyChoice {
  policyClass(id)
  let params: unknown = {}
  if (paramsJson !== undefined) {
    try {
      params = JSON.parse(paramsJson)
    } catch {
      throw new RangeError(`--policy-params is not JSON: '${paramsJson.slice(0, 80)}'`)
    }
  }
  return parsePolicy({ id, params })
}

/** 'mlp', 'gmm', 'chunk(h2,k8)', 'diffusion(h2,k16)': how a curve's class is named in plots and tables. */
export function policyLabel(p: PolicyChoice): string {
  const n = contextNeeds(p)
  if (p.id === 'mlp') return 'mlp'
  if (p.id === 'gmm') return n.history > 1 ? `gmm(h${n.history})` : 'gmm'
  return `${p.id}(h${n.history},k${n.chunk})`
}
