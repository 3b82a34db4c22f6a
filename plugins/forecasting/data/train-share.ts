import { Rng } from '../../../core/random.js';
import { UsageError } from '../../../core/errors.js';

/**
 * The first ⌈share·n⌉ series of a seeded permutation: nested subsets per seed (10% ⊂ 25% ⊂ …), so a
 * data-savings curve compares the same series as the share grows.
 */
export function seriesSubset(n: number, share: number, seed: number): Set<number> {
  if (!(share > 0 && share <= 1)) throw new UsageError(`--train-share ${share}: must be in (0, 1]`);
  const order = new Rng(seed * 7919).shuffle(Array.from({ length: n }, (_, i) => i));
  return new Set(order.slice(0, Math.max(1, Math.ceil(share * n))));
}
