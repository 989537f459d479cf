// The one API contract between the page and the services. Every transport (Electron IPC, the browser-mode
// WebSocket, in-process calls in tests) validates payloads against these schemas at the boundary.
import { z } from 'zod'
import { Algo, OfflineSource, OracleKind, SESSION_LIMITS, SessionConfig } from './session-config'
import { AdviceOracle, AdviceRunSettings } from './advice'
import { PolicyChoice } from './policy-config'
import { TASK_FILE_LIMITS, TASK_UPLOAD_BASE64_CHARS } from './task-limits'
import { HumanMs, OperatorName } from './stored-values'
import { OperatorFigure } from './operator-figures'
import { DatasetEditInput, EpisodeEditInfo, EpisodeQualityInfo, PurgeInfo } from './dataset-edits'

export { Algo, OfflineSource, OracleKind, SessionConfig }

const finite = z.number().finite()
const vec = z.array(finite)
const id = z.number().int().nonnegative()

export const LabelSource = z.enum(['demonstration', 'offline', 'query', 'intervention', 'policy'])
export type LabelSource = z.infer<typeof LabelSource>

export const GamepadAxisMap = z.object({
  /** action index this control drives */
  action: z.number().int().nonnegative(),
  /** which control: a stick axis (0..3) or an analog trigger (button 6 or 7) */
  source: z.enum(['axis0', 'axis1', 'axis2', 'axis3', 'trigger6', 'trigger7', 'triggers']),
  /** multiply the control value (-1..1) by this; negative flips direction */
  scale: finite,
  label: z.string(),
})
export type GamepadAxisMap = z.infer<typeof GamepadAxisMap>

export const TaskInfo = z.object({
  id: z.string(),
  title: z.string(),
  obsDim: z.number().int().positive(),
  /** a name for each observation component (the Datasets view's plots); absent: obs[i] */
  obsLabels: z.array(z.string()).optional(),
  actDim: z.number().int().positive(),
  /** a name for each action component (an own model's actuators by joint or tendon); absent: the gamepad's labels */
  actLabels: z.array(z.string()).optional(),
  controlHz: finite,
  horizon: z.number().int().positive(),
  operator: z.boolean(),
  actionLow: vec,
  actionHigh: vec,
  gamepad: z.array(GamepadAxisMap).optional(),
  description: z.string().optional(),
  /** the body the action commands (a fingertip, an end effector): the page draws action arrows there */
  commandedPoint: z.string().optional(),
})
export type TaskInfo = z.infer<typeof TaskInfo>

/** Bounds on the textures sent to the page: they decide the scene's size and the page's memory. */
export const SCENE_TEXTURE_LIMITS = {
  /** pixels a side of a 2d texture or of one cube face */
  side: 256,
  /** textures in one scene; geoms whose texture is beyond this are drawn in their colour */
  count: 16,
} as const

/** One geom of the scene, in MuJoCo's terms (type names from mjtGeom). */
export const SceneGeom = z.object({
  name: z.string(),
  type: z.enum(['plane', 'hfield', 'sphere', 'capsule', 'ellipsoid', 'cylinder', 'box', 'mesh']),
  body: z.number().int(),
  size: vec,
  pos: vec,
  quat: vec,
  rgba: vec,
  mesh: z.object({ vertices: vec, faces: z.array(z.number().int()) }).optional(),
  /** the material's texture (an index into SceneGeometry.textures) and MuJoCo's texrepeat */
  texture: z.object({ index: z.number().int().nonnegative(), repeat: vec }).optional(),
  /** a height field: nrow x ncol elevations in [0, 1], row-major from -y; size = [rx, ry, ztop, zbottom] */
  hfield: z
    .object({ nrow: z.number().int().positive(), ncol: z.number().int().positive(), size: vec, data: vec })
    .optional(),
})
export type SceneGeom = z.infer<typeof SceneGeom>

export const SceneLight = z.object({
  pos: vec,
  dir: vec,
  directional: z.boolean(),
  diffuse: vec,
  castShadow: z.boolean(),
})

