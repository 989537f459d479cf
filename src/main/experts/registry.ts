// Shipped experts: resources/experts/<task>.json holds a trained linear (ARS) policy and the returns it reached;
// operator tasks use their scripted controller. expertFor(taskId) gives a PolicySpec either way.
import { existsSync, readFileSync, writeFileSync, mkdirSync, renameSync } from 'node:fs'
import { dirname, join } from 'node:path'
import type { LinearSpec, PolicySpec } from '../sim/policy-spec'
import { resourcesDir } from '../sim/resources'
import type { RunningStatsState } from './ars'
import { folderTaskSpec } from '../sim/registry'
import { hasScriptedExpert } from '../sim/scripted'

export interface ExpertFile {
  taskId: string
  kind: 'linear'
  algorithm: string
  spec: LinearSpec
  stats?: RunningStatsState
  /** measured by `iwb expert eval` (25 episodes) */
  meanReturn: number | null
  stdReturn: number | null
  episodes: number | null
  evalSeed: number | null
  trainSteps: number
  iterations: number
  hyper?: Record<string, number>
  updatedAt: string
}

export function expertPath(taskId: string): string {
  return join(resourcesDir(), 'experts', `${taskId}.json`)
}

export function loadExpertFile(taskId: string, path = expertPath(taskId)): ExpertFile | null {
  if (!existsSync(path)) return null
  let data: ExpertFile
  try {
    data = JSON.parse(readFileSync(path, 'utf8')) as ExpertFile
  } catch (err) {
    // Name the file: "Unexpected token o in JSON at position 1" alone does not say which one.
    throw new Error(`${path}: not a readable expert file (${err instanceof Error ? err.message : String(err)})`)
  }
  if (data === null || typeof data !== 'object') throw new Error(`${path}: not a linear expert file`)
  if (data.kind !== 'linear' || !data.spec || data.spec.kind !== 'linear')
    throw new Error(`${path}: not a linear expert file`)
  return data
}

/** Write atomically (temp file then rename) so a checkpoint is never half-written. */
export function saveExpertFile(file: ExpertFile, path = expertPath(file.taskId)): void {
  mkdirSync(dirname(path), { recursive: true })
  const tmp = `${path}.tmp-${process.pid}`
  writeFileSync(tmp, `${JSON.stringify(file, null, 1)}\n`)
  renameSync(tmp, path)
}

export function hasExpert(taskId: string): boolean {
  return hasScriptedExpert(taskId) || (!folderTaskSpec(taskId) && existsSync(expertPath(taskId)))
}

/** The simulated oracle's policy for a task: scripted for operator tasks, the shipped linear expert otherwise. */
export function expertFor(taskId: string): PolicySpec {
  if (hasScriptedExpert(taskId)) return { kind: 'scripted', taskId }
  if (folderTaskSpec(taskId)) {
    throw new Error(
      `task '${taskId}' is your own model (a task folder) and has no expert: a person answers its queries`,
    )
  }
  const file = loadExpertFile(taskId)
  if (!file) throw new Error(`no expert for task '${taskId}': train one with \`iwb expert train --task ${taskId}\``)
  return file.spec
}

/** Whether the task's expert carries state statistics (a shipped linear expert; scripted ones do not). */
export function hasExpertStatistics(taskId: string): boolean {
  return !hasScriptedExpert(taskId) && !folderTaskSpec(taskId) && existsSync(expertPath(taskId))
}

/** Refuses, in one line, a session that would standardise by statistics its task's expert does not have. */
export function assertStandardisable(taskId: string, standardise: 'data' | 'expert'): void {
  if (standardise === 'expert' && !hasExpertStatistics(taskId))
    throw new Error(`task '${taskId}' has no expert with state statistics: standardise from the data`)
}

/**
 * The expert's fixed state statistics, for learners that standardise as the authors' did (session config
 * standardise 'expert'): the running mean and deviation of the states its ARS training visited.
 */
export function expertStandardisation(taskId: string): { mean: number[]; std: number[] } {
  assertStandardisable(taskId, 'expert')
  const { spec } = loadExpertFile(taskId)!
  return { mean: spec.mu.slice(), std: spec.sigma.slice() }
}
