/** The tables and chart rows of a --twin torch run (rates and ratios; parameters, kernels, memory). */
import { formatInt, formatRate } from '../harness/format.js';
import type { ThroughputCell, TwinResult } from './throughput-measure.js';

export interface Table {
  header: string[];
  rows: string[][];
}

const ratio = (x: number | undefined) => (x === undefined || !Number.isFinite(x) ? '-' : x.toFixed(2));
const mb = (x: number | undefined) => (x === undefined ? '-' : formatInt(x));

/** What a twin column shows when the twin has no number: its status (e.g. "not installed"). */
function twinOr(t: TwinResult | undefined, value: string): string {
  if (!t) return '-';
  return t.status === 'ok' ? value : t.status;
}

function status(c: ThroughputCell): string {
  const ours = c.status === 'failed' ? `failed: ${c.error ?? ''}` : c.status;
  const t = c.twin;
  if (!t || t.status === 'ok') return ours;
  return `${ours}; torch ${t.status}${t.status === 'not installed' ? '' : `: ${t.error ?? ''}`}`;
}

/** Samples/s of both sides and the ratio ours / PyTorch, per backbone. */
export function twinRateTable(cells: readonly ThroughputCell[]): Table {
  return {
    header: ['backbone', 'head outputs', 'backend', 'train samples/s', 'torch train samples/s', 'train ratio', 'inference series/s', 'torch inference series/s', 'inference ratio', 'status'],
    rows: cells.map((c) => [
      c.backbone,
      formatInt(c.headOutputs),
      c.backend,
      formatRate(c.train?.perSecond),
      twinOr(c.twin, formatRate(c.twin?.train?.perSecond)),
      twinOr(c.twin, ratio(c.twin?.ratio?.train)),
      formatRate(c.inference?.perSecond),
      twinOr(c.twin, formatRate(c.twin?.inference?.perSecond)),
      twinOr(c.twin, ratio(c.twin?.ratio?.inference)),
      status(c),
    ]),
  };
}

/** Parameter counts of both sides, tfjs kernels per step, and each side's peak memory. */
export function twinCostTable(cells: readonly ThroughputCell[]): Table {
  const params = (p: { backbone: number; headTrainable?: number; headNonTrainable?: number } | undefined) =>
    p ? `${formatInt(p.backbone)} + ${formatInt(p.headTrainable)} (+${formatInt(p.headNonTrainable)} stats)` : '-';
  return {
    header: ['backbone', 'params (backbone + head trainable)', 'torch params', 'equal', 'tfjs kernels/train step', 'tfjs kernels/inference step', 'tfjs peak tensor MB', 'node peak RSS MB', 'torch peak RSS MB'],
    rows: cells.map((c) => [
      c.backbone,
      params(c.parameters),
      twinOr(c.twin, params(c.twin?.parameters)),
      twinOr(c.twin, c.twin?.parametersMatch === undefined ? '-' : c.twin.parametersMatch ? 'yes' : 'NO'),
      formatInt(c.kernels?.train),
      formatInt(c.kernels?.inference),
      mb(c.memory?.peakTensorMB),
      mb(c.memory?.rssMB),
      twinOr(c.twin, mb(c.twin?.rssMB)),
    ]),
  };
}

/** The twins as extra chart cells (series "pytorch"), so the report's bar chart shows both sides. */
export function twinChartCells(cells: readonly ThroughputCell[]): { backbone: string; backend: string; status: string; train?: { perSecond: number }; inference?: { perSecond: number } }[] {
  return cells
    .filter((c) => c.twin?.status === 'ok')
    .map((c) => ({ backbone: c.backbone, backend: 'pytorch', status: 'ok', train: c.twin!.train, inference: c.twin!.inference }));
}
