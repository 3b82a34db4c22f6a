/**
 * Popularity scores scaled to stay below `below` (count / (largest count + 1) · below): added to a
 * counting recommender's scores, they order items with equal evidence by popularity without ever
 * outranking an item with more evidence.
 */
export function popularityTieBreak(counts: Float32Array, below = 1): Float32Array {
  let max = 0;
  for (const c of counts) if (c > max) max = c;
  return counts.map((c) => (below * c) / (max + 1));
}
