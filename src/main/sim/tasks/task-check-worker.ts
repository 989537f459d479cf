// Worker thread that checks one task folder (checkTaskFolder: MuJoCo compiles the model), started by
// task-check.ts, so a model that compiles for a minute stalls this thread, never the server's.
import { parentPort, workerData } from 'node:worker_threads'
import { checkTaskFolder, type CheckOptions, type TaskFiles } from './folder-task'

export interface TaskCheckRequest {
  files: TaskFiles
  source: string
  options: CheckOptions
}

export type TaskCheckReply =
  { ok: true; spec: Awaited<ReturnType<typeof checkTaskFolder>> } | { ok: false; message: string }

const port = parentPort
if (!port) throw new Error('task-check-worker must run in a worker thread')
const req = workerData as TaskCheckRequest
checkTaskFolder(req.files, req.source, req.options).then(
  (spec) => port.postMessage({ ok: true, spec } satisfies TaskCheckReply),
  (e: unknown) =>
    port.postMessage({ ok: false, message: e instanceof Error ? e.message : String(e) } satisfies TaskCheckReply),
)
