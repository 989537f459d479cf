// advice.get: the advice of `iwb advise` from the curves stored in the workspace; null when the task has none.
// Each takes who answers the curves: the expert (absent), or a simulated person, as `iwb advise --person`.
// advice.plan / advice.run: the sessions behind the advice at C (the plan `iwb advise` uses), and
// running the missing ones through the session host (runSweep), within the workbench's running-session cap, one
// advice run at a time, with 'progress' events (kind 'advice': sessions finished of those run) and jobs.cancel.
import type { Output, Progress } from '../../../shared/contract'
import { algoLabel, type SessionConfig } from '../../../shared/session-config'
import { hasExpert } from '../../experts/registry'
import { adviceSvg, advise, evaluationSettings, storedAdviceRuns } from '../../learn/advice'
import type { SessionProgress } from '../../learn/session-runner'
import { planAdvice, type AdvicePlan, type AdviceRequest } from '../../session/advice-plan'
import { runSweep } from '../../session/sweep'
import { taskInfo } from '../../sim/registry'
import { ExpertReturns } from '../expert-returns'
import type { ServiceFactory, ServiceHandlers } from '../service-types'
import { useJobs } from './jobs'
import { useSessions } from './session-resource'
import { useWorkspace } from './workspace-resource'

/** The task, checked: known (taskInfo throws otherwise) and with a simulated expert (a simulated person's needs it too). */
function expertTask(taskId: string): string {
  const task = taskInfo(taskId)
  if (!hasExpert(task.id))
    throw new Error(`task ${task.id} has no simulated expert: the advice's curves need one to answer their sessions`)
  return task.id
}

function summary(r: AdviceRequest, p: AdvicePlan): Output<'advice.plan'> {
  const count = (k: string | null): number => p.plans.filter((x) => (x?.kind ?? null) === k).length
  return {
    taskId: r.taskId,
    costRatio: r.costRatio,
    ratios: p.ratios,
    total: p.plans.length,
    finished: count('finished'),
    unfinished: count('resume'),
    missing: count(null),
  }
}

const name = (c: SessionConfig): string =>
  `${algoLabel(c)}${c.algo === 'bc' ? '' : ` at C = ${c.costRatio}`}, seed ${c.seed}`

export const adviceService: ServiceFactory = (ctx) => {
  // The expert's return on a set of evaluation episodes, measured once per task and set of sessions.
  const experts = new ExpertReturns()
  let running: { jobId: string; stop: () => void; done: Promise<void> } | null = null
  let jobs = 0
  ctx.onClose(async () => {
    running?.stop()
    await running?.done
  })

  const handlers: ServiceHandlers = {
    'advice.get': async (input) => {
      const task = taskInfo(input.taskId) // throws for an unknown task
      const ws = await useWorkspace(ctx)
      const runs = storedAdviceRuns(ws, task.id, input.oracle)
      if (runs.length === 0 || !hasExpert(task.id)) return null
      const episodes = evaluationSettings(runs)
      const a = advise(runs, (await experts.get(task.id, episodes)).meanReturn, input.costRatio, {
        oracle: input.oracle,
      })
      return {
        taskId: task.id,
        costRatio: a.costRatio,
        choice: a.choice,
        target: a.target,
        expertReturn: a.expertReturn,
        startReturn: a.startReturn,
        breakEven: a.breakEven,
        options: a.options,
        explanation: a.explanation,
        svg: adviceSvg(runs, a, `${task.id}: advice at C = ${input.costRatio}`),
        sessions: runs.length,
      }
    },

    'advice.plan': async (input) => {
      const r = { ...input, taskId: expertTask(input.taskId) }
      return summary(r, planAdvice(await useWorkspace(ctx), r, { create: false }))
    },

    'advice.run': async (input) => {
      const r = { ...input, taskId: expertTask(input.taskId) }
      if (running) throw new Error(`the advice is running its sessions already (job ${running.jobId}); cancel it first`)
      const ws = await useWorkspace(ctx)
      const looked = planAdvice(ws, r, { create: false }) // a bad setting throws here, before anything is stored
      const toRun = looked.plans.filter((p) => p?.kind !== 'finished').length
      if (toRun === 0) return { ...summary(r, looked), jobId: null, parallel: 0 }
      const lanes = (await useSessions(ctx)).lend(toRun) // throws when the running-session cap is reached
      let plan: AdvicePlan
      try {
        plan = planAdvice(ws, r, { create: true })
      } catch (e) {
        lanes.release()
        throw e
      }
      const before = summary(r, looked)
      const todo = plan.plans.filter((p) => p!.kind !== 'finished').map((p) => p!)
      const jobId = `advice-${++jobs}`
      const current = new Map<number, SessionProgress>()
      let finished = 0
      const emit = (extra: Partial<Progress> = {}): void => {
        const now = [...current].map(([i, p]) => `${name(todo[i].config)}: ${p.labels} labels`)
        ctx.broadcaster.broadcast('progress', {
          jobId,
          kind: 'advice',
          done: finished,
          total: todo.length,
          message: now.length ? `running ${now.join('; ')}` : `${finished} of ${todo.length} finished`,
          ...extra,
        })
      }
      const update = (sessionId: number): void => {
        try {
          ctx.broadcaster.broadcast('session.update', ws.sessionInfo(sessionId))
        } catch {
          // the workspace is closing
        }
      }
      const ac = new AbortController()
      const unregister = (await useJobs(ctx)).register(jobId, async () => {
        ac.abort()
        await running?.done
      })
      emit()
      const done = runSweep(ws, todo, {
        owner: 'the workbench (advice)',
        parallel: lanes.lanes,
        signal: ac.signal,
        onProgress: (i, p) => {
          if (!current.has(i)) update(todo[i].sessionId) // the sessions list shows it running
          current.set(i, p)
          emit()
        },
        onDone: (i, o) => {
          current.delete(i)
          if (o.status === 'finished') finished++
          update(o.sessionId)
          if (!ac.signal.aborted) emit()
        },
      }).then(
        (outcomes) => {
          const failed = outcomes.find((o) => o.error || o.status === 'failed')
          const stopped = finished < todo.length
          emit({
            finished: true,
            message: stopped
              ? `paused: ${finished} of ${todo.length} sessions finished (Run again resumes the rest)`
              : `finished ${todo.length} sessions`,
            ...(failed ? { error: `session ${failed.sessionId}: ${failed.error ?? failed.status}` } : {}),
          })
        },
        (e: unknown) => emit({ finished: true, error: (e as Error).message }),
      )
      running = {
        jobId,
        stop: () => ac.abort(),
        done: done.finally(() => {
          lanes.release()
          unregister()
          running = null
        }),
      }
      return { ...before, jobId, parallel: lanes.lanes }
    },
  }
  return handlers
}
