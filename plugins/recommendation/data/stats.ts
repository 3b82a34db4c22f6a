import type { CatalogueStats } from '../../../core/interfaces/recommend.js';

/**
 * Item-to-item transition counts of training sequences in compressed sparse rows: the successors of
 * item a are successors[offsets[a] .. offsets[a + 1]), sorted by item index, with their counts.
 */
export interface TransitionTable {
  catalogueSize: number;
  offsets: Int32Array;
  successors: Int32Array;
  counts: Float32Array;
  /** Transitions out of each item. */
  outgoing: Float32Array;
}

/** Counts consecutive pairs (a -> b) of every sequence. */
export function fitTransitions(sequences: readonly (readonly number[])[], catalogueSize: number): TransitionTable {
  let pairs = 0;
  for (const s of sequences) pairs += Math.max(0, s.length - 1);
  // Pair keys a·N + b stay exact in float64 for catalogues up to ~9e7 items.
  const keys = new Float64Array(pairs);
  let k = 0;
  for (const s of sequences) for (let i = 1; i < s.length; i++) keys[k++] = s[i - 1]! * catalogueSize + s[i]!;
  keys.sort();
  const offsets = new Int32Array(catalogueSize + 1);
  const succ: number[] = [];
  const cnt: number[] = [];
  const outgoing = new Float32Array(catalogueSize);
  for (let i = 0; i < keys.length; ) {
    let j = i;
    while (j < keys.length && keys[j] === keys[i]) j++;
    const a = Math.floor(keys[i]! / catalogueSize);
    const b = keys[i]! - a * catalogueSize;
    succ.push(b);
    cnt.push(j - i);
    offsets[a + 1]!++;
    outgoing[a]! += j - i;
    i = j;
  }
  for (let a = 0; a < catalogueSize; a++) offsets[a + 1]! += offsets[a]!;
  return { catalogueSize, offsets, successors: Int32Array.from(succ), counts: Float32Array.from(cnt), outgoing };
}

/** Count of a -> b (0 when never seen); binary search in a's sorted successor list. */
export function transitionCount(t: TransitionTable, a: number, b: number): number {
  let lo = t.offsets[a]!;
  let hi = t.offsets[a + 1]! - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const v = t.successors[mid]!;
    if (v === b) return t.counts[mid]!;
    if (v < b) lo = mid + 1;
    else hi = mid - 1;
  }
  return 0;
}

/** Training events per item. */
export function itemCounts(sequences: readonly (readonly number[])[], catalogueSize: number): Float32Array {
  const counts = new Float32Array(catalogueSize);
  for (const s of sequences) for (const i of s) counts[i]!++;
  return counts;
}

/**
 * The statistics a recommendation head stores beside its weights: item counts and each item's
 * `successorsPerItem` most frequent successors (ties: more popular successor first, then lower index).
 */
export function fitCatalogueStats(sequences: readonly (readonly number[])[], catalogueSize: number, successorsPerItem = 32, transitions?: TransitionTable): CatalogueStats {
  let events = 0;
  for (const s of sequences) events += s.length;
  return catalogueStatsFrom(itemCounts(sequences, catalogueSize), transitions ?? fitTransitions(sequences, catalogueSize), successorsPerItem, events);
}

/** The same statistics from item counts and a transition table (what a saved model keeps of its training events). */
export function catalogueStatsFrom(counts: Float32Array, t: TransitionTable, successorsPerItem: number, events: number): CatalogueStats {
  const catalogueSize = counts.length;
  const K = successorsPerItem;
  const successors = new Int32Array(catalogueSize * K);
  const successorCounts = new Float32Array(catalogueSize * K);
  const order: number[] = [];
  for (let a = 0; a < catalogueSize; a++) {
    const lo = t.offsets[a]!;
    const hi = t.offsets[a + 1]!;
    if (hi === lo) continue;
    order.length = 0;
    for (let p = lo; p < hi; p++) order.push(p);
    order.sort((x, y) => t.counts[y]! - t.counts[x]! || counts[t.successors[y]!]! - counts[t.successors[x]!]! || t.successors[x]! - t.successors[y]!);
    for (let r = 0; r < Math.min(K, order.length); r++) {
      successors[a * K + r] = t.successors[order[r]!]!;
      successorCounts[a * K + r] = t.counts[order[r]!]!;
    }
  }
  return { catalogueSize, counts, successorsPerItem: K, successors, successorCounts, outgoing: t.outgoing, events };
}

/** Popularity percentile of every item: the share of catalogue items strictly less popular (0 for unseen items). */
export function popularityPercentiles(counts: Float32Array): Float32Array {
  const n = counts.length;
  const sorted = Float32Array.from(counts).sort();
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    if (counts[i] === 0) continue;
    // First index in sorted with value >= counts[i] = number of items strictly less popular.
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (sorted[mid]! < counts[i]!) lo = mid + 1;
      else hi = mid;
    }
    out[i] = lo / n;
  }
  return out;
}
