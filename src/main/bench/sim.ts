// Simulation benchmark: raw mj_step in WebAssembly, our Env on the same model and the same work, rollouts on one
// vs two worker threads, and native MuJoCo C (Debian's libmujoco-dev, compiled at bench time) where installed.
// All rates are physics steps (mj_step calls) per second, so they compare across the layers; an env control
// step is frameSkip physics steps.
import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { loadModelFromString } from '../sim/mujoco'
import type { LinearSpec } from '../sim/policy-spec'
import { makeEnv, taskDef, taskMjcf } from '../sim/registry'
import { createRng } from '../sim/rng'
import { RolloutPool } from '../sim/rollout-pool'

export interface SimBenchResult {
  task: string
  frameSkip: number
  rawStepsPerSec: number
  envStepsPerSec: number
  envOverRaw: number
  singleWorkerStepsPerSec: number
  vecStepsPerSec: number
  vecOverSingle: number
  nativeStepsPerSec: number | null
  rawOverNative: number | null
  nativeVersion: string | null
  nativeNote?: string
  mujocoWasm: string
}

export interface SimBenchOptions {
  task?: string
  /** physics steps per timed run (default 100k) */
  physicsSteps?: number
  /** interleaved raw/env rounds (default 5) */
  rounds?: number
  log?: (line: string) => void
}

const pattern = (t: number, i: number): number => 0.5 * Math.sin(0.1 * t + i)

/** Episodes the env actually ran under the action pattern: their initial qpos/qvel and lengths. */
interface Work {
  episodes: { qpos: number[]; qvel: number[]; length: number }[]
  controlSteps: number
}

export async function runSimBench(opts: SimBenchOptions = {}): Promise<SimBenchResult> {
  const taskId = opts.task ?? 'hopper'
  const def = taskDef(taskId)
  const log = opts.log ?? (() => {})
  const rounds = opts.rounds ?? 5
  const frameSkip = def.frameSkip
  const controlSteps = Math.round((opts.physicsSteps ?? 100_000) / frameSkip)
  const actDim = def.info.actDim
  const env = await makeEnv(taskId)
  const sim = await loadModelFromString(taskMjcf(taskId))
  try {
    // Env run: the pattern policy, resetting on termination; remember each episode's start so raw and native
    // can do the same physics.
    const work: Work = { episodes: [], controlSteps }
    const action = new Float64Array(actDim)
    const runEnv = (recordWork: boolean): number => {
      let seed = 1
      const t0 = performance.now()
      env.reset(seed)
      let ep = recordWork ? { qpos: Array.from(env.sim.qpos()), qvel: Array.from(env.sim.qvel()), length: 0 } : null
      let t = 0
      for (let n = 0; n < controlSteps; n++) {
        for (let i = 0; i < actDim; i++) action[i] = pattern(t, i)
        const r = env.step(action)
        t++
        if (ep) ep.length++
        if (r.terminated || r.truncated) {
          env.reset(++seed)
          t = 0
          if (ep) {
            work.episodes.push(ep)
            ep = { qpos: Array.from(env.sim.qpos()), qvel: Array.from(env.sim.qvel()), length: 0 }
          }
        }
      }
      if (ep && ep.length) work.episodes.push(ep)
      return (controlSteps * frameSkip) / ((performance.now() - t0) / 1000)
    }
    runEnv(true)
    const runRaw = (): number => {
      const t0 = performance.now()
      for (const ep of work.episodes) {
        sim.reset()
        sim.qpos().set(ep.qpos)
        sim.qvel().set(ep.qvel)
        for (let t = 0; t < ep.length; t++) {
          const ctrl = sim.ctrl()
          for (let i = 0; i < actDim; i++) ctrl[i] = pattern(t, i)
          sim.step(frameSkip)
        }
      }
      return (controlSteps * frameSkip) / ((performance.now() - t0) / 1000)
    }
    // Interleaved rounds; the ratio is the median of each round's env/raw pair, which holds up better than
    // best-of rates when other processes share the cores.
    let raw = 0
    let envRate = 0
    const ratios: number[] = []
    runRaw() // warm up the JIT on the raw loop too
    for (let r = 0; r < rounds; r++) {
      const a = runRaw()
      const b = runEnv(false)
      raw = Math.max(raw, a)
      envRate = Math.max(envRate, b)
      ratios.push(b / a)
      log(`round ${r + 1}: raw ${a.toFixed(0)} env ${b.toFixed(0)} physics steps/s (env/raw ${(b / a).toFixed(3)})`)
    }
    ratios.sort((x, y) => x - y)
    const envOverRaw = ratios[Math.floor(ratios.length / 2)]

    // Rollouts on the worker pool: the same episodes on one worker, then on two.
    const rng = createRng(5)
    const spec: LinearSpec = {
      kind: 'linear',
      obsDim: def.info.obsDim,
      actDim,
      M: Array.from({ length: def.info.obsDim * actDim }, () => 0.1 * rng.normal()),
      mu: new Array(def.info.obsDim).fill(0),
      sigma: new Array(def.info.obsDim).fill(1),
    }
    const poolRate = async (workers: number): Promise<number> => {
      const pool = await RolloutPool.create(taskId, { workers })
      try {
        await pool.run([
          { spec, seed: 0, maxSteps: 50 },
          { spec, seed: 1, maxSteps: 50 },
        ]) // warm up
        let best = 0
        for (let r = 0; r < rounds; r++) {
          const t0 = performance.now()
          const res = await pool.run(
            Array.from({ length: 16 }, (_, i) => ({ spec, seed: 100 + i, maxSteps: Math.ceil(controlSteps / 16) })),
          )
          const steps = res.reduce((a, b) => a + b.length, 0) * frameSkip
          best = Math.max(best, steps / ((performance.now() - t0) / 1000))
        }
        return best
      } finally {
        await pool.close()
      }
    }
    const single = await poolRate(1)
    log(`one worker: ${single.toFixed(0)} physics steps/s`)
    const vec = await poolRate(2)
    log(`two workers: ${vec.toFixed(0)} physics steps/s`)

    const native = nativeRate(taskMjcf(taskId), work, frameSkip, actDim, rounds, log)
    return {
      task: taskId,
      frameSkip,
      rawStepsPerSec: Math.round(raw),
      envStepsPerSec: Math.round(envRate),
      envOverRaw: round3(envOverRaw),
      singleWorkerStepsPerSec: Math.round(single),
      vecStepsPerSec: Math.round(vec),
      vecOverSingle: round3(vec / single),
      nativeStepsPerSec: native.rate === null ? null : Math.round(native.rate),
      rawOverNative: native.rate === null ? null : round3(raw / native.rate),
      nativeVersion: native.version,
      ...(native.note ? { nativeNote: native.note } : {}),
      mujocoWasm: sim.mj.mj_versionString(),
    }
  } finally {
    env.close()
    sim.close()
  }
}

