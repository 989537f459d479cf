// A task folder's task.json: one schema, its defaults and bounds, for the CLI (`iwb tasks check/add`), the page's
// "Add task" and the workspace loader alike. docs/TASKS.md documents every field.
import { z } from 'zod'
import { GamepadAxisMap } from './contract'
import { TASK_FILE_LIMITS } from './task-limits'

export { TASK_FILE_LIMITS, TASK_UPLOAD_BASE64_CHARS } from './task-limits'

/** Defaults for a task.json that gives only id and model (docs/TASKS.md). */
export const TASK_FILE_DEFAULTS = {
  /**
   * physics steps per control step of a stored task.json without one: tasks added before the frame skip was
   * written at add keep the 5 they ran with (100 Hz at MuJoCo's 2 ms), so their episodes replay the same
   */
  frameSkip: 5,
  /** the control rate a new task's frame skip is chosen for: slow enough for a person to drive and to log */
  controlHz: 25,
  /** control steps per episode (Gymnasium's MuJoCo tasks use 1000) */
  horizon: 1000,
} as const

/**
 * The frame skip a task added without one gets (written into its stored task.json): the control rate nearest
 * TASK_FILE_DEFAULTS.controlHz for the model's timestep, within 1..TASK_FILE_LIMITS.frameSkip.
 */
export function frameSkipFor(timestep: number): number {
  if (!(timestep > 0) || !Number.isFinite(timestep)) return TASK_FILE_DEFAULTS.frameSkip
  const skip = Math.round(1 / (timestep * TASK_FILE_DEFAULTS.controlHz))
  return Math.min(TASK_FILE_LIMITS.frameSkip, Math.max(1, skip))
}

const name = z.string().min(1).max(200)
const finite = z.number().finite()

/** The small documented set of reward terms; reward = sum of weight * value per control step. */
export const RewardTerm = z.discriminatedUnion('term', [
  /** value: distance in metres between two sites */
  z.object({ term: z.literal('site-distance'), siteA: name, siteB: name, weight: finite.default(-1) }).strict(),
  /** value: world height (z) of a body's origin */
  z.object({ term: z.literal('body-height'), body: name, weight: finite.default(1) }).strict(),
  /** value: squared error of a hinge or slide joint's position from a target */
  z.object({ term: z.literal('joint-error'), joint: name, target: finite, weight: finite.default(-1) }).strict(),
  /** value: sum of squared actions */
  z.object({ term: z.literal('control-cost'), weight: finite.default(-0.01) }).strict(),
  /** value: 1 per step */
  z.object({ term: z.literal('alive'), weight: finite.default(1) }).strict(),
])
export type RewardTerm = z.infer<typeof RewardTerm>

/** Cartesian axes a task's end-effector action may command: world-frame velocity and angular rates. */
export const EE_AXES = ['x', 'y', 'z', 'roll', 'pitch', 'yaw'] as const

/** End-effector control of a task folder's model (docs/TASKS.md): the action is the site's velocity. */
export const EndEffector = z
  .object({
    site: name,
    /** the action's first components, in order, each in [-1, 1] of the full speed */
    axes: z
      .array(z.enum(EE_AXES))
      .min(1)
      .max(6)
      .refine((a) => new Set(a).size === a.length, 'must not name an axis twice')
      .default(['x', 'y', 'z', 'yaw']),
    /** an actuator for the fingers: the action's last component, -1..1 over its ctrlrange */
    gripper: name.optional(),
    /** full-command linear speed, m/s (pick-place's 0.25) */
    maxSpeed: z.number().positive().max(TASK_FILE_LIMITS.eeMaxSpeed).default(0.25),
    /** full-command angular rate, rad/s (pick-place's 1.5) */
    maxAngularSpeed: z.number().positive().max(TASK_FILE_LIMITS.eeMaxAngularSpeed).default(1.5),
  })
  .strict()
export type EndEffector = z.infer<typeof EndEffector>

/** Bounds on task.json's `init` (docs/TASKS.md): noise scales in metres or radians (qpos) and per second (qvel). */
export const TASK_INIT_LIMITS = {
  qposScale: 10,
  qvelScale: 100,
  keyframes: 64,
  joints: 64,
  qposValues: 10_000,
} as const