export const SceneGeometry = z.object({
  taskId: z.string(),
  nbody: z.number().int(),
  bodyNames: z.array(z.string()),
  geoms: z.array(SceneGeom),
  lights: z.array(SceneLight),
  /** body id the tracking camera follows */
  trackBody: z.number().int(),
  extent: finite,
  /** the model's sites (drawn on a toggle): pose relative to their body */
  sites: z
    .array(
      z.object({
        name: z.string(),
        body: z.number().int(),
        pos: vec,
        quat: vec,
        size: finite,
        rgba: vec,
        /** the site is part of the task's success condition: drawn whatever the toggle says */
        success: z.boolean().optional(),
      }),
    )
    .optional(),
  /**
   * The model's textures that geoms use, and its skybox: RGBA bytes in base64, rows bottom-up (MuJoCo's tex_data
   * order), each face at most SCENE_TEXTURE_LIMITS.side pixels a side (larger ones are sampled down); a cube or skybox
   * texture stacks its six faces (+x, -x, +y, -y, +z, -z), so height = 6 x width.
   */
  textures: z
    .array(
      z.object({
        type: z.enum(['2d', 'cube', 'skybox']),
        width: z.number().int().positive(),
        height: z.number().int().positive(),
        rgba: z.string(),
      }),
    )
    .max(SCENE_TEXTURE_LIMITS.count)
    .optional(),
  /** the skybox texture's index in textures */
  skybox: z.number().int().nonnegative().optional(),
  /** the model's own cameras: pose relative to their body, vertical field of view in degrees */
  cameras: z
    .array(z.object({ name: z.string(), body: z.number().int(), pos: vec, quat: vec, fovy: finite }))
    .optional(),
})
export type SceneGeometry = z.infer<typeof SceneGeometry>

/** How a teleoperated episode ended: the task's success, another end (a fall), or its time limit. */
export const EpisodeEnd = z.object({
  /** how many episodes of this simulation have ended so far: a new count is a new end */
  count: z.number().int().positive(),
  steps: z.number().int().nonnegative(),
  ret: finite,
  /** the last step's info.success; null for tasks without a success condition */
  success: z.boolean().nullable(),
  /** it ran into the time limit (the horizon) rather than ending by itself */
  truncated: z.boolean(),
  /** a recording was running when it ended (it now waits for Keep or Discard) */
  recorded: z.boolean(),
})
export type EpisodeEnd = z.infer<typeof EpisodeEnd>

/** Body poses at one instant: xpos (nbody*3) and xquat (nbody*4, w x y z). */
export const Frame = z.object({
  t: finite,
  step: z.number().int(),
  xpos: vec,
  xquat: vec,
  /** active contacts (at most 32): per contact world position then the force on it in newtons (6 numbers) */
  contacts: vec.optional(),
  reward: finite.optional(),
  ret: finite.optional(),
  action: vec.optional(),
  /** teleoperation: the control rate actually reached over the last second (steps per wall-clock second) */
  controlHz: finite.optional(),
  /** teleoperation: the simulation could not keep up with real time (times the speed factor) */
  behind: z.boolean().optional(),
  recording: z.boolean().optional(),
  paused: z.boolean().optional(),
  /** teleoperation: the new episode waits for the person's first input (start on first input) */
  waiting: z.boolean().optional(),
  /** the task's success flag after this step (info.success); absent for tasks without a success condition */
  success: z.boolean().optional(),
  /** teleoperation: the latest episode of this simulation that ended (the page announces each once) */
  ended: EpisodeEnd.optional(),
})
export type Frame = z.infer<typeof Frame>

