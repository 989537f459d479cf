// Policy classes with small networks, so that each one trains in well under a second in a test.
import type { PolicyChoiceInput } from '../../../src/shared/policy-config'

export const TINY_POLICIES = {
  gmm: { id: 'gmm', params: { hidden: [16], modes: 3, history: 2, stepsPerLabel: 2 } },
  chunk: { id: 'chunk', params: { hidden: [16], history: 2, chunk: 4, stepsPerLabel: 2 } },
  'chunk (transformer)': {
    id: 'chunk',
    params: {
      history: 2,
      chunk: 4,
      stepsPerLabel: 2,
      backbone: 'transformer',
      width: 8,
      heads: 2,
      blocks: 1,
      feedforward: 16,
    },
  },
  diffusion: {
    id: 'diffusion',
    params: {
      hidden: [16],
      history: 2,
      horizon: 4,
      execute: 2,
      diffusionSteps: 20,
      inferenceSteps: 4,
      stepsPerLabel: 2,
    },
  },
} satisfies Record<string, PolicyChoiceInput>