/**
 * Noise added at each reset to every degree of freedom (`scale`) or to named joints (`joints`, overriding it):
 * uniform in [-scale, scale], or gaussian scale x N(0, 1) held within +-3 scale.
 */
const InitNoise = (max: number) =>
  z
    .object({
      noise: z.enum(['uniform', 'gaussian']).default('uniform'),
      scale: z.number().min(0).max(max).default(0),
      joints: z
        .record(name, z.number().min(0).max(max))
        .refine((j) => Object.keys(j).length <= TASK_INIT_LIMITS.joints, `at most ${TASK_INIT_LIMITS.joints} joints`)
        .default({}),
    })
    .strict()

/**
 * How an episode starts (docs/TASKS.md): a keyframe drawn at random (an MJCF <key> by name, or a qpos list), then
 * noise on qpos and qvel; every draw comes from the reset's seed. Without it, the model's qpos0 at rest.
 */
export const TaskInit = z
  .object({
    keyframes: z
      .array(
        z.union([name, z.array(finite).min(1).max(TASK_INIT_LIMITS.qposValues)], {
          error: 'must be the name of a <key> in the model or a list of qpos numbers',
        }),
      )
      .min(1)
      .max(TASK_INIT_LIMITS.keyframes)
      .optional(),
    qpos: InitNoise(TASK_INIT_LIMITS.qposScale).optional(),
    qvel: InitNoise(TASK_INIT_LIMITS.qvelScale).optional(),
  })
  .strict()
export type TaskInit = z.infer<typeof TaskInit>

export const TaskFile = z
  .object({
    /** lower-case letters, digits and dashes: it names the task everywhere (CLI flags, the store) */
    id: z
      .string()
      .regex(
        /^[a-z0-9][a-z0-9-]{0,62}$/,
        'must be 1-63 lower-case letters, digits or dashes, not starting with a dash',
      ),
    /** the MJCF file, at the top of the folder (meshes and textures may sit in sub-folders) */
    model: z.string().regex(/^[^/\\]+\.xml$/i, 'must name an .xml file at the top of the task folder'),
    title: z.string().min(1).max(200).optional(),
    description: z.string().max(2000).optional(),
    /** absent: chosen from the model's timestep when the task is added (frameSkipFor), 5 for one stored without */
    frameSkip: z.number().int().min(1).max(TASK_FILE_LIMITS.frameSkip).optional(),
    horizon: z.number().int().min(1).max(TASK_FILE_LIMITS.horizon).default(TASK_FILE_DEFAULTS.horizon),
    observations: z
      .object({
        qpos: z.boolean().default(true),
        qvel: z.boolean().default(true),
        /** named MJCF sensors, appended after qpos and qvel in this order */
        sensors: z.array(name).max(TASK_FILE_LIMITS.sensors).default([]),
      })
      .strict()
      .prefault({}),
    /** the gamepad mapping; default: stick axis i drives action i (first four actuators) */
    gamepad: z.array(GamepadAxisMap).max(16).optional(),
    reward: z.array(RewardTerm).max(TASK_FILE_LIMITS.rewardTerms).default([]),
    /** success when the two sites are closer than `below` metres (reported as info.success) */
    success: z.object({ siteA: name, siteB: name, below: z.number().positive().finite() }).strict().optional(),
    /** the body the page's tracking camera follows (default: the first body after the world) */
    trackBody: name.optional(),
    /** the action is a Cartesian velocity of this site (src/main/sim/ee-control.ts), plus the gripper if named */
    endEffector: EndEffector.optional(),
    /** a spread of initial states: keyframes drawn at random, noise on qpos and qvel (seeded by the reset) */
    init: TaskInit.optional(),
  })
  .strict()
export type TaskFile = z.infer<typeof TaskFile>

/** One line for the first problem in a task.json: "task.json: reward.0.siteA: Required". */
export function taskFileProblem(error: z.ZodError): string {
  const issue = error.issues[0]
  const where = issue.path.length > 0 ? `${issue.path.join('.')}: ` : ''
  return `task.json: ${where}${issue.message}`
}
