// Intervention-weighted regression (IWR, Mandlekar et al. 2020; the lead-up weighting from Sirius, Liu et al.
// 2022): behaviour cloning on all of a takeover session's steps, the person's and the learner's own, drawn so that
// the person's steps weigh at least half of the data however few they are, and the learner's steps just before a
// takeover (the ones that led to it) weigh less than its other steps.
import type { LabelRecord } from '../../session-log'

/** A row as the weighting sees it: who drove (source) and at which step of its episode. */
export type WeighedRow = Pick<LabelRecord, 'source' | 'stepIndex'>

/** The share of the data the person's steps weigh at least (IWR balances them with everything else). */
export const IWR_PERSON_SHARE = 0.5
/** A step in a takeover's lead-up weighs this much of one of the learner's other steps. */
export const IWR_LEAD_UP_WEIGHT = 0.1

/**
 * One weight per row (same order): the person's steps ('intervention') share max(their count share, 1/2) of the
 * total; the learner's steps ('policy') share the rest, those among the `before` steps just before a takeover
 * starts (consecutive steps of the same episode) at IWR_LEAD_UP_WEIGHT of the others. Uniform when either kind is
 * missing. Weights average 1.
 */
export function iwrWeights(rows: readonly WeighedRow[], before: number): Float64Array {
  const n = rows.length
  const out = new Float64Array(n).fill(1)
  const person = (r: WeighedRow): boolean => r.source !== 'policy'
  const leadUp = new Uint8Array(n)
  rows.forEach((r, i) => {
    const start = person(r) && (i === 0 || !person(rows[i - 1]))
    if (!start || r.stepIndex === null) return
    for (let j = i - 1; j >= 0 && i - j <= before; j--) {
      const q = rows[j]
      if (person(q) || q.stepIndex !== r.stepIndex - (i - j)) break
      leadUp[j] = 1
    }
  })
  let people = 0
  let mass = 0 // the learner's steps in units of one ordinary step
  rows.forEach((r, i) => {
    if (person(r)) people++
    else mass += leadUp[i] ? IWR_LEAD_UP_WEIGHT : 1
  })
  if (people === 0 || people === n) return out
  const share = Math.max(people / n, IWR_PERSON_SHARE)
  const perPerson = (share * n) / people
  const perStep = ((1 - share) * n) / mass
  rows.forEach((r, i) => {
    out[i] = person(r) ? perPerson : leadUp[i] ? perStep * IWR_LEAD_UP_WEIGHT : perStep
  })
  return out
}
