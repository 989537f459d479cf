// Child process for the disk-full test, run under a file-size limit (bash `ulimit -f`; Node ignores SIGXFSZ, so
// writes past the limit fail with EFBIG as on a full disk). Mode 'record': teleoperate point-maze through the real
// teleop service and record until the store fails, then keep. Mode 'create': try to create a new workspace.
// Reports one JSON object a line on stdout.
import { createWorkbench } from '../../../src/main/api/compose'
import { connectInProcess } from '../../../src/main/api/in-process'
import { teleopService } from '../../../src/main/api/services/teleop'
import { openWorkspace } from '../../../src/main/store'
import type { Progress } from '../../../src/shared/contract'
import { waitFor } from '../../wait-for'

const [mode, file] = process.argv.slice(2)
const say = (msg: object): void => void process.stdout.write(JSON.stringify(msg) + '\n')

async function record(): Promise<void> {
  const wb = await createWorkbench({ workspaceFile: file }, [teleopService])
  const api = connectInProcess(wb.handlers, wb.broadcaster)
  const failures: { progress: Progress; at: number }[] = []
  let recordingFrames = 0
  api.on('progress', (p) => failures.push({ progress: p, at: Date.now() }))
  api.on('sim.frame', (f) => {
    if (f.recording) recordingFrames++
  })
  const opened = await api.call('teleop.open', { taskId: 'point-maze', seed: 1 })
  await api.call('teleop.action', { action: opened.task.actionHigh.map((h) => h * 0.5) })
  const started = await api.call('teleop.record', { command: 'start' })
  const failure = await waitFor(() => failures.find((f) => f.progress.error), {
    message: 'the recording failure',
    timeoutMs: 60_000,
  })
  // The worker stops recording once told: the frames say so.
  const framesAtFailure = recordingFrames
  await waitFor(() => recordingFrames === framesAtFailure || null, { message: 'recording frames to stop' })
  let keepError: string | null = null
  let kept: number | null = null
  try {
    kept = (await api.call('teleop.record', { command: 'keep' })).episodeId
  } catch (err) {
    keepError = (err as Error).message
  }
  say({ episodeId: started.episodeId, failure: failure.progress, keepError, kept })
  api.close()
  await wb.close().catch(() => undefined)
}

function create(): void {
  try {
    openWorkspace(file).close()
    say({ created: true })
  } catch (err) {
    say({ created: false, error: (err as Error).message })
  }
}

if (mode === 'create') create()
else await record()