export const SessionInfo = z.object({
  id,
  taskId: z.string(),
  algo: Algo,
  /** the algorithm's parameters, its schema's defaults filled (shared/algorithms.ts) */
  algoParams: z.record(z.string(), z.unknown()),
  oracle: OracleKind,
  budget: z.number().int().positive(),
  seed: z.number().int(),
  costRatio: finite,
  status: z.enum(['created', 'running', 'paused', 'finished', 'failed', 'cancelled']),
  labels: z.number().int(),
  cost: finite,
  humanSeconds: finite,
  lastReturn: finite.nullable(),
  /** the latest evaluation's success rate; null for tasks without a success condition or before any evaluation */
  lastSuccessRate: z.number().min(0).max(1).nullable().optional(),
  createdAt: z.string(),
  finishedAt: z.string().nullable(),
  /** where its offline labels come from (BC, WARM-STAGGER) */
  offline: OfflineSource.optional(),
  /** the learner's policy class and its parameters, every default filled (src/shared/policy-config.ts) */
  policy: PolicyChoice,
  /** what the session wants its reader to know (e.g. its demonstrations held fewer states than its offline share) */
  note: z.string().nullable().optional(),
})
export type SessionInfo = z.infer<typeof SessionInfo>

export const EvaluationPoint = z.object({
  sessionId: id,
  labels: z.number().int(),
  cost: finite,
  humanSeconds: finite,
  meanReturn: finite,
  stdReturn: finite,
  /** share of the evaluation episodes that succeeded; null for tasks without a success condition */
  successRate: z.number().min(0).max(1).nullable().optional(),
  /**
   * mean over the evaluation episodes of the coverage at each one's last step (push-t: the share of the goal's area
   * the block covers); null for tasks without it
   */
  coverage: z.number().min(0).max(1).nullable().optional(),
})
export type EvaluationPoint = z.infer<typeof EvaluationPoint>

export const QueryPrompt = z.object({
  queryId: id,
  sessionId: id,
  taskId: z.string(),
  /** the queried state's frame and the frames of the second leading up to it (oldest first) */
  frame: Frame,
  lead: z.array(Frame),
  observation: vec,
  proposedAction: vec,
  issuedAt: finite,
})
export type QueryPrompt = z.infer<typeof QueryPrompt>

export const Progress = z.object({
  jobId: z.string(),
  kind: z.string(),
  done: finite,
  total: finite,
  message: z.string().optional(),
  finished: z.boolean().optional(),
  error: z.string().optional(),
})
export type Progress = z.infer<typeof Progress>

export const DemoInfo = z.object({
  episodeId: id,
  taskId: z.string(),
  steps: z.number().int(),
  ret: finite,
  complete: z.boolean(),
  createdAt: z.string(),
  /** who recorded it, when given */
  operator: z.string().nullable().optional(),
  /** seconds from the start of the recording to keep */
  seconds: finite.nullable().optional(),
  /** return so far at up to 24 evenly spaced steps (a sparkline) */
  preview: vec.optional(),
  /** its last step's info.success (as evaluations count it); null for tasks without a success condition */
  success: z.boolean().nullable().optional(),
})
export type DemoInfo = z.infer<typeof DemoInfo>

/** A demonstration as the dataset viewer lists it: DemoInfo's summary plus the person's tags. */
export const DatasetEpisode = DemoInfo.pick({
  episodeId: true,
  taskId: true,
  steps: true,
  ret: true,
  createdAt: true,
  operator: true,
  success: true,
}).extend({
  tags: z.array(z.string()),
  /** quality figures (shared/dataset-edits.ts); absent where they could not be computed */
  quality: EpisodeQualityInfo.nullable().optional(),
  /** the episode an edit made this a version of, where a merge took it from */
  versionOf: id.nullable().optional(),
  mergedFrom: z.object({ workspace: z.string(), episodeId: id }).nullable().optional(),
})
export type DatasetEpisode = z.infer<typeof DatasetEpisode>

/** Bounds of the dataset viewer: an episode's frames and vectors go to the page whole, so its length is capped. */
export const DATASET_VIEW_LIMITS = { steps: 20_000, tags: 20, tagLength: 50 } as const

