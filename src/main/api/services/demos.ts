// demos.*: the recorded demonstrations of the workspace, and their replay for the page. Replay recomputes every
// frame from the stored full physics state (setState + frame()), never by re-running actions, so it shows
// exactly what was recorded. datasets.*: the Datasets view's list with quality figures, its replay, tags, and the
// edits that keep old versions (store/episode-edits.ts): edit, undo, purge.
import { DATASET_EDITS_SHOWN, type EpisodeQualityInfo } from '../../../shared/dataset-edits'
import {
  DATASET_VIEW_LIMITS,
  type DatasetEpisode,
  type DemoInfo,
  type Frame,
  type SceneGeometry,
} from '../../../shared/contract'
import type { Env } from '../../sim/env'
import { makeEnv, taskInfo } from '../../sim/registry'
import { stepSuccess, successTrace } from '../../sim/success'
import { qualityExpert, storedEpisodeQuality } from '../dataset-quality'
import { fitOperator, personSummary } from '../person-summary'
import {
  flagOutliers,
  listEdits,
  markBad,
  measureHumanCost,
  purgePlan,
  purgeReplaced,
  splitEpisode,
  trimEpisode,
  undoEdit,
  type EpisodeEdit,
  type EpisodeQuality,
  returnPreview,
  demonstrationTimes,
  type EpisodeInfo,
  type StoredEpisode,
  type Workspace,
} from '../../store'
import type { ServiceContext, ServiceFactory } from '../service-types'
import type { ServiceHandlers } from '../service-types'
import { useWorkspace } from './workspace-resource'

/** Frames of a stored episode, one per step, from its states. */
export function replayFrames(env: Env, episode: StoredEpisode): Frame[] {
  let ret = 0
  return episode.steps.map((s) => {
    env.setState(s.state)
    ret += s.reward
    return { ...env.frame(), step: s.index, reward: s.reward, ret, action: Array.from(s.action) }
  })
}

function datasetEpisode(e: EpisodeInfo, success: boolean | null): Omit<DatasetEpisode, 'tags'> {
  return {
    episodeId: e.episodeId,
    taskId: e.taskId,
    steps: e.steps,
    ret: e.ret,
    createdAt: e.createdAt,
    operator: e.operator,
    success,
  }
}

/** previews drawn per list (the newest demonstrations) */
const MAX_PREVIEWS = 200
/** episodes whose success is remembered (a settled episode never changes; one physics step each to recompute) */
const MAX_REMEMBERED_SUCCESS = 20_000
/** episodes whose quality figures are remembered, and the newest a list computes them for (each reads its steps) */
const MAX_REMEMBERED_QUALITY = 20_000
const MAX_QUALITY_LISTED = 1_000
/** steps one list reads for figures not yet remembered; the rest get theirs on a later list */
const QUALITY_STEPS_PER_LIST = 200_000

const editInfo = (e: EpisodeEdit) => ({
  id: e.id,
  kind: e.kind,
  replaced: e.replaced,
  made: e.made,
  createdAt: e.createdAt,
})

