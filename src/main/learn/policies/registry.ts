// The policy classes' networks, one line each: the trainer builds a session's learner from its PolicyChoice.
import type { Tf } from '../backend'
import type { PolicyChoice } from '../../../shared/policy-config'
import { GaussianMlp, type GaussianMlpOptions } from '../gaussian-mlp'
import { ChunkNet } from './chunk'
import { DiffusionNet } from './diffusion'
import { GmmNet } from './gmm'
import type { PolicyNet } from './net'

export interface NetSetting {
  obsDim: number
  actDim: number
  seed: number
  actionLow: number[]
  actionHigh: number[]
  /** the Gaussian MLP's own options (the session's loss, schedule's learning rate, fixed statistics) */
  mlp: GaussianMlpOptions
}

export function makePolicyNet(tf: Tf, policy: PolicyChoice, s: NetSetting): PolicyNet {
  const dims = { obsDim: s.obsDim, actDim: s.actDim, seed: s.seed, actionLow: s.actionLow, actionHigh: s.actionHigh }
  switch (policy.id) {
    case 'mlp':
      return new GaussianMlp(tf, s.obsDim, s.actDim, s.mlp)
    case 'gmm':
      return new GmmNet(tf, { ...dims, history: policy.params.history }, policy.params)
    case 'chunk':
      return new ChunkNet(tf, { ...dims, history: policy.params.history }, policy.params)
    case 'diffusion':
      return new DiffusionNet(tf, { ...dims, history: policy.params.history }, policy.params)
  }
}
