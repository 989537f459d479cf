// Bounds on a task folder (src/shared/task-file.ts): they decide memory and time. Apart from task-file.ts so the
// contract can use them without importing the schema (which imports the contract).

/** Bounds on what a task folder may hold and ask for: they decide memory and time. */
export const TASK_FILE_LIMITS = {
  files: 200,
  fileBytes: 32 * 1024 * 1024,
  totalBytes: 64 * 1024 * 1024,
  frameSkip: 1000,
  horizon: 100_000,
  sensors: 64,
  rewardTerms: 16,
  /**
   * bodies of a model besides the world: compiling is about quadratic in them (2,000 free bodies 2.6 s, 5,000 run
   * out of MuJoCo's 2 GiB); checked in the MJCF text before compiling and in the compiled model
   */
  modelBodies: 1000,
  /** wall-clock bound on checking a folder (compiling its model, on a worker thread): a 5 MB mesh takes ~13 s */
  compileSeconds: 60,
  /** end-effector speeds at full command: m/s and rad/s */
  eeMaxSpeed: 5,
  eeMaxAngularSpeed: 10,
} as const

/** A page upload travels in one WebSocket message (16 MiB at most): larger folders go through `iwb tasks add`. */
export const TASK_UPLOAD_BASE64_CHARS = 15 * 1024 * 1024