/** One episode of a takeover session (hg-dagger): seconds the person watched and held, presses of the button. */
export const TakeoverEpisode = z.object({
  episode: z.number().int().nonnegative(),
  steps: z.number().int().nonnegative(),
  watchedSeconds: finite.nonnegative(),
  heldSeconds: finite.nonnegative(),
  takeovers: z.number().int().nonnegative(),
  labels: z.number().int().nonnegative(),
  ret: finite,
})
export type TakeoverEpisode = z.infer<typeof TakeoverEpisode>

/** A live takeover session's step, as the person sees it: the scene and whether their takeover registered. */
export const TakeoverLive = z.object({
  sessionId: id,
  taskId: z.string(),
  episode: z.number().int().nonnegative(),
  frame: Frame,
  /** the person drives this step (the button is held and their input is fresh) */
  held: z.boolean(),
  /** the robot asks the person to take over here (ThriftyDAgger, EnsembleDAgger): the page beeps and says so */
  asked: z.boolean().optional(),
  /** this episode so far */
  takeovers: z.number().int().nonnegative(),
  watchedSeconds: finite.nonnegative(),
  heldSeconds: finite.nonnegative(),
})
export type TakeoverLive = z.infer<typeof TakeoverLive>

/** One algorithm's standing in the advice: the annotation cost at which it reaches the target, if it does. */
export const AdviceOption = z.object({
  algo: z.string(),
  costRatio: finite,
  seeds: z.number().int(),
  costToTarget: finite.nullable(),
  labelsToTarget: finite.nullable(),
  finalReturn: finite,
  maxCost: finite,
})

export const Advice = z.object({
  taskId: z.string(),
  costRatio: finite,
  /** 'bc', 'stagger' or 'warm-stagger:0.5'; null when none reaches the target in the stored curves */
  choice: z.string().nullable(),
  target: finite,
  expertReturn: finite,
  startReturn: finite,
  breakEven: finite.nullable(),
  options: z.array(AdviceOption),
  explanation: z.array(z.string()),
  /** the curves behind it (src/shared/plot) */
  svg: z.string(),
  sessions: z.number().int(),
})
export type Advice = z.infer<typeof Advice>

/** Which curves the advice at cost ratio C reads: a task's, answered by the expert (absent) or a simulated person. */
const AdviceFor = z.object({
  taskId: z.string().max(200),
  costRatio: z.number().min(SESSION_LIMITS.costRatio.min).max(SESSION_LIMITS.costRatio.max),
  oracle: AdviceOracle.default('expert'),
})

/** Advice at cost ratio C with the settings of the sessions behind it. */
export const AdviceRequest = AdviceFor.extend(AdviceRunSettings.shape).strict()

/** The sessions behind the advice at C: each stored finished (reused), stored unfinished (resumed) or missing. */
export const AdvicePlan = z.object({
  taskId: z.string(),
  costRatio: finite,
  ratios: z.array(finite),
  total: z.number().int(),
  finished: z.number().int(),
  unfinished: z.number().int(),
  missing: z.number().int(),
})
export type AdvicePlan = z.infer<typeof AdvicePlan>

/** The person model `iwb person` fits (its canonical text) and its main figures, for the page. */
export const PersonSummary = z.object({
  model: z.string(),
  /** the labels compared with the expert's action */
  labels: z.number().int(),
  /** the action error's spread (RMS over dimensions of the per-dimension spreads, fraction of the range) */
  spread: finite.nullable(),
  /** median seconds per query */
  secondsPerQuery: finite.nullable(),
  skipRate: finite.nullable(),
  /** median takeover reaction delay in control steps */
  reactionDelaySteps: finite.nullable(),
})
export type PersonSummary = z.infer<typeof PersonSummary>

