// A WARM-STAGGER session forks from its BC twin. Until its switch, WARM-STAGGER is BC to the last digit: the same
// i.i.d. expert states (or demonstration draw) from the same generators, the same training schedule and the same
// evaluation episodes. So a BC session keeps its checkpoint at a few evaluation points, and a WARM-STAGGER
// session that starts with no labels copies its twin's first k labels, curve and checkpoint and continues from
// there: the same result, without recomputing the offline prefix (docs/REPRODUCTION.md, the targets).
import { ALGO_VERSIONS, offlineKey, type SessionConfig } from './session-config'
import { policyKey } from './policy-config'
import { isPersonOracle } from './person-model'

/** A BC session keeps at most this many fork checkpoints (about 80 KB each on Hopper: under 2 MB a session). */
export const MAX_FORK_CHECKPOINTS = 20

/**
 * Whether a session keeps its checkpoint after `labels` labels for WARM-STAGGER twins: BC only, at evaluation
 * points (every evalEvery labels) up to half its budget (the paper's largest offline share), thinned to every
 * stride-th point so that there are at most MAX_FORK_CHECKPOINTS.
 */
export function keepsForkCheckpoint(
  config: Pick<SessionConfig, 'algo' | 'budget' | 'evalEvery'>,
  labels: number,
): boolean {
  if (config.algo !== 'bc' || labels <= 0 || labels % config.evalEvery !== 0) return false
  const points = Math.floor(config.budget / 2 / config.evalEvery)
  const stride = Math.ceil(points / MAX_FORK_CHECKPOINTS)
  const n = labels / config.evalEvery
  return n <= points && n % stride === 0
}

/**
 * The fields that decide BC's first labels, checkpoints and evaluations: the environment (task, fall angle), every
 * generator (seed), the offline source, the trainer (schedule, loss, standardisation, epochs) and the curve's points and episodes.
 * Not the budget (an expert state or a demonstration draw never looks at what is left beyond "at least one"), the
 * cost ratio (offline labels cost 1), the oracle (offline labels come from the expert or the demonstrations)
 * unless it is a simulated person (its hand gives the offline labels too), nor WARM-STAGGER's own fraction and
 * version.
 */
const TWIN_FIELDS = [
  'taskId',
  'fallAngle',
  'seed',
  'schedule',
  'loss',
  'standardise',
  'epochs',
  'evalEvery',
  'evalEpisodes',
] as const satisfies readonly (keyof SessionConfig)[]

/**
 * What decides a BC session's offline prefix, as text: equal for a BC session run by this code's BC and every
 * WARM-STAGGER session it is a twin of (the study queue looks twins up by it).
 */
export function twinKey(config: SessionConfig): string {
  const fields = Object.fromEntries(TWIN_FIELDS.map((k) => [k, config[k]]))
  // the learner's class decides the prefix too: a gmm WARM-STAGGER never continues an mlp BC session
  return JSON.stringify({
    ...fields,
    offline: offlineKey(config.offline),
    bc: ALGO_VERSIONS.bc,
    policy: policyKey(config.policy),
    // a simulated person demonstrates with its own hand; the key of every other session is as it was
    ...(isPersonOracle(config.oracle) ? { person: config.oracle } : {}),
  })
}

/** `bc` is a BC session, run by this code's BC, whose offline prefix is `warm`'s (a WARM-STAGGER session's). */
export function isTwin(bc: SessionConfig, warm: SessionConfig): boolean {
  return (
    bc.algo === 'bc' &&
    bc.algoVersion === ALGO_VERSIONS.bc &&
    warm.algo === 'warm-stagger' &&
    twinKey(bc) === twinKey(warm)
  )
}

/**
 * The progress phase a forked session reports once. `twin` names the BC session it continued from: "BC session 3"
 * in a workspace; on the study queue, where that id is the worker's scratch workspace's, the twin's host.
 */
export function forkPhase(twin: string, labels: number): string {
  return `continued from ${twin} at ${labels} labels`
}

export const FORK_PHASE = /^continued from (BC session \d+|its BC twin on .+) at (\d+) labels$/
