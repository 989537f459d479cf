// A round's labels that follow each other in one episode (a whole expert demonstration, a person's takeover)
// give each other their chunks: a label's later chunk positions are the actions of the labels after it, while
// they are consecutive steps of the same source and episode. Labels that have their chunk already (the expert's
// simulated one) keep it.
import type { DrawnLabel } from './algorithm'

export function followingActions(labels: DrawnLabel[], chunk: number, actDim: number): void {
  labels.forEach((l, i) => {
    if ((l.context?.next.length ?? 0) > 0 || l.stepIndex === null || l.source === 'query') return
    const next: number[] = []
    for (let j = i + 1; j < labels.length && j - i < chunk; j++) {
      const m = labels[j]
      if (m.source !== l.source || m.episodeId !== l.episodeId || m.stepIndex !== l.stepIndex + (j - i)) break
      for (let d = 0; d < actDim; d++) next.push(m.action[d])
    }
    if (next.length === 0) return
    l.context = { history: l.context?.history ?? new Float64Array(0), next: Float64Array.from(next) }
  })
}
