// Checking a task folder within bounds (issue 27, item 6): the model's bodies are counted before MuJoCo sees it,
// and the compile runs on a worker thread that is ended when it takes longer than the time bound, so a huge model
// costs the caller one line, never a stalled event loop (the server keeps answering calls and teleop frames).
import { TASK_FILE_LIMITS } from '../../../shared/task-limits'
import { startWorker } from '../../workers'
import {
  checkFileBounds,
  parseTaskFile,
  TaskFolderError,
  type CheckOptions,
  type FolderTaskSpec,
  type TaskFiles,
} from './folder-task'
import type { TaskCheckReply, TaskCheckRequest } from './task-check-worker'

export interface TaskCheckBounds extends CheckOptions {
  /** wall-clock limit on the worker (ms); TASK_FILE_LIMITS.compileSeconds by default */
  timeoutMs?: number
}

/** `<body` elements written in the folder's XML files: a cheap bound before compiling (MuJoCo's nbody after). */
export function writtenBodies(files: TaskFiles): number {
  let n = 0
  const decoder = new TextDecoder()
  for (const [path, bytes] of Object.entries(files)) {
    if (!/\.xml$/i.test(path)) continue
    n += decoder.decode(bytes).match(/<body[\s>/]/g)?.length ?? 0
  }
  return n
}

/**
 * checkTaskFolder on a worker thread, within TASK_FILE_LIMITS (files, bodies, compile time). Throws
 * TaskFolderError (one line) on bad input or a bound; nothing is registered.
 */
export async function checkTaskFolderBounded(
  files: TaskFiles,
  source = 'task folder',
  bounds: TaskCheckBounds = {},
): Promise<FolderTaskSpec> {
  checkFileBounds(files)
  parseTaskFile(files) // a schema error is one line without starting a thread
  const written = writtenBodies(files)
  if (written > TASK_FILE_LIMITS.modelBodies) {
    throw new TaskFolderError(
      `${source}: the model has ${written} <body> elements; at most ${TASK_FILE_LIMITS.modelBodies} are compiled`,
    )
  }
  const timeoutMs = bounds.timeoutMs ?? TASK_FILE_LIMITS.compileSeconds * 1000
  const worker = startWorker(new URL('./task-check-worker.ts', import.meta.url), {
    workerData: { files, source, options: { newTask: bounds.newTask } } satisfies TaskCheckRequest,
    // The JS heap is bounded here; MuJoCo's WebAssembly memory is bounded by the module itself (2 GiB).
    resourceLimits: { maxOldGenerationSizeMb: 512 },
  })
  try {
    const reply = await new Promise<TaskCheckReply>((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new TaskFolderError(
              `${source}: compiling the model took more than ${timeoutMs / 1000} s; refused (a smaller model, or fewer bodies and meshes)`,
            ),
          ),
        timeoutMs,
      )
      worker.once('message', (m: TaskCheckReply) => {
        clearTimeout(timer)
        resolve(m)
      })
      worker.once('error', (e) => {
        clearTimeout(timer)
        reject(new TaskFolderError(`${source}: checking the model failed (${e.message.split('\n', 1)[0]})`))
      })
      worker.once('exit', (code) => {
        clearTimeout(timer)
        reject(new TaskFolderError(`${source}: checking the model stopped (exit ${code})`))
      })
    })
    if (!reply.ok) throw new TaskFolderError(reply.message)
    return reply.spec
  } finally {
    await worker.terminate()
  }
}