const round3 = (x: number): number => Math.round(x * 1000) / 1000

const NATIVE_C = String.raw`
#include <stdio.h>
#include <stdlib.h>
#include <math.h>
#include <time.h>
#include <mujoco/mujoco.h>
int main(int argc, char** argv) {
  char err[1000] = "";
  mjModel* m = mj_loadXML(argv[1], 0, err, sizeof(err));
  if (!m) { fprintf(stderr, "%s\n", err); return 2; }
  mjData* d = mj_makeData(m);
  FILE* f = fopen(argv[2], "r");
  int neps, frameskip, actdim, rounds; long total = 0;
  if (fscanf(f, "%d %d %d %d", &neps, &frameskip, &actdim, &rounds) != 4) return 3;
  int* len = malloc(sizeof(int) * neps);
  double* qpos = malloc(sizeof(double) * neps * m->nq);
  double* qvel = malloc(sizeof(double) * neps * m->nv);
  for (int e = 0; e < neps; e++) {
    if (fscanf(f, "%d", &len[e]) != 1) return 3;
    for (int i = 0; i < m->nq; i++) if (fscanf(f, "%lf", &qpos[e * m->nq + i]) != 1) return 3;
    for (int i = 0; i < m->nv; i++) if (fscanf(f, "%lf", &qvel[e * m->nv + i]) != 1) return 3;
    total += len[e];
  }
  double best = 0;
  for (int r = 0; r < rounds; r++) {
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    for (int e = 0; e < neps; e++) {
      mj_resetData(m, d);
      for (int i = 0; i < m->nq; i++) d->qpos[i] = qpos[e * m->nq + i];
      for (int i = 0; i < m->nv; i++) d->qvel[i] = qvel[e * m->nv + i];
      for (int t = 0; t < len[e]; t++) {
        for (int i = 0; i < actdim; i++) d->ctrl[i] = 0.5 * sin(0.1 * t + i);
        for (int k = 0; k < frameskip; k++) mj_step(m, d);
      }
    }
    clock_gettime(CLOCK_MONOTONIC, &b);
    double s = (b.tv_sec - a.tv_sec) + 1e-9 * (b.tv_nsec - a.tv_nsec);
    double rate = total * frameskip / s;
    if (rate > best) best = rate;
  }
  printf("%s %.1f\n", mj_versionString(), best);
  mj_deleteData(d); mj_deleteModel(m);
  return 0;
}
`

function nativeRate(
  xml: string,
  work: Work,
  frameSkip: number,
  actDim: number,
  rounds: number,
  log: (l: string) => void,
): { rate: number | null; version: string | null; note?: string } {
  if (!existsSync('/usr/include/mujoco/mujoco.h')) {
    return { rate: null, version: null, note: 'native MuJoCo not installed (Debian: apt-get install libmujoco-dev)' }
  }
  const dir = mkdtempSync(join(tmpdir(), 'iwb-native-'))
  try {
    writeFileSync(join(dir, 'bench.c'), NATIVE_C)
    writeFileSync(join(dir, 'model.xml'), xml)
    const lines = [`${work.episodes.length} ${frameSkip} ${actDim} ${rounds}`]
    for (const e of work.episodes) lines.push(`${e.length} ${e.qpos.join(' ')} ${e.qvel.join(' ')}`)
    writeFileSync(join(dir, 'work.txt'), lines.join('\n'))
    execFileSync('cc', ['-O2', '-o', join(dir, 'bench'), join(dir, 'bench.c'), '-lmujoco', '-lm'], { stdio: 'pipe' })
    const out = execFileSync(join(dir, 'bench'), [join(dir, 'model.xml'), join(dir, 'work.txt')], {
      encoding: 'utf8',
      stdio: 'pipe',
    }).trim()
    const [version, rate] = out.split(/\s+/)
    log(`native MuJoCo ${version}: ${Number(rate).toFixed(0)} physics steps/s`)
    return { rate: Number(rate), version }
  } catch (e) {
    const msg = e instanceof Error ? (e as { stderr?: Buffer }).stderr?.toString().trim() || e.message : String(e)
    log(`native benchmark failed: ${msg}`)
    return { rate: null, version: null, note: `native benchmark failed: ${msg.split('\n')[0]}` }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
