// The Sessions form's policy parameters, read from the registry's zod schemas: every class's fields with their
// bounds and defaults, and the form's text checked with the same schema, in one line when it is wrong.
import { describe, expect, it } from 'vitest'
import { POLICY_CLASSES, PolicyChoice } from '../../../src/shared/policy-config'
import { boundsText, defaultPolicyTexts, policyFields, policyFromTexts, words } from '../../../src/shared/policy-form'

describe('policy form', () => {
  it("reads each class's fields from its schema, with bounds and defaults", () => {
    expect(policyFields('mlp')).toEqual([])
    const gmm = policyFields('gmm')
    expect(gmm.map((f) => f.key)).toEqual([
      'modes',
      'hidden',
      'history',
      'learningRate',
      'stepsPerLabel',
      'batchSize',
      'refitEpochs',
    ])
    // an optional setting without a default: an empty box, which leaves it out
    expect(gmm.at(-1)).toMatchObject({ kind: 'number', integer: true, min: 1, max: 1000, defaultText: '' })
    const [modes, hidden] = gmm
    expect(modes).toMatchObject({ kind: 'number', integer: true, min: 1, max: 20, defaultText: '5' })
    expect(hidden).toMatchObject({ kind: 'list', integer: true, min: 8, max: 1024, minItems: 1, maxItems: 4 })
    expect(hidden.defaultText).toBe('256, 256')
    expect(boundsText(hidden)).toBe('each 8–1024, 1–4 of them')
    const rate = gmm.find((f) => f.key === 'learningRate')!
    expect(rate).toMatchObject({ integer: false, defaultText: '0.001' })
    expect(boundsText(rate)).toBe('1e-6–0.1')
    expect(words('stepsPerLabel')).toBe('steps per label')
    // every field of every class is one the form can type (no JSON fallback for the classes there are)
    for (const c of POLICY_CLASSES) for (const f of policyFields(c.id)) expect(f.kind).not.toBe('json')
  })

  it("turns each class's default text back into the schema's defaults", () => {
    const texts = defaultPolicyTexts()
    for (const c of POLICY_CLASSES)
      expect(policyFromTexts(c.id, texts[c.id])).toEqual(PolicyChoice.parse({ id: c.id, params: {} }))
  })

  it('takes typed values, empty fields as their default, and names a bad field in one line', () => {
    const texts = { ...defaultPolicyTexts().gmm, modes: '3', hidden: ' 32,32 ', history: '' }
    expect(policyFromTexts('gmm', texts)).toEqual({
      id: 'gmm',
      params: { modes: 3, hidden: [32, 32], history: 1, learningRate: 1e-3, stepsPerLabel: 8, batchSize: 64 },
    })
    const bad = (id: string, t: Record<string, string>): string => {
      try {
        policyFromTexts(id, t)
      } catch (err) {
        return (err as Error).message
      }
      return 'accepted'
    }
    expect(bad('gmm', { modes: '0' })).toBe('policy gmm: modes: Too small: expected number to be >=1')
    expect(bad('gmm', { modes: '2.5' })).toMatch(/^policy gmm: modes: .*int/)
    expect(bad('gmm', { hidden: '32,,32' })).toMatch(/^policy gmm: hidden: item 2: .*NaN/)
    expect(bad('gmm', { hidden: '32, 4' })).toMatch(/^policy gmm: hidden: item 2: Too small/)
    expect(bad('gmm', { hidden: '32,32,32,32,32' })).toMatch(/^policy gmm: hidden: Too big/)
    expect(bad('diffusion', { horizon: '4', execute: '8' })).toBe(
      'policy diffusion: execute: execute must not exceed horizon',
    )
    expect(bad('nope', {})).toMatch(/unknown policy class 'nope'/)
    for (const m of [bad('gmm', { modes: 'x' }), bad('chunk', { ensembleDecay: '-1' })]) expect(m).not.toMatch(/\n/)
  })
})
