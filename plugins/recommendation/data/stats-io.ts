import { ModelError } from '../../../core/errors.js';
import { fitNeighbours, itemCounts, type Neighbours, type TransitionTable } from './stats.js';

/** What a saved recommender keeps of its training events: aggregates only, never user sequences. */
export interface FitStatistics {
  counts: Float32Array;
  transitions: TransitionTable;
  events: number;
  /** Co-occurring items per item, when the head scores with them. */
  neighbours?: Neighbours;
}

/** `neighbours`: co-occurring items to keep per item (0: none). */
export function fitStatisticsOf(sequences: readonly (readonly number[])[], transitions: TransitionTable, neighbours = 0): FitStatistics {
  let events = 0;
  for (const s of sequences) events += s.length;
  const fit: FitStatistics = { counts: itemCounts(sequences, transitions.catalogueSize), transitions, events };
  if (neighbours > 0) fit.neighbours = fitNeighbours(sequences, transitions.catalogueSize, neighbours);
  return fit;
}

const MAGIC = 0x48535354; // "HSST"

/**
 * Little-endian binary layout: header [magic, version, N, P, events] as int32 (events as float64),
 * then counts f32[N], offsets i32[N+1], successors i32[P], pair counts f32[P], outgoing f32[N];
 * version 2 adds K (int32, 0 = no neighbours), neighbour ids i32[N·K], weights f32[N·K], totals f32[N].
 */
export function encodeFitStatistics(s: FitStatistics): Uint8Array {
  const N = s.counts.length;
  const P = s.transitions.successors.length;
  const header = 4 * 4 + 8;
  const K = s.neighbours?.perItem ?? 0;
  const bytes = new Uint8Array(header + 4 * (N + (N + 1) + P + P + N) + 4 + (K > 0 ? 4 * (2 * N * K + N) : 0));
  const view = new DataView(bytes.buffer);
  view.setInt32(0, MAGIC, true);
  view.setInt32(4, 2, true);
  view.setInt32(8, N, true);
  view.setInt32(12, P, true);
  view.setFloat64(16, s.events, true);
  let at = header;
  const put = (a: Float32Array | Int32Array) => {
    for (let i = 0; i < a.length; i++, at += 4) {
      if (a instanceof Int32Array) view.setInt32(at, a[i]!, true);
      else view.setFloat32(at, a[i]!, true);
    }
  };
  put(s.counts);
  put(s.transitions.offsets);
  put(s.transitions.successors);
  put(s.transitions.counts);
  put(s.transitions.outgoing);
  view.setInt32(at, K, true);
  at += 4;
  if (s.neighbours && K > 0) {
    put(s.neighbours.ids);
    put(s.neighbours.weights);
    put(s.neighbours.totals);
  }
  return bytes;
}

export function decodeFitStatistics(bytes: Uint8Array, source: string): FitStatistics {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const bad = () => new ModelError(`${source}: not a catalogue statistics file of this version; re-run \`headstart transfer recommend\``, 'model-corrupt');
  if (bytes.byteLength < 24 || view.getInt32(0, true) !== MAGIC || view.getInt32(4, true) !== 2) throw bad();
  const N = view.getInt32(8, true);
  const P = view.getInt32(12, true);
  const events = view.getFloat64(16, true);
  const base = 24 + 4 * (3 * N + 1 + 2 * P);
  if (bytes.byteLength < base + 4) throw bad();
  const K = view.getInt32(base, true);
  if (K < 0 || bytes.byteLength !== base + 4 + (K > 0 ? 4 * (2 * N * K + N) : 0)) throw bad();
  let at = 24;
  const f32 = (n: number) => {
    const a = new Float32Array(n);
    for (let i = 0; i < n; i++, at += 4) a[i] = view.getFloat32(at, true);
    return a;
  };
  const i32 = (n: number) => {
    const a = new Int32Array(n);
    for (let i = 0; i < n; i++, at += 4) a[i] = view.getInt32(at, true);
    return a;
  };
  const counts = f32(N);
  const offsets = i32(N + 1);
  const successors = i32(P);
  const pairCounts = f32(P);
  const outgoing = f32(N);
  const fit: FitStatistics = { counts, events, transitions: { catalogueSize: N, offsets, successors, counts: pairCounts, outgoing } };
  at += 4;
  if (K > 0) fit.neighbours = { perItem: K, ids: i32(N * K), weights: f32(N * K), totals: f32(N) };
  return fit;
}
