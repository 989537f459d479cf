// `iwb policy export|eval` (issue 24 item 5): a session's policy leaves the workbench as model.safetensors +
// config.json (learn/policy-file.ts), comes back as the same weights, and evaluated with the session's own seed
// settings gives the returns the session stored, exactly; docs/POLICIES.md's Python script reads the files and
// gives the workbench's first action; bad folders get one line.
import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { main } from '../../../src/main/cli/main'
import { readPolicyFolder, writePolicyFolder } from '../../../src/main/cli/policy-folder'
import { learnerSpec } from '../../../src/main/learn/algorithm'
import { ExpertOracle } from '../../../src/main/learn/oracle'
import {
  decodeSafetensors,
  encodeSafetensors,
  exportPolicy,
  type PolicyOrigin,
} from '../../../src/main/learn/policy-file'
import { runSession } from '../../../src/main/learn/session-runner'
import { startTrainer } from '../../../src/main/learn/trainer'
import { expertFor } from '../../../src/main/experts/registry'
import { makeEnv, taskInfo } from '../../../src/main/sim/registry'
import { policyFromSpec, type LearnerWeights } from '../../../src/main/sim/policy-spec'
import { createRng } from '../../../src/main/sim/rng'
import { openWorkspace } from '../../../src/main/store'
import { policyToRun, type PolicyChoiceInput } from '../../../src/shared/policy-config'
import { sessionConfig } from '../../../src/shared/session-config'
import { tempDir } from '../store/helpers'
import { capture } from './capture'
import { TINY_POLICIES } from '../learn/tiny-policies'

const TASK = 'two-way'
const SEED = 3
const EVAL_EPISODES = 2
const TINY_GMM: PolicyChoiceInput = { id: 'gmm', params: { hidden: [16], modes: 3, history: 2, stepsPerLabel: 2 } }

let tmp: ReturnType<typeof tempDir>
let db: string
/** session id per class */
const sessions: Record<string, number> = {}

beforeAll(async () => {
  tmp = tempDir()
  db = tmp.path('ws.db')
  const ws = openWorkspace(db)
  try {
    const expert = expertFor(TASK)
    for (const [name, policy] of [
      ['mlp', { id: 'mlp' }],
      ['gmm', TINY_GMM],
    ] as const) {
      const log = ws.createSession(
        sessionConfig({
          taskId: TASK,
          algo: name === 'mlp' ? 'bc' : 'stagger',
          budget: 24,
          evalEvery: 12,
          evalEpisodes: EVAL_EPISODES,
          seed: SEED,
          policy,
        }),
      )
      await runSession({ log, oracle: new ExpertOracle(expert), expert, makeEnv })
      sessions[name] = log.sessionId
    }
  } finally {
    ws.close()
  }
})
afterAll(() => tmp?.cleanup())

async function iwb(...argv: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const io = capture()
  const code = await main(argv, io)
  return { code, out: io.stdout, err: io.stderr }
}

function stored(session: number): { evaluations: { labels: number; returns: number[] }[]; policies: unknown[] } {
  const ws = openWorkspace(db, { readonly: true })
  try {
    const log = ws.openSession(session)
    return { evaluations: log.evaluations(), policies: log.policies().map((p) => p.weights) }
  } finally {
    ws.close()
  }
}

