// The algorithms' constructors, one line each, by the id of their descriptor in src/shared/algorithms.ts (which
// holds everything else about them: version, parameters, budget split). Each folder here is one algorithm and
// exports its `build`; the session runner builds a session's algorithm through makeAlgorithm.
import type { Algo } from '../../../shared/session-config'
import type { Algorithm, BuildAlgorithm } from '../algorithm'
import type { Demonstration, OfflineForm } from '../offline-source'
import type { SessionConfig } from '../session-log'
import { build as bc } from './bc'
import { build as dagger } from './dagger'
import { build as ensembleDagger } from './ensemble-dagger'
import { build as hgDagger } from './hg-dagger'
import { build as stagger } from './stagger'
import { build as thriftyDagger } from './thrifty-dagger'
import { build as warmStagger } from './warm-stagger'

export const ALGORITHM_BUILDERS: Readonly<Record<Algo, BuildAlgorithm>> = {
  bc,
  dagger,
  stagger,
  'warm-stagger': warmStagger,
  'hg-dagger': hgDagger,
  'ensemble-dagger': ensembleDagger,
  'thrifty-dagger': thriftyDagger,
}

/** The algorithm a session's configuration names, drawing offline labels in `offlineForm` or from `demos`. */
export function makeAlgorithm(
  config: SessionConfig,
  offlineForm: OfflineForm = 'iid',
  demos: readonly Demonstration[] | null = null,
): Algorithm {
  return ALGORITHM_BUILDERS[config.algo](config, { offlineForm, demonstrations: demos })
}
