// takeover.*: the person's side of a takeover session (hg-dagger with a person). The learner's live steps come
// as 'takeover.live' events; steer streams the button and the stick; episodes reads the per-episode log.
import type { ServiceFactory, ServiceHandlers } from '../service-types'
import { useSessions } from './session-resource'
import { usePageWatch } from './sessions'

export const takeoverService: ServiceFactory = (ctx) => {
  const handlers: ServiceHandlers = {
    'takeover.steer': async (input, client) => {
      const m = await useSessions(ctx)
      ;(await usePageWatch(ctx, m)).see(client)
      m.steer(input)
      return { ok: true }
    },
    'takeover.episodes': async (input) => (await useSessions(ctx)).takeoverEpisodes(input.sessionId),
  }
  return handlers
}