/** A label's cost in the person's seconds, measured from the workspace (`iwb cost`). */
export const HumanCost = z.object({
  taskId: z.string().nullable(),
  operator: z.string().nullable(),
  demos: z.number().int(),
  demoStates: z.number().int(),
  secondsPerDemoState: finite.nullable(),
  queries: z.number().int(),
  secondsPerQuery: finite.nullable(),
  takeoverStates: z.number().int(),
  secondsPerTakeoverState: finite.nullable(),
  costRatio: finite.nullable(),
  costRatioBand: z.object({ lo: finite, hi: finite }).nullable(),
  /** the person model fitted to the same person's labels (cost.measure with a task); null: nothing to fit */
  person: PersonSummary.nullable().optional(),
})
export type HumanCost = z.infer<typeof HumanCost>

const empty = z.object({}).strict()

/** Request/response methods: name -> input and output schema. */
export const methods = {
  'app.version': {
    input: empty,
    output: z.object({ workbench: z.string(), mujoco: z.string(), tfjsBackend: z.string(), sqlite: z.string() }),
  },
  'tasks.list': { input: empty, output: z.array(TaskInfo) },
  /** the scene of a task without opening a simulation (the page draws a query's state with it) */
  'tasks.geometry': { input: z.object({ taskId: z.string() }).strict(), output: SceneGeometry },
  /** add a task folder (task.json + MJCF + assets, docs/TASKS.md) to the workspace; its files base64-encoded */
  'tasks.add': {
    input: z
      .object({
        files: z
          .array(
            z.object({ path: z.string().min(1).max(300), base64: z.string().max(TASK_UPLOAD_BASE64_CHARS) }).strict(),
          )
          .min(1)
          .max(TASK_FILE_LIMITS.files),
      })
      .strict(),
    output: TaskInfo,
  },

  // Teleoperation: one live simulation per client connection.
  'teleop.open': {
    input: z.object({ taskId: z.string(), seed: z.number().int().optional() }).strict(),
    output: z.object({ task: TaskInfo, geometry: SceneGeometry, frame: Frame }),
  },
  'teleop.action': { input: z.object({ action: vec }).strict(), output: z.object({ ok: z.boolean() }) },
  'teleop.control': {
    input: z
      .object({
        // 'start-on-input' with value 1: after each reset the physics waits for the first non-zero action (0: off)
        command: z.enum(['pause', 'resume', 'step', 'reset', 'speed', 'seek', 'start-on-input']),
        value: finite.optional(),
      })
      .strict(),
    output: z.object({ paused: z.boolean(), speed: finite, step: z.number().int() }),
  },
  'teleop.record': {
    input: z
      .object({
        command: z.enum(['start', 'stop', 'discard', 'keep']),
        /** start: who records (kept with the demonstration; sessions may draw from one operator's) */
        operator: OperatorName.min(1).optional(),
        /**
         * start: begin a fresh episode (reset to the next seed; with start on first input it waits for the person's
         * first input), so the demonstration runs from step 0; false records on from the current state. Default true.
         */
        fresh: z.boolean().optional(),
      })
      .strict(),
    output: z.object({ recording: z.boolean(), steps: z.number().int(), episodeId: id.nullable() }),
  },
  'demos.list': { input: z.object({ taskId: z.string().optional() }).strict(), output: z.array(DemoInfo) },
  /** seconds per demonstration state, per query, per takeover state, and the measured cost ratio */
  'cost.measure': {
    input: z.object({ taskId: z.string().max(200).optional(), operator: z.string().max(100).optional() }).strict(),
    output: HumanCost,
  },
  'demos.replay': {
    input: z.object({ episodeId: id }).strict(),
    output: z.object({ geometry: SceneGeometry, frames: z.array(Frame) }),
  },

  // The dataset viewer: a task's demonstrations, one episode's replay with every observation and action, tags.
  'datasets.list': { input: z.object({ taskId: z.string().max(200) }).strict(), output: z.array(DatasetEpisode) },
  'datasets.episode': {
    input: z.object({ episodeId: id }).strict(),
    output: z.object({
      episode: DatasetEpisode,
      geometry: SceneGeometry,
      frames: z.array(Frame),
      observations: z.array(vec),
      actions: z.array(vec),
      /** the task's success flag after each step; null for tasks without a success condition */
      success: z.array(z.boolean()).nullable().optional(),
      /** the steps a person marked bad (iwb dataset mark-bad) */
      bad: z.array(z.boolean()).optional(),
    }),
  },
  /** an edit that makes new versions of a demonstration and keeps the old one (undo takes it back) */
  'datasets.edit': { input: DatasetEditInput, output: EpisodeEditInfo },
  'datasets.undo': { input: empty, output: EpisodeEditInfo },
  /** the newest edits, newest first */
  'datasets.edits': { input: empty, output: z.array(EpisodeEditInfo) },
  /** removes replaced versions no session uses; without confirm it only says what it would remove */
  'datasets.purge': { input: z.object({ confirm: z.boolean() }).strict(), output: PurgeInfo },
  'datasets.tag': {
    input: z
      .object({
        episodeId: id,
        tags: z.array(z.string().max(DATASET_VIEW_LIMITS.tagLength)).max(DATASET_VIEW_LIMITS.tags),
      })
      .strict(),
    output: z.object({ episodeId: id, tags: z.array(z.string()) }),
  },
  /** deletes one episode and its steps (cascade); other episodes and their steps are untouched */
  'datasets.delete': { input: z.object({ episodeId: id }).strict(), output: z.object({ deleted: z.boolean() }) },

  // Learning sessions.
  'sessions.start': {
    /** the session's configuration (src/shared/session-config.ts: defaults and bounds) */
    input: SessionConfig,
    output: SessionInfo,
  },
  'sessions.list': { input: empty, output: z.array(SessionInfo) },
  'sessions.control': {
    input: z.object({ sessionId: id, command: z.enum(['pause', 'resume', 'cancel']) }).strict(),
    output: SessionInfo,
  },
  'sessions.curves': {
    input: z.object({ sessionIds: z.array(id).min(1) }).strict(),
    output: z.array(
      z.object({
        session: SessionInfo,
        points: z.array(EvaluationPoint),
        /** the times the robot turned to the person (store/human-time.ts sessionEffort) */
        contextSwitches: z.number().int().nonnegative().optional(),
      }),
    ),
  },
  /**
   * The task's expert on the chosen sessions' evaluation episodes (the comparison's reference line): null for a
   * task without an expert; sessions of another task are refused
   */
  'sessions.expert': {
    input: z.object({ taskId: z.string().max(200), sessionIds: z.array(id).min(1).max(100) }).strict(),
    output: z
      .object({
        taskId: z.string(),
        meanReturn: finite,
        successRate: z.number().min(0).max(1).nullable(),
        episodes: z.number().int().positive(),
      })
      .nullable(),
  },

  // Answering a query (human oracle).
  'queries.answer': {
    input: z
      .object({
        queryId: id,
        action: vec,
        /** ms from prompt shown to first input, and to commit, measured in the page */
        firstInputMs: HumanMs.nullable(),
        commitMs: HumanMs,
        operator: OperatorName.optional(),
      })
      .strict(),
    output: z.object({ ok: z.boolean(), labels: z.number().int(), cost: finite }),
  },
  /** the person passes on a query: no label; the query keeps the operator of the page that passed, as answers do */
  'queries.skip': {
    input: z.object({ queryId: id, operator: OperatorName.optional() }).strict(),
    output: z.object({ ok: z.boolean() }),
  },
  /**
   * the prompts this page holds now (a page that opens or reconnects shows them). Pages call in every few seconds:
   * that keeps what they hold and makes them candidates for the next prompt (one page answers each, see
   * api/prompt-desk.ts); the operator names the page in a refusal to another page.
   */
  'queries.pending': {
    input: z.object({ operator: OperatorName.min(1).optional() }).strict(),
    output: z.array(QueryPrompt),
  },
  /** per operator, a session's answered queries and their seconds (the person's figures, one row a name) */
  'queries.operators': { input: z.object({ sessionId: id }).strict(), output: z.array(OperatorFigure) },

  // Takeover sessions (hg-dagger with a person): the page streams the person's input while the learner drives.
  'takeover.steer': {
    input: z
      .object({
        sessionId: id,
        /** the takeover button (RB, or Space) is held: the person drives */
        held: z.boolean(),
        action: vec.max(64),
      })
      .strict(),
    output: z.object({ ok: z.boolean() }),
  },
  /** the episodes logged so far (watched and held seconds, takeovers) */
  'takeover.episodes': { input: z.object({ sessionId: id }).strict(), output: z.array(TakeoverEpisode) },

  /**
   * which of BC, STAGGER, WARM-STAGGER to use at cost ratio C, from the stored curves answered by the oracle (the
   * expert by default, or a simulated person: then the explanation starts "for you ..."); `iwb advise` runs them
   */
  'advice.get': { input: AdviceFor.strict(), output: Advice.nullable() },

  /** the sessions the advice at C reads (BC once; STAGGER, WARM-STAGGER at C/2, C, 2C): how many are stored */
  'advice.plan': { input: AdviceRequest, output: AdvicePlan },
  /**
   * Run the missing and unfinished ones through the session host, within the running-session cap; progress
   * events (kind 'advice', done/total in sessions) carry the job id; jobs.cancel pauses them (a later run resumes).
   */
  'advice.run': {
    input: AdviceRequest,
    output: AdvicePlan.extend({ jobId: z.string().nullable(), parallel: z.number().int().nonnegative() }),
  },

  'jobs.cancel': { input: z.object({ jobId: z.string() }).strict(), output: z.object({ ok: z.boolean() }) },
} as const

