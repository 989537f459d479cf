// Per policy class: how fast it trains (samples through Adam per second) and how fast it acts in rollouts
// (environment steps per second with the class choosing every action, simulation included), with each class's
// default parameters (and the chunk class with its transformer backbone), on the same labels and the same episodes.
// Ratios against the Gaussian MLP come from one run.
import { POLICY_CLASSES, contextNeeds, policyToRun, type PolicyChoice, type PolicyId } from '../../shared/policy-config'
import { expertFor } from '../experts/registry'
import { learnerSpec, type DrawnLabel } from '../learn/algorithm'
import { episodic, trackedEnv } from '../learn/episode-context'
import { startTrainer } from '../learn/trainer'
import { policyFromSpec } from '../sim/policy-spec'
import { makeEnv } from '../sim/registry'
import { createRng } from '../sim/rng'

export interface ClassBenchRow {
  policy: PolicyId
  /** the class and what sets this row apart: 'chunk (transformer)' */
  name: string
  /** label rows through Adam per second (steps x batch / training seconds) */
  trainSamplesPerSecond: number
  /** environment steps per second with the class acting (its forward pass and the simulation) */
  rolloutStepsPerSecond: number
  /** against the Gaussian MLP in this run */
  trainSpeedVsMlp: number
  rolloutSpeedVsMlp: number
}

export interface ClassBenchOptions {
  task?: string
  /** expert labels to train on (with each class's context) */
  labels?: number
  /** environment steps to act for */
  rolloutSteps?: number
  log?: (line: string) => void
}

/** The expert's labels along its own trajectories, with history and following actions (enough for any class). */
async function expertLabels(taskId: string, n: number): Promise<DrawnLabel[]> {
  const env = trackedEnv(await makeEnv(taskId), 15)
  const expert = policyFromSpec(expertFor(taskId))
  const out: DrawnLabel[] = []
  try {
    for (let ep = 0; out.length < n; ep++) {
      let obs = env.reset(ep)
      const start = out.length
      for (let t = 0; t < env.task.horizon && out.length < n; t++) {
        const action = expert.act(obs)
        out.push({
          source: 'offline',
          observation: obs,
          state: null,
          action,
          humanSeconds: null,
          episodeId: null,
          stepIndex: t,
          context: { history: env.history(), next: new Float64Array(0) },
        })
        const r = env.step(action)
        if (r.terminated || r.truncated) break
        obs = r.observation
      }
      // each label's next actions: the expert's following ones in its episode (up to 63)
      for (let i = start; i < out.length; i++) {
        const next = out.slice(i + 1, i + 64).flatMap((l) => Array.from(l.action))
        out[i].context = { history: out[i].context!.history, next: Float64Array.from(next) }
      }
    }
  } finally {
    env.close()
  }
  return out
}

export async function runClassBench(opts: ClassBenchOptions = {}): Promise<ClassBenchRow[]> {
  const taskId = opts.task ?? 'push-t'
  const log = opts.log ?? (() => {})
  const labels = await expertLabels(taskId, opts.labels ?? 500)
  const rows: Omit<ClassBenchRow, 'trainSpeedVsMlp' | 'rolloutSpeedVsMlp'>[] = []
  const variants: [string, PolicyChoice][] = [
    ...POLICY_CLASSES.map((c): [string, PolicyChoice] => [c.id, policyToRun({ id: c.id })]),
    ['chunk (transformer)', policyToRun({ id: 'chunk', params: { backbone: 'transformer' } })],
  ]
  for (const [name, policy] of variants) {
    const env = trackedEnv(await makeEnv(taskId), contextNeeds(policy).history - 1)
    const task = env.task
    const trainer = await startTrainer(
      {
        obsDim: task.obsDim,
        actDim: task.actDim,
        actionLow: task.actionLow.slice(),
        actionHigh: task.actionHigh.slice(),
        seed: 0,
        policy,
      },
      'local',
    )
    try {
      trainer.add(labels)
      const t0 = performance.now()
      const u = await trainer.update()
      const trainSeconds = (performance.now() - t0) / 1000
      const batch = policy.id === 'mlp' ? 64 : policy.params.batchSize
      const learner = episodic(policyFromSpec(learnerSpec(u.weights, task)), env)
      const rng = createRng(3)
      const steps = opts.rolloutSteps ?? 2000
      const t1 = performance.now()
      let obs = env.reset(1)
      for (let n = 0, ep = 1; n < steps; n++) {
        const s = env.step(learner.sample ? learner.sample(obs, rng) : learner.act(obs))
        obs = s.terminated || s.truncated ? env.reset(++ep) : s.observation
      }
      const rolloutSeconds = (performance.now() - t1) / 1000
      rows.push({
        policy: policy.id,
        name,
        trainSamplesPerSecond: (u.steps * Math.min(batch, labels.length)) / trainSeconds,
        rolloutStepsPerSecond: steps / rolloutSeconds,
      })
      log(
        `${name}: ${rows.at(-1)!.trainSamplesPerSecond.toFixed(0)} training samples/s, ${rows.at(-1)!.rolloutStepsPerSecond.toFixed(0)} rollout steps/s`,
      )
    } finally {
      await trainer.close()
      env.close()
    }
  }
  const mlp = rows.find((r) => r.name === 'mlp')!
  return rows.map((r) => ({
    ...r,
    trainSpeedVsMlp: r.trainSamplesPerSecond / mlp.trainSamplesPerSecond,
    rolloutSpeedVsMlp: r.rolloutStepsPerSecond / mlp.rolloutStepsPerSecond,
  }))
}
