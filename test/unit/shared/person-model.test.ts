import { describe, expect, it } from 'vitest'
import {
  parsePersonText,
  PERSON_DEFAULTS,
  PERSON_LIMITS,
  perDimension,
  personModel,
  personText,
} from '../../../src/shared/person-model'
import { sessionConfig } from '../../../src/shared/session-config'

describe('the simulated person model', () => {
  it('fills every default and writes one canonical text, whatever order the parameters came in', () => {
    const a = parsePersonText('person:lag=2,noise=0.3')
    const b = parsePersonText('person:noise=0.30,lag=2')
    expect(a).toEqual({ ...PERSON_DEFAULTS, noise: 0.3, lag: 2 })
    expect(personText(a)).toBe(personText(b))
    expect(personText(a)).toBe(
      'person:noise=0.3,bias=0,lag=2,skip=0,query=8.1,querySpread=0.5,demo=0.048,takeover=1,switch=0',
    )
    expect(parsePersonText(personText(a))).toEqual(a)
    expect(parsePersonText('person:')).toEqual(PERSON_DEFAULTS)
  })

  it('takes one noise and bias per action dimension', () => {
    const m = parsePersonText('person:noise=0.1/0.2,bias=-0.05/0')
    expect(m.noise).toEqual([0.1, 0.2])
    expect(perDimension(m.noise, 2, 'noise')).toEqual([0.1, 0.2])
    expect(perDimension(0.3, 3, 'noise')).toEqual([0.3, 0.3, 0.3])
    expect(() => perDimension(m.noise, 3, 'noise')).toThrow(/noise lists 2 dimensions, the task's actions have 3/)
    expect(parsePersonText(personText(m))).toEqual(m)
  })

  it('refuses a parameter out of bounds, unknown, repeated or not a number, in one line', () => {
    const bad: [string, RegExp][] = [
      ['person:noise=2', /noise.*(<=|at most|too big)/i],
      ['person:skip=0.99', /skip/],
      ['person:lag=1.5', /lag/],
      ['person:lag=101', /lag/],
      ['person:query=0', /query/],
      ['person:speed=3', /'speed=3' is not one of noise=/],
      ['person:noise=0.1,noise=0.2', /noise is given twice/],
      ['person:noise=abc', /noise must be a number/],
      ['person:lag=1/2', /only noise and bias/],
      [`person:noise=${new Array(PERSON_LIMITS.dims + 1).fill(0.1).join('/')}`, /noise/],
    ]
    for (const [text, re] of bad) {
      expect(() => parsePersonText(text), text).toThrow(re)
      expect(() => parsePersonText(text)).toThrow(/^person/)
    }
    expect(() => personModel({ noise: 0.1, extra: 1 })).toThrow(/person model/)
  })

  it("is the session config's oracle as its canonical text; expert stays the default", () => {
    const base = { taskId: 'hopper', algo: 'stagger' as const }
    expect(sessionConfig(base).oracle).toBe('expert')
    expect(sessionConfig({ ...base, oracle: 'human' }).oracle).toBe('human')
    expect(sessionConfig({ ...base, oracle: 'person:skip=0.05,noise=0.3' }).oracle).toBe(
      personText(parsePersonText('person:noise=0.3,skip=0.05')),
    )
    expect(() => sessionConfig({ ...base, oracle: 'person:noise=7' })).toThrow(/^session config: oracle: .*noise/)
    expect(() => sessionConfig({ ...base, oracle: 'robot' })).toThrow(/^session config: oracle/)
  })
})