/** Server -> page event streams. */
export const events = {
  'sim.frame': Frame,
  progress: Progress,
  'query.prompt': QueryPrompt,
  'session.update': SessionInfo,
  'takeover.live': TakeoverLive,
} as const

export type Methods = typeof methods
export type MethodName = keyof Methods
export type Input<M extends MethodName> = z.input<Methods[M]['input']>
export type Output<M extends MethodName> = z.output<Methods[M]['output']>
export type EventName = keyof typeof events
export type EventPayload<E extends EventName> = z.output<(typeof events)[E]>

/** What the page sees: window.iwb in Electron, a WebSocket client in the browser. */
export interface WorkbenchApi {
  call<M extends MethodName>(method: M, input: Input<M>): Promise<Output<M>>
  on<E extends EventName>(event: E, handler: (payload: EventPayload<E>) => void): () => void
}

export class ContractError extends Error {
  constructor(
    message: string,
    readonly code: 'unknown-method' | 'invalid-input' | 'invalid-output' | 'failed' | 'unauthorized',
  ) {
    super(message)
    this.name = 'ContractError'
  }
}

export function isMethod(name: unknown): name is MethodName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(methods, name)
}

function describe(issues: z.core.$ZodIssue[]): string {
  return issues.map((i) => `${i.path.length ? i.path.join('.') : '(payload)'}: ${i.message}`).join('; ')
}

/** Validate a call's input; throws ContractError naming the method and every bad field. */
export function parseInput<M extends MethodName>(method: M, input: unknown): z.output<Methods[M]['input']> {
  if (!isMethod(method)) throw new ContractError(`unknown method '${String(method)}'`, 'unknown-method')
  const r = methods[method].input.safeParse(input ?? {})
  if (!r.success) throw new ContractError(`invalid input for ${method}: ${describe(r.error.issues)}`, 'invalid-input')
  return r.data as never
}

export function parseOutput<M extends MethodName>(method: M, output: unknown): Output<M> {
  const r = methods[method].output.safeParse(output)
  if (!r.success)
    throw new ContractError(`invalid output from ${method}: ${describe(r.error.issues)}`, 'invalid-output')
  return r.data as Output<M>
}

export function parseEvent<E extends EventName>(event: E, payload: unknown): EventPayload<E> {
  const r = events[event].safeParse(payload)
  if (!r.success) throw new ContractError(`invalid ${event} event: ${describe(r.error.issues)}`, 'invalid-output')
  return r.data as EventPayload<E>
}