describe.each(['mlp', 'gmm'])('iwb policy export and eval of a %s session', (cls) => {
  it("writes the files and evaluates them to the session's stored returns, at the latest labels and earlier", async () => {
    const id = sessions[cls]
    const { evaluations, policies } = stored(id)
    expect(evaluations.map((e) => e.labels)).toEqual([0, 12, 24])

    const out = tmp.path(`${cls}-latest`)
    const exp = await iwb('policy', 'export', '--db', db, '--session', String(id), '--out', out, '--json')
    expect(exp.err).toEqual([])
    expect(exp.code).toBe(0)
    expect(JSON.parse(exp.out[0])).toMatchObject({ session: id, labels: 24, class: cls, taskId: TASK })
    const config = JSON.parse(readFileSync(join(out, 'config.json'), 'utf8'))
    const task = taskInfo(TASK)
    expect(config).toMatchObject({
      class: cls,
      taskId: TASK,
      obsDim: task.obsDim,
      actDim: task.actDim,
      actionLow: task.actionLow,
      actionHigh: task.actionHigh,
      history: cls === 'gmm' ? 2 : 1,
      chunk: 1,
      activation: cls === 'mlp' ? 'tanh' : 'relu',
      standardisation: { kind: cls === 'mlp' ? 'folded' : 'tensors' },
      labels: 24,
      evaluation: { seed: SEED, evalEpisodes: EVAL_EPISODES, returns: evaluations[2].returns },
    })
    const names = Object.keys(config.tensors).sort()
    if (cls === 'mlp') {
      expect(names).toEqual([
        'layers.0.bias',
        'layers.0.weight',
        'layers.1.bias',
        'layers.1.weight',
        'layers.2.bias',
        'layers.2.weight',
        'log_std',
      ])
      expect(config.tensors['layers.0.weight']).toEqual({ dtype: 'F64', shape: [64, task.obsDim] })
      expect(config.tensors['layers.1.weight']).toEqual({ dtype: 'F32', shape: [64, 64] })
    } else {
      expect(config.params).toMatchObject({ modes: 3, hidden: [16], history: 2 })
      expect(config.head).toEqual({ modes: 3 })
      expect(config.tensors['layers.0.weight']).toEqual({ dtype: 'F32', shape: [16, 2 * task.obsDim] })
      expect(config.tensors['layers.1.weight']).toEqual({ dtype: 'F32', shape: [3 * (2 * task.actDim + 1), 16] })
      expect(config.tensors.obs_std.dtype).toBe('F64')
    }
    // the same weights back, every number
    expect(readPolicyFolder(out).weights).toEqual(policies[policies.length - 1])

    const ev = await iwb('policy', 'eval', '--from', out, '--task', TASK, '--json')
    expect(ev.err).toEqual([])
    const r = JSON.parse(ev.out[0])
    expect(r).toMatchObject({ seed: SEED, episodes: EVAL_EPISODES, labels: 24, reproduced: true })
    expect(r.returns).toEqual(evaluations[2].returns)

    // the policy at 12 labels, with the seed settings given explicitly
    const early = tmp.path(`${cls}-12`)
    expect(
      (await iwb('policy', 'export', '--db', db, '--session', String(id), '--labels', '12', '--out', early)).code,
    ).toBe(0)
    const ev12 = await iwb(
      'policy',
      'eval',
      '--from',
      early,
      '--task',
      TASK,
      '--episodes',
      '2',
      '--seed',
      String(SEED),
      '--json',
    )
    expect(JSON.parse(ev12.out[0])).toMatchObject({ labels: 12, returns: evaluations[1].returns, reproduced: true })
    // another seed: other episodes, nothing to compare with
    const other = JSON.parse(
      (await iwb('policy', 'eval', '--from', early, '--episodes', '1', '--seed', '99', '--json')).out[0],
    )
    expect(other).toMatchObject({ seed: 99, episodes: 1, storedReturns: null, reproduced: null })
    expect(other.returns).toHaveLength(1)
  })
})

/** Weights of a class trained a few steps on made-up labels (chunk and diffusion have no session here). */
async function trained(policy: PolicyChoiceInput): Promise<LearnerWeights> {
  const task = taskInfo(TASK)
  const t = await startTrainer(
    {
      obsDim: task.obsDim,
      actDim: task.actDim,
      seed: 4,
      actionLow: task.actionLow,
      actionHigh: task.actionHigh,
      policy: policyToRun(policy),
    },
    'local',
  )
  try {
    const rng = createRng(1)
    t.add(
      Array.from({ length: 20 }, () => {
        const o = Array.from({ length: task.obsDim }, () => rng.normal())
        return { observation: o, action: [Math.tanh(o[0]), Math.tanh(o[1] - o[2])] }
      }),
    )
    return (await t.update(20)).weights
  } finally {
    await t.close()
  }
}

