import type { CatalogueStats } from '../contracts.js';

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
export function fitCatalogueStats(sequences: readonly (readonly number[])[], catalogueSize: number, successorsPerItem = 32, transitions?: TransitionTable, neighbours?: Neighbours): CatalogueStats {
  let events = 0;
  for (const s of sequences) events += s.length;
  return catalogueStatsFrom(itemCounts(sequences, catalogueSize), transitions ?? fitTransitions(sequences, catalogueSize), successorsPerItem, events, neighbours);
}

/** The same statistics from item counts and a transition table (what a saved model keeps of its training events). */
export function catalogueStatsFrom(counts: Float32Array, t: TransitionTable, successorsPerItem: number, events: number, neighbours?: Neighbours): CatalogueStats {
  const top = topPerItem(t, counts, successorsPerItem);
  const stats: CatalogueStats = { catalogueSize: counts.length, counts, successorsPerItem, successors: top.ids, successorCounts: top.weights, outgoing: t.outgoing, events };
  if (neighbours) {
    stats.neighboursPerItem = neighbours.perItem;
    stats.neighbours = neighbours.ids;
    stats.neighbourWeights = neighbours.weights;
    stats.neighbourTotals = neighbours.totals;
  }
  return stats;
}

/** Each item's K heaviest entries of a sparse item × item table (ties: more popular item first, then lower index). */
function topPerItem(t: TransitionTable, counts: Float32Array, K: number): { ids: Int32Array; weights: Float32Array } {
  const N = counts.length;
  const ids = new Int32Array(N * K);
  const weights = new Float32Array(N * K);
  const order: number[] = [];
  for (let a = 0; a < N; a++) {
    const lo = t.offsets[a]!;
    const hi = t.offsets[a + 1]!;
    if (hi === lo) continue;
    order.length = 0;
    for (let p = lo; p < hi; p++) order.push(p);
    order.sort((x, y) => t.counts[y]! - t.counts[x]! || counts[t.successors[y]!]! - counts[t.successors[x]!]! || t.successors[x]! - t.successors[y]!);
    for (let r = 0; r < Math.min(K, order.length); r++) {
      ids[a * K + r] = t.successors[order[r]!]!;
      weights[a * K + r] = t.counts[order[r]!]!;
    }
  }
  return { ids, weights };
}

/** Events on either side of an event that count as co-occurring with it (weight 1 / distance). */
export const COOCCURRENCE_WINDOW = 8;

/**
 * Each item's strongest co-occurring items: within COOCCURRENCE_WINDOW events of each other in a
 * sequence, in either order, weighted 1 / distance. Denser than transitions, so it still finds
 * related items when the target log is small. `totals` is every item's whole co-occurrence weight.
 */
export interface Neighbours {
  perItem: number;
  /** [N × perItem] item indices (padding: 0 with weight 0). */
  ids: Int32Array;
  weights: Float32Array;
  totals: Float32Array;
}

export function fitNeighbours(sequences: readonly (readonly number[])[], catalogueSize: number, perItem: number, window = COOCCURRENCE_WINDOW): Neighbours {
  const N = catalogueSize;
  let pairs = 0;
  for (const s of sequences) for (let i = 0; i < s.length; i++) pairs += Math.min(window, s.length - 1 - i) * 2;
  // Pair keys a·N + b (exact in float64), with the weight packed beside each key.
  const keys = new Float64Array(pairs);
  const w = new Float64Array(pairs);
  let k = 0;
  for (const s of sequences) {
    for (let i = 0; i < s.length; i++) {
      for (let j = i + 1; j <= Math.min(s.length - 1, i + window); j++) {
        // An item with itself is a repeat, scored by the repeat features.
        if (s[i] === s[j]) continue;
        keys[k] = s[i]! * N + s[j]!;
        w[k++] = 1 / (j - i);
        keys[k] = s[j]! * N + s[i]!;
        w[k++] = 1 / (j - i);
      }
    }
  }
  pairs = k;
  const order = Uint32Array.from({ length: pairs }, (_, i) => i).sort((x, y) => keys[x]! - keys[y]!);
  const offsets = new Int32Array(N + 1);
  const succ: number[] = [];
  const cnt: number[] = [];
  const totals = new Float32Array(N);
  for (let i = 0; i < order.length; ) {
    const key = keys[order[i]!]!;
    let sum = 0;
    let j = i;
    for (; j < order.length && keys[order[j]!] === key; j++) sum += w[order[j]!]!;
    const a = Math.floor(key / N);
    succ.push(key - a * N);
    cnt.push(sum);
    offsets[a + 1]!++;
    totals[a]! += sum;
    i = j;
  }
  for (let a = 0; a < N; a++) offsets[a + 1]! += offsets[a]!;
  const table: TransitionTable = { catalogueSize: N, offsets, successors: Int32Array.from(succ), counts: Float32Array.from(cnt), outgoing: totals };
  const top = topPerItem(table, itemCounts(sequences, N), perItem);
  return { perItem, ids: top.ids, weights: top.weights, totals };
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