export function createDemosService(getWorkspace: () => Promise<Workspace>): {
  handlers: ServiceHandlers
  close(): void
} {
  // One replay environment per task, kept: building one compiles the MJCF (tens of ms).
  const envs = new Map<string, Promise<Env>>()
  const envFor = (taskId: string): Promise<Env> => {
    let p = envs.get(taskId)
    if (!p) {
      p = makeEnv(taskId)
      envs.set(taskId, p)
      p.catch(() => envs.delete(taskId))
    }
    return p
  }

  // Whether an episode succeeded: its last step replayed (sim/success.ts), remembered by id and creation time.
  const successes = new Map<string, boolean | null>()
  const successOf = async (ws: Workspace, e: EpisodeInfo): Promise<boolean | null> => {
    const key = `${e.episodeId}:${e.createdAt}`
    const known = successes.get(key)
    if (known !== undefined) return known
    const last = ws.lastStep(e.episodeId)
    let ok: boolean | null = null
    if (last) {
      try {
        ok = stepSuccess(await envFor(e.taskId), last.state, last.action)
      } catch {
        ok = null // a task no longer registered, or a state of another model size: unknown, not a failure
      }
    }
    if (successes.size >= MAX_REMEMBERED_SUCCESS) successes.delete(successes.keys().next().value as string)
    successes.set(key, ok)
    return ok
  }
  const successesOf = async (ws: Workspace, list: EpisodeInfo[]): Promise<(boolean | null)[]> => {
    const out: (boolean | null)[] = []
    for (const e of list) out.push(await successOf(ws, e))
    return out
  }

  // Each episode's quality figures, remembered like success (an edit makes new episodes, never changes one); the
  // outliers are flagged over the list each time, as they depend on the others.
  const figures = new Map<string, EpisodeQuality | null>()
  const qualitiesOf = async (
    ws: Workspace,
    taskId: string,
    list: EpisodeInfo[],
  ): Promise<(EpisodeQualityInfo | null)[]> => {
    const out: (EpisodeQuality | null)[] = []
    let env: Env | null = null
    let expert: ReturnType<typeof qualityExpert> | undefined
    let budget = QUALITY_STEPS_PER_LIST
    for (const [i, e] of list.entries()) {
      const key = `${e.episodeId}:${e.createdAt}`
      let q = figures.get(key)
      if (q === undefined && i < MAX_QUALITY_LISTED && e.complete && e.steps > 0 && e.steps <= budget) {
        budget -= e.steps
        try {
          env ??= await envFor(taskId)
          if (expert === undefined) expert = qualityExpert(taskId)
          q = storedEpisodeQuality(ws, e, env, taskInfo(taskId).controlHz, expert)
        } catch {
          q = null // a task no longer registered: no figures, the list still shows
        }
        if (figures.size >= MAX_REMEMBERED_QUALITY) figures.delete(figures.keys().next().value as string)
        figures.set(key, q)
      }
      out.push(q ? { ...q, outliers: [] } : null)
    }
    flagOutliers(out.filter((q): q is EpisodeQuality => q !== null))
    return out.map((q) =>
      q ? { idleSeconds: q.idleSeconds, jerk: q.jerk, expertDistance: q.expertDistance, outliers: q.outliers } : null,
    )
  }

  const handlers: ServiceHandlers = {
    'demos.list': async (input) => {
      const ws = await getWorkspace()
      const seconds = new Map(demonstrationTimes(ws, { taskId: input.taskId }).map((d) => [d.episodeId, d.seconds]))
      // The newest first; previews for the ones a form can show (each reads its steps' rewards).
      const list = ws.listEpisodes({ taskId: input.taskId, kind: 'demonstration' })
      const success = await successesOf(ws, list)
      return list.map((e, i): DemoInfo => ({
        episodeId: e.episodeId,
        taskId: e.taskId,
        steps: e.steps,
        ret: e.ret,
        complete: e.complete,
        createdAt: e.createdAt,
        operator: e.operator,
        seconds: seconds.get(e.episodeId) ?? null,
        success: success[i],
        ...(i < MAX_PREVIEWS ? { preview: returnPreview(ws, e.episodeId) } : {}),
      }))
    },
    'cost.measure': async (input) => {
      const ws = await getWorkspace()
      const operator = input.operator ?? null
      const cost = measureHumanCost(ws, { taskId: input.taskId ?? null, operator })
      // the person model beside the ratio: the page's person (oracle human) on this task
      const task = input.taskId ? taskInfo(input.taskId) : null
      return { ...cost, person: task ? personSummary(fitOperator(ws, task, 'human', operator)) : null }
    },
    'datasets.list': async (input) => {
      const ws = await getWorkspace()
      const tags = ws.episodeTags(input.taskId)
      const list = ws.listEpisodes({ taskId: input.taskId, kind: 'demonstration' })
      const success = await successesOf(ws, list)
      const quality = await qualitiesOf(ws, input.taskId, list)
      const versions = ws.episodeVersions(input.taskId)
      return list.map((e, i): DatasetEpisode => ({
        ...datasetEpisode(e, success[i]),
        tags: tags.get(e.episodeId) ?? [],
        quality: quality[i],
        ...versions.get(e.episodeId),
      }))
    },
    'datasets.episode': async (input) => {
      const ws = await getWorkspace()
      const info = ws.episodeInfo(input.episodeId)
      if (info.steps > DATASET_VIEW_LIMITS.steps)
        throw new Error(
          `episode ${info.episodeId} has ${info.steps} steps; the viewer shows episodes of up to ${DATASET_VIEW_LIMITS.steps}`,
        )
      const episode = ws.loadEpisode(input.episodeId)
      const env = await envFor(info.taskId)
      const trace = successTrace(env, episode.steps)
      const success = trace?.length ? trace[trace.length - 1] : null
      return {
        episode: {
          ...datasetEpisode(info, success),
          tags: ws.episodeTags(info.taskId).get(info.episodeId) ?? [],
        },
        geometry: env.geometry(),
        frames: replayFrames(env, episode),
        success: trace,
        observations: episode.steps.map((s) => Array.from(s.observation)),
        actions: episode.steps.map((s) => Array.from(s.action)),
        bad: episode.steps.map((s) => s.bad),
      }
    },
    'datasets.edit': async (input) => {
      const ws = await getWorkspace()
      const e =
        input.kind === 'trim'
          ? trimEpisode(ws, input.episodeId, input)
          : input.kind === 'split'
            ? splitEpisode(ws, input.episodeId, input.at)
            : markBad(ws, input.episodeId, input)
      return editInfo(e)
    },
    'datasets.undo': async () => editInfo(undoEdit(await getWorkspace())),
    'datasets.edits': async () =>
      listEdits(await getWorkspace())
        .slice(-DATASET_EDITS_SHOWN)
        .reverse()
        .map(editInfo),
    'datasets.purge': async (input) => {
      const ws = await getWorkspace()
      const plan = input.confirm ? purgeReplaced(ws) : purgePlan(ws)
      return {
        removed: input.confirm,
        episodes: plan.episodes.map((e) => e.episodeId),
        steps: plan.steps,
        kept: plan.kept,
        edits: plan.edits,
      }
    },
    'datasets.tag': async (input) => {
      const ws = await getWorkspace()
      return { episodeId: input.episodeId, tags: ws.setEpisodeTags(input.episodeId, input.tags) }
    },
    'datasets.delete': async (input) => {
      const ws = await getWorkspace()
      return { deleted: ws.deleteEpisode(input.episodeId) }
    },
    'demos.replay': async (input) => {
      const ws = await getWorkspace()
      const episode = ws.loadEpisode(input.episodeId)
      const env = await envFor(episode.info.taskId)
      const geometry: SceneGeometry = env.geometry()
      return { geometry, frames: replayFrames(env, episode) }
    },
  }

  return {
    handlers,
    close() {
      for (const p of envs.values())
        p.then(
          (e) => e.close(),
          () => undefined,
        )
      envs.clear()
    },
  }
}

export const demosService: ServiceFactory = (ctx: ServiceContext) => {
  const service = createDemosService(() => useWorkspace(ctx))
  ctx.onClose(() => service.close())
  return service.handlers
}
