import type { ForecastDataset } from '../../core/interfaces/index.js';
import { UsageError } from '../../core/errors.js';
import type { Cut } from './data/windows.js';

/** When forecasts are clipped at zero: `auto` for series whose history has no negative value. */
export type NonNegativeMode = 'auto' | 'always' | 'never';
export const NON_NEGATIVE_MODES: readonly NonNegativeMode[] = ['auto', 'always', 'never'];

/**
 * How the model's forecast is combined with a classical partner (a registered baseline, ETS by
 * default): `model` alone, the `mean` of both, or the `partner` alone. `select` (an option of
 * transfer, never saved) picks one of the three by the validation windows.
 */
export type CombineMethod = 'model' | 'mean' | 'partner';
export type CombineOption = 'none' | 'mean' | 'select';
export const COMBINE_OPTIONS: readonly CombineOption[] = ['none', 'mean', 'select'];

export interface Combination {
  method: CombineMethod;
  /** Baseline id of the partner. */
  partner: string;
  /** Validation relative MASE of each candidate, when chosen by `select`. */
  validation?: Partial<Record<CombineMethod, number>>;
}

export function parseNonNegative(v: string): NonNegativeMode {
  if (!(NON_NEGATIVE_MODES as readonly string[]).includes(v)) throw new UsageError(`--non-negative ${v}: use ${NON_NEGATIVE_MODES.join(', ')}`);
  return v as NonNegativeMode;
}

/** True when forecasts after `history` should be clipped at zero under `mode`. */
export function clipsAtZero(mode: NonNegativeMode, history: readonly number[]): boolean {
  if (mode === 'never') return false;
  if (mode === 'always') return true;
  return history.length > 0 && history.every((v) => !(v < 0));
}

/** One window's combined forecast; a non-finite partner value leaves the model's. */
export function combineRow(method: CombineMethod, model: readonly number[], partner?: readonly number[]): number[] {
  if (method === 'model' || !partner) return [...model];
  if (method === 'partner') return model.map((v, h) => (Number.isFinite(partner[h]!) ? partner[h]! : v));
  return model.map((v, h) => (Number.isFinite(partner[h]!) ? (v + partner[h]!) / 2 : v));
}

/**
 * Combines model forecasts with the partner's forecasts at the same cuts (needed unless the method
 * is `model`), then clips at zero where the non-negativity rule says; pure.
 */
export function applyOutputPolicy(
  dataset: ForecastDataset,
  cuts: readonly Cut[],
  model: number[][],
  policy: { nonNegative: NonNegativeMode; method: CombineMethod; partner?: number[][] },
): number[][] {
  if (policy.method !== 'model' && !policy.partner) throw new Error(`combination '${policy.method}' needs the partner's forecasts`);
  return model.map((row, i) => {
    const c = cuts[i]!;
    const out = combineRow(policy.method, row, policy.partner?.[i]);
    return clipsAtZero(policy.nonNegative, dataset.series[c.series]!.values.slice(0, c.cut)) ? out.map((v) => Math.max(0, v)) : out;
  });
}