function origin(policy: PolicyChoiceInput): PolicyOrigin {
  return {
    sessionId: 1,
    algo: 'bc',
    backend: 'test',
    taskId: TASK,
    envTaskId: TASK,
    policy: policyToRun(policy),
    labels: 20,
    seed: 0,
    evalEpisodes: 1,
    returns: null,
    successRate: null,
  }
}

/** The Python script of docs/POLICIES.md, as the document shows it. */
function pythonScript(): string {
  const doc = readFileSync(join(__dirname, '../../../docs/POLICIES.md'), 'utf8')
  const section = doc.slice(doc.indexOf('## A policy outside the workbench'))
  const m = /```python\n(# policy\.py[\s\S]*?)```/.exec(section)
  if (!m) throw new Error('docs/POLICIES.md has no policy.py block')
  const file = tmp.path('policy.py')
  writeFileSync(file, m[1])
  return file
}

describe('docs/POLICIES.md read from Python', () => {
  // history 3 as well as 2: the reader pads a longer history the same way
  const CLASSES: Record<string, PolicyChoiceInput> = {
    chunk: { ...TINY_POLICIES.chunk, params: { ...TINY_POLICIES.chunk.params, history: 3 } },
    transformer: {
      ...TINY_POLICIES['chunk (transformer)'],
      params: {
        ...TINY_POLICIES['chunk (transformer)'].params,
        history: 3,
        blocks: 2,
        feedforward: 12,
      },
    },
    diffusion: TINY_POLICIES.diffusion,
  }

  it("gives the workbench's first action for every class (numpy, without the safetensors package)", async () => {
    const script = pythonScript()
    const task = taskInfo(TASK)
    const obs = [0.31, -0.2, 0.05, 0.4, -0.7, 0.12]
    const folders: [string, LearnerWeights][] = []
    for (const cls of ['mlp', 'gmm']) {
      const dir = tmp.path(`${cls}-latest`)
      if (!existsSync(dir))
        expect((await iwb('policy', 'export', '--db', db, '--session', String(sessions[cls]), '--out', dir)).code).toBe(
          0,
        )
      folders.push([dir, readPolicyFolder(dir).weights])
    }
    for (const [cls, policy] of Object.entries(CLASSES)) {
      const weights = await trained(policy)
      const dir = tmp.path(`${cls}-trained`)
      writePolicyFolder(dir, exportPolicy(weights, origin(policy), task))
      expect(readPolicyFolder(dir).weights).toEqual(weights)
      folders.push([dir, weights])
    }
    for (const [dir, weights] of folders) {
      const policy = policyFromSpec(learnerSpec(weights, task))
      policy.reset?.()
      const want = Array.from(policy.act(Float64Array.from(obs)))
      const args = [script, dir, JSON.stringify(obs)]
      if ('cls' in weights && weights.cls === 'diffusion') {
        // act() denoises from its own generator, createRng(0): the same draws for the script
        const rng = createRng(0)
        args.push(JSON.stringify(Array.from({ length: weights.horizon * weights.actDim }, () => rng.normal())))
      }
      const got = JSON.parse(execFileSync('/usr/bin/python3', args, { encoding: 'utf8', timeout: 30_000 })) as number[]
      expect(got).toHaveLength(want.length)
      got.forEach((v, i) => expect(Math.abs(v - want[i]), `${dir} action ${i}`).toBeLessThan(1e-6))
      expect(want.some((v) => v !== 0)).toBe(true)
    }
  })
})

