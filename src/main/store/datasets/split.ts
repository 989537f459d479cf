// The train/valid split both formats record: a seeded shuffle, so the same export gives the same split.
import { createRng } from '../../../shared/rng'

/** robomimic's split_train_val_from_hdf5 holds out 10% by default; so do we (at least one when there are two). */
export const VALID_RATIO = 0.1
export const SPLIT_SEED = 0

export function trainValidSplit(n: number, seed = SPLIT_SEED): { train: number[]; valid: number[] } {
  const order = Array.from({ length: n }, (_, i) => i)
  const rng = createRng(seed)
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1)
    ;[order[i], order[j]] = [order[j], order[i]]
  }
  const nValid = n < 2 ? 0 : Math.max(1, Math.round(n * VALID_RATIO))
  const valid = order.slice(0, nValid).sort((a, b) => a - b)
  const train = order.slice(nValid).sort((a, b) => a - b)
  return { train, valid }
}
