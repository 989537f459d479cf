// demos.*: the recorded demonstrations of the workspace, and their replay for the page. Replay recomputes every
// frame from the stored full physics state (setState + frame()), never by re-running actions, so it shows
// exactly what was recorded.
import {
  DATASET_VIEW_LIMITS,
  type DatasetEpisode,
  type DemoInfo,
  type Frame,
  type SceneGeometry,
} from '../../../shared/contract'
import type { Env } from '../../sim/env'
import { makeEnv } from '../../sim/registry'
import {
  measureHumanCost,
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

function datasetEpisode(e: EpisodeInfo): Omit<DatasetEpisode, 'tags'> {
  return {
    episodeId: e.episodeId,
    taskId: e.taskId,
    steps: e.steps,
    ret: e.ret,
    createdAt: e.createdAt,
    operator: e.operator,
  }
}

/** previews drawn per list (the newest demonstrations) */
const MAX_PREVIEWS = 200

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

  const handlers: ServiceHandlers = {
    'demos.list': async (input) => {
      const ws = await getWorkspace()
      const seconds = new Map(demonstrationTimes(ws, { taskId: input.taskId }).map((d) => [d.episodeId, d.seconds]))
      // The newest first; previews for the ones a form can show (each reads its steps' rewards).
      return ws.listEpisodes({ taskId: input.taskId, kind: 'demonstration' }).map((e, i): DemoInfo => ({
        episodeId: e.episodeId,
        taskId: e.taskId,
        steps: e.steps,
        ret: e.ret,
        complete: e.complete,
        createdAt: e.createdAt,
        operator: e.operator,
        seconds: seconds.get(e.episodeId) ?? null,
        ...(i < MAX_PREVIEWS ? { preview: returnPreview(ws, e.episodeId) } : {}),
      }))
    },
    'cost.measure': async (input) => {
      const ws = await getWorkspace()
      return measureHumanCost(ws, { taskId: input.taskId ?? null, operator: input.operator ?? null })
    },
    'datasets.list': async (input) => {
      const ws = await getWorkspace()
      const tags = ws.episodeTags(input.taskId)
      return ws
        .listEpisodes({ taskId: input.taskId, kind: 'demonstration' })
        .map((e): DatasetEpisode => ({ ...datasetEpisode(e), tags: tags.get(e.episodeId) ?? [] }))
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
      return {
        episode: { ...datasetEpisode(info), tags: ws.episodeTags(info.taskId).get(info.episodeId) ?? [] },
        geometry: env.geometry(),
        frames: replayFrames(env, episode),
        observations: episode.steps.map((s) => Array.from(s.observation)),
        actions: episode.steps.map((s) => Array.from(s.action)),
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