describe('bad policy folders', () => {
  async function fails(argv: string[], message: RegExp): Promise<void> {
    const r = await iwb(...argv)
    expect(r.code).toBe(1)
    expect(r.err).toHaveLength(1)
    expect(r.err[0]).toMatch(message)
  }

  it('get one clear line each', async () => {
    const good = tmp.path('gmm-good')
    expect((await iwb('policy', 'export', '--db', db, '--session', String(sessions.gmm), '--out', good)).code).toBe(0)
    const model = readFileSync(join(good, 'model.safetensors'))
    const config = JSON.parse(readFileSync(join(good, 'config.json'), 'utf8'))
    const folder = (name: string, m: Uint8Array | null, c: unknown): string => {
      const dir = tmp.path(name)
      writePolicyFolder(dir, { model: m ?? model, config: c as never })
      return dir
    }
    const evalOf = (dir: string): string[] => ['policy', 'eval', '--from', dir, '--json']

    await fails(evalOf(tmp.path('nowhere')), /^iwb policy eval: no folder .*nowhere$/)
    const noModel = folder('no-model', null, config)
    execFileSync('rm', [join(noModel, 'model.safetensors')])
    await fails(evalOf(noModel), /^iwb policy eval: model\.safetensors is missing$/)
    // a model that is a link to a file outside the folder
    const linked = folder('linked-model', null, config)
    execFileSync('ln', ['-sf', join(good, 'model.safetensors'), join(linked, 'model.safetensors')])
    await fails(evalOf(linked), /^iwb policy eval: model\.safetensors is a symbolic link; refused$/)
    // a task of other sizes
    await fails(
      ['policy', 'eval', '--from', good, '--task', 'hopper'],
      /^iwb policy eval: the policy takes 6 observations and gives 2 actions; task hopper has 11 and 3$/,
    )
    // a tensor missing: the file written again without it
    const { tensors } = decodeSafetensors(model)
    const without = Object.fromEntries([...tensors].filter(([n]) => n !== 'layers.1.bias'))
    await fails(
      evalOf(folder('missing-tensor', encodeSafetensors(without), config)),
      /^iwb policy eval: model\.safetensors has no tensor 'layers\.1\.bias'$/,
    )
    // a tensor of the wrong shape (config.json says another hidden width)
    await fails(
      evalOf(folder('wrong-shape', null, { ...config, hidden: [17] })),
      /^iwb policy eval: model\.safetensors: tensor 'layers\.0\.weight' is \[16, 12\], expected \[17, 12\]$/,
    )
    // a header over the bound
    const huge = Buffer.from(model)
    huge.writeBigUInt64LE(BigInt(2 ** 40), 0)
    await fails(
      evalOf(folder('huge-header', huge, config)),
      /^iwb policy eval: model\.safetensors: its header says 1099511627776 bytes, over the bound of 1048576$/,
    )
    // a header past the file's end, and no file at all
    const short = Buffer.from(model.subarray(0, 20))
    await fails(evalOf(folder('short', short, config)), /runs past the end of the file$/)
    // an unknown class
    await fails(
      evalOf(folder('unknown-class', null, { ...config, class: 'transformer' })),
      /^iwb policy eval: config\.json: unknown policy class 'transformer' \(mlp, gmm, chunk, diffusion\)$/,
    )
    // not this workbench's, and a newer version
    await fails(
      evalOf(folder('not-ours', null, { hello: 1 })),
      /^iwb policy eval: config\.json is not a workbench policy's/,
    )
    await fails(
      evalOf(folder('newer', null, { ...config, version: 2 })),
      /format version 2; this workbench reads version 1$/,
    )
    // export: no such session, no policy at those labels
    await fails(
      ['policy', 'export', '--db', db, '--session', '99', '--out', tmp.path('x')],
      /^iwb policy export: no session 99 in /,
    )
    await fails(
      ['policy', 'export', '--db', db, '--session', String(sessions.gmm), '--labels', '5', '--out', tmp.path('x')],
      /^iwb policy export: session \d+ has no policy saved at 5 labels \(saved at 0, 12, 24\)$/,
    )
  })

  it('has help text and usage errors', async () => {
    const help = await iwb('policy', '--help')
    expect(help.code).toBe(0)
    expect(help.out.join('\n')).toMatch(/iwb policy export --db FILE --session N/)
    expect(help.out.join('\n')).toMatch(/iwb policy eval --from DIR/)
    const sub = await iwb('policy', 'eval', '--help')
    expect(sub.out.join('\n')).toMatch(/^iwb policy eval --from DIR/)
    const bad = await iwb('policy', 'frobnicate')
    expect(bad.code).toBe(2)
    expect(bad.err[0]).toBe('iwb policy: which? one of export, eval')
    const noOut = await iwb('policy', 'export', '--db', db, '--session', '1')
    expect(noOut.code).toBe(2)
    expect(noOut.err[0]).toBe('iwb policy export: --out is required')
  })
})
