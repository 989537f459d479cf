// `iwb worker --queue URL [--concurrency N]`: take sessions from the study queue (src/main/session/queue.ts) and
// run them here until stopped. Start any number, on any machine that reaches the Redis; docs/QUEUE.md.
import { z } from 'zod'
import { QUEUE_LIMITS, redactQueueUrl } from '../../../shared/queue'
import { startQueueWorker } from '../../session/queue'
import { flag, parseCommandArgs, queueFlag } from '../args'
import type { Command } from '../command'

export const command: Command = {
  name: 'worker',
  summary: 'run sessions from the study queue (iwb compare --queue) until stopped',
  usage:
    'iwb worker --queue redis://[:PASSWORD@]HOST[:PORT] [--concurrency N] [--lock-seconds S] [--checkpoint-seconds S]\n' +
    '           [--scratch DIR] [--json]\n' +
    `  --concurrency   sessions at once in this process (default 1, at most ${QUEUE_LIMITS.concurrency.max}; each about 440 MB)\n` +
    `  --lock-seconds  a job whose worker stops renewing its lock this long goes to another worker (default 30, ${QUEUE_LIMITS.lockSeconds.min}..${QUEUE_LIMITS.lockSeconds.max})\n` +
    `  --checkpoint-seconds  how often a running session's checkpoint goes to Redis (default 5, ${QUEUE_LIMITS.checkpointSeconds.min}..${QUEUE_LIMITS.checkpointSeconds.max}): a\n` +
    "                  worker that takes over a dead worker's job continues from it\n" +
    "  --scratch       where each job's scratch workspace goes (default: the temporary folder)\n" +
    '  --json          one JSON line per finished or failed job on stdout\n' +
    '  Ctrl-C (SIGINT) or SIGTERM stops taking jobs and leaves the running ones to other workers.',
  async run(argv, io) {
    const v = parseCommandArgs(argv, {
      options: {
        queue: { type: 'string' },
        concurrency: { type: 'string' },
        'lock-seconds': { type: 'string' },
        'checkpoint-seconds': { type: 'string' },
        scratch: { type: 'string' },
        json: { type: 'boolean' },
      },
      schema: z.object({
        queue: flag.text(),
        concurrency: flag.int(QUEUE_LIMITS.concurrency.min, QUEUE_LIMITS.concurrency.max).default(1),
        'lock-seconds': flag.int(QUEUE_LIMITS.lockSeconds.min, QUEUE_LIMITS.lockSeconds.max).default(30),
        'checkpoint-seconds': flag
          .number(QUEUE_LIMITS.checkpointSeconds.min, QUEUE_LIMITS.checkpointSeconds.max)
          .default(5),
        scratch: flag.text().optional(),
        json: z.boolean().default(false),
      }),
    }).values
    const url = queueFlag(v.queue)
    const stopped = new Promise<string>((resolve) => {
      process.once('SIGINT', () => resolve('SIGINT'))
      process.once('SIGTERM', () => resolve('SIGTERM'))
    })
    const worker = await startQueueWorker({
      url,
      concurrency: v.concurrency,
      lockSeconds: v['lock-seconds'],
      checkpointSeconds: v['checkpoint-seconds'],
      scratch: v.scratch,
      log: (line) => io.err(line),
      onState: (jobId, state) => {
        if (state === 'running') return
        if (v.json) io.out(JSON.stringify({ jobId, state }))
        else io.err(`${jobId}: ${state}`)
      },
    })
    io.err(
      `iwb worker (pid ${process.pid}) takes sessions from ${redactQueueUrl(url)}, ${v.concurrency} at a time; Ctrl-C stops`,
    )
    const signal = await stopped
    io.err(`${signal}: stopping; running sessions go to another worker after ${v['lock-seconds']} s`)
    await worker.close(true)
    io.err(
      `done ${worker.counts.done}, failed ${worker.counts.failed}, ${worker.counts.resumed} taken up from a checkpoint`,
    )
    return 0
  },
}
